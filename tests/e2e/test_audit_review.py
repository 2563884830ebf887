"""Intelligent audit through real processes (N art.13, JL art.13): in an audit-first region (即审即拨) a passed
record is paid in full, a clear-cut violation without its violating amount, and a suspicious one is held until
a reviewer decides; the confirmed violations reach the month's settlement as deductions (月度抵扣)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from launcher.demo_data import demo_institutions
from launcher.stack import Stack
from launcher.testing import eventually, operator_headers
from shared.money import to_fen, total
from tests.e2e.api import Api

pytestmark = pytest.mark.e2e
DAY = date(2025, 9, 2)  # a Tuesday
CONSULT, TCT, METFORMIN = ("110200001", "05", "20.00"), ("270300005", "03", "150.00"), \
    ("XA10BAA059A001010100", "09", "0.25")


def a_record(setl_id: str, psn_no: str, items: list[tuple[tuple[str, str, str], int]],
             dise_codg: list[str]) -> dict[str, Any]:
    """A man's general outpatient settlement on the employee fund, which pays 75 %."""
    details = [{"feedetl_sn": str(n), "med_list_codg": code, "med_chrgitm_type": kind, "cnt": str(cnt), "pric": price,
                "det_item_fee_sumamt": str(to_fen(Decimal(price) * cnt)), "fee_ocur_time": f"{DAY}T09:00:00"}
               for n, ((code, kind, price), cnt) in enumerate(items, 1)]
    medfee = total(Decimal(d["det_item_fee_sumamt"]) for d in details)
    fund = to_fen(medfee * Decimal("0.75"))
    return {"setl_id": setl_id, "mdtrt_id": f"M{setl_id}", "psn_no": psn_no, "gend": "1", "age": 52, "insutype": "310",
            "med_type": "11", "setl_time": f"{DAY}T09:30:00", "medfee_sumamt": str(medfee),
            "fund_pay_sumamt": str(fund), "acct_pay": "0.00", "psn_cash_pay": str(medfee - fund),
            "dise_codg": dise_codg, "details": details}


async def test_review_decides_what_an_audit_first_region_pays_and_the_month_deducts(stack: Stack, region: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        api = Api(stack, client)
        await api.policy(region, {"pack": "jilin", "effective_from": "2025-01-01"})  # audit-first, 60 % daily
        # No random sample: the default 1 % would send the clean record to review in about one region in a
        # hundred, and the month would then wait for that review too (N art.13, SX §3).
        await api.audit_config(region, {"sample_share": "0"})
        hospital = demo_institutions(region, prefix=f"A{region}")[0]
        token = await api.register(hospital)
        await api.enroll(hospital.fixmedins_code)
        clean = a_record(f"C{region}", f"{region}P1", [(CONSULT, 1)], ["J06.9"])
        wrong = a_record(f"V{region}", f"{region}P2", [(CONSULT, 1), (TCT, 1)], ["J06.9"])  # female-only, a man
        doubtful = a_record(f"D{region}", f"{region}P3", [(CONSULT, 1), (METFORMIN, 30)], ["J06.9"])  # no diabetes
        response = await api.post(token, {"records": [clean, wrong, doubtful]})
        assert [r["status"] for r in response.json()["results"]] == ["accepted"] * 3, response.text
        await api.wait_intake(region, audited=3)

        async def view(record: dict[str, Any]) -> dict[str, Any]:
            return dict((await api.view(token, record["setl_id"])).json())

        def line_amount(v: dict[str, Any]) -> Decimal | None:
            lines = v.get("disbursement", {}).get("lines", [])
            return Decimal(lines[0]["amount"]) if lines else None

        # pass: paid in full; violation: paid without its violating amount; suspicious: held (N art.13)
        assert (await eventually(lambda: _with_line(view, clean)))["audit"]["status"] == "pass"
        violation = await eventually(lambda: _with_line(view, wrong))
        assert (violation["audit"]["status"], violation["audit"]["vola_amt"]) == ("violation", "112.50")
        assert line_amount(violation) == to_fen((Decimal("127.50") - Decimal("112.50")) * Decimal("0.60"))
        held = await view(doubtful)
        assert held["audit"]["status"] == "suspicious" and line_amount(held) is None

        queue = await api.operator_get("audit", "/v1/findings", admdvs=region, status="open", kind="suspicious")
        [finding] = queue["items"]
        assert (finding["setl_id"], finding["rule_ids"]) == (doubtful["setl_id"], ["MED-IND-01"])
        decision = await client.post(api.url("audit", f"/v1/findings/{finding['finding_id']}/decision"),
                                     headers=operator_headers(),
                                     json={"decision": "confirm", "amount": "10.00", "reviewer": "王审核",
                                           "reason": "二甲双胍无糖尿病诊断，超限定支付范围"})
        assert decision.status_code == 200, decision.text

        # the reviewed outcome releases the record, less the confirmed amount
        released = await eventually(lambda: _with_line(view, doubtful))
        assert (released["audit"]["status"], released["audit"]["vola_amt"]) == ("violation", "10.00")
        assert line_amount(released) == to_fen((Decimal("20.63") - Decimal("10.00")) * Decimal("0.60"))

        deductions = await api.operator_get("audit", "/v1/deductions", admdvs=region)
        assert sorted((d["setl_id"], d["amount"], d["source"], d["period"]) for d in deductions["items"]) == [
            (doubtful["setl_id"], "10.00", "review", "2025-09"), (wrong["setl_id"], "112.50", "automatic", "2025-09")]

        # the month is netted once its review has ended and it is declared (SX §3, N art.12)
        await api.declare(token, "2025-09", [clean, wrong, doubtful])
        await api.wait_intake(region, audited=3, declarations=1)
        run = await api.monthly_settlement(region, "2025-09")
        [line] = [x for x in run["lines"] if x["fixmedins_code"] == hospital.fixmedins_code]
        assert line["deductions"] == "122.50"  # both confirmed violations, deducted in the month (JL art.13)
        assert line["payable"] == str(total(Decimal(r["fund_pay_sumamt"]) for r in (clean, wrong, doubtful)))


async def _with_line(view: Any, record: dict[str, Any]) -> dict[str, Any] | None:
    v = await view(record)
    return v if v.get("disbursement", {}).get("lines") else None
