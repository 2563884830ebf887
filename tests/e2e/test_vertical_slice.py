"""One settlement's whole path through real processes: the claims API, audit, the daily disbursement,
the bank gateway, the bank, and the books (issue 3's slice)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from launcher.demo_data import DemoInstitution, SettlementFactory, demo_institutions
from launcher.stack import Stack
from launcher.testing import publish, read_topic
from shared.money import to_fen
from tests.e2e.api import Api

pytestmark = pytest.mark.e2e
DAY = date(2025, 9, 2)  # a Tuesday, a working day


def institutions(region: str) -> list[DemoInstitution]:
    return demo_institutions(region, prefix=f"T{region}")


async def test_settlements_go_from_the_claims_api_to_the_bank_and_the_books(stack: Stack, region: str) -> None:
    """JL art.11: each record's line is fund payment × 60 %, half-up to the fen, for what the audit let
    through (即审即拨, N art.13); the day's summary orders one payment per institution and fund; the bank pays
    against a voucher and its receipt comes back (N art.14-15); the books show the advance (SX §5)."""
    async with httpx.AsyncClient(timeout=30) as client:
        api = Api(stack, client)
        await api.policy(region, {"pack": "jilin", "effective_from": "2025-01-01"})
        hospital, clinic, pharmacy = institutions(region)
        tokens = {i.fixmedins_code: await api.register(i) for i in (hospital, clinic, pharmacy)}
        for code in tokens:
            await api.enroll(code)

        factory = SettlementFactory(DAY, seed=3, violation_share=0.25)
        posted = factory.day_of([hospital, clinic, pharmacy], 40)
        by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for institution, record in posted:
            by_code[institution.fixmedins_code].append(record)
        for code, records in by_code.items():
            response = await api.post(tokens[code], {"records": records})
            assert response.status_code == 200, response.text
            assert [r["status"] for r in response.json()["results"]] == ["accepted"] * len(records)

        await api.wait_intake(region, audited=len(posted))
        run = await api.daily_run(region, DAY.isoformat())
        assert run["records"] == len(posted) and run["due_date"] == "2025-09-03"  # 1 working day (LS §3.2)
        assert run["signed_by"] == "张会计" and run["signed_at"]  # a person signed the summary (JL art.11)
        run = await api.wait_settled(run)
        assert {line["status"] for line in run["lines"]} == {"paid"}

        expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        violations = 0
        for institution, record in posted:
            view = (await api.view(tokens[institution.fixmedins_code], record["setl_id"])).json()
            base = Decimal(record["fund_pay_sumamt"]) - Decimal(view["audit"]["vola_amt"])
            violations += view["audit"]["status"] == "violation"
            line = view["disbursement"]["lines"][0]
            assert Decimal(line["amount"]) == to_fen(base * Decimal("0.60"))
            expected[(institution.fixmedins_code, record["insutype"])] += to_fen(base * Decimal("0.60"))
            [payment] = view["payments"]
            assert payment["status"] == "paid" and payment["voucher_no"] and payment["receipt_at"]
        assert violations > 0, "the factory was asked for violations; the audit found none"
        assert {(line["fixmedins_code"], line["insutype"]): Decimal(line["payment"]) for line in run["lines"]} == expected

        voucher = await api.operator_get("bank-gateway", f"/v1/vouchers/{run['lines'][0]['voucher_no']}")
        assert voucher["status"] == "paid" and voucher["receipt"]["bank_ref"]
        assert Decimal(voucher["amount"]) == Decimal(run["lines"][0]["payment"])

        again = await api.daily_run(region, DAY.isoformat())
        assert again["run_id"] == run["run_id"]  # the same run: nothing is paid twice


async def test_bad_input_is_refused_and_nothing_of_it_is_stored(stack: Stack, region: str) -> None:
    """contract.md: parts that do not add up are a 422 naming each field, nothing stored; no token is 401;
    another institution's record is 404, so its existence does not leak."""
    async with httpx.AsyncClient(timeout=30) as client:
        api = Api(stack, client)
        hospital, clinic, _ = institutions(region)
        hospital_token, clinic_token = await api.register(hospital), await api.register(clinic)
        record = SettlementFactory(DAY, seed=11).settlement(hospital)

        broken = {**record, "psn_cash_pay": str(Decimal(record["psn_cash_pay"]) + Decimal("0.01"))}
        response = await api.post(hospital_token, broken)
        assert response.status_code == 422
        problem = response.json()
        assert problem["type"].endswith("/invalid-settlement")
        assert {e["field"] for e in problem["errors"]} == {"medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay"}
        assert (await api.view(hospital_token, record["setl_id"])).status_code == 404

        lines_off = {**record, "details": record["details"][:-1]} if len(record["details"]) > 1 else None
        if lines_off:
            response = await api.post(hospital_token, lines_off)
            assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["details"]

        assert (await client.post(api.url("claims", "/v1/settlements"), json=record)).status_code == 401
        assert (await api.post(hospital_token, record)).status_code == 200
        assert (await api.view(hospital_token, record["setl_id"])).status_code == 200
        other = await api.view(clinic_token, record["setl_id"])
        assert other.status_code == 404 and other.json()["type"].endswith("/not-found")

        changed = {**record, "mdtrt_id": "ANOTHER"}
        response = await api.post(hospital_token, changed)
        assert response.status_code == 409 and [e["field"] for e in response.json()["errors"]] == ["mdtrt_id"]
        replay = await api.post(hospital_token, record)
        assert replay.status_code == 200 and replay.json()["results"][0]["status"] == "replayed"


async def test_a_malformed_event_goes_to_the_dlq_and_audit_goes_on(stack: Stack, region: str) -> None:
    """contract.md: a message that cannot be parsed goes to <topic>.dlq with the reason; the consumer goes on."""
    topic = f"{stack.topic_prefix}claims.settlement-recorded"
    marker = f"junk-{region}"
    await publish(stack.kafka_bootstrap, topic, json.dumps({"event_id": marker}).encode(), b"H0")
    async with httpx.AsyncClient(timeout=30) as client:
        api = Api(stack, client)
        await api.policy(region, {"pack": "jilin", "effective_from": "2025-01-01"})
        hospital = institutions(region)[0]
        token = await api.register(hospital)
        record = SettlementFactory(DAY, seed=5).settlement(hospital)
        assert (await api.post(token, record)).status_code == 200
        await api.wait_intake(region, audited=1)
    letters = await read_topic(stack.kafka_bootstrap, f"{topic}.dlq",
                               until=lambda m: any(marker in json.dumps(x) for x in m))
    mine = [x for x in letters if marker in json.dumps(x)]
    assert {x["consumer"] for x in mine} == {"audit", "disbursement"}
    assert all(x["reason"].startswith("not an envelope") for x in mine)
