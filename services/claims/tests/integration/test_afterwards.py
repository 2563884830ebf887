"""What an institution does after uploading, through the real app on PostgreSQL and the broker: cancelling a
settlement (结算撤销, N art.10), declaring a month against the region's deadline (申报, N art.12, N art.16),
reconciling its totals (对账, N art.11, JL art.12) and reading its monthly statement (结算单)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook

from launcher.testing import eventually, read_topic
from shared.contracts import topics
from shared.contracts.events import DeductionConfirmed, MonthlySettled, PaymentConfirmed, RegionPolicySet

if TYPE_CHECKING:
    from conftest import Claims

SEPTEMBER = date(2025, 9, 3)


def _sums(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Totals per fund, as an institution's system would add up its own records."""
    totals: dict[str, dict[str, Any]] = {}
    for r in records:
        t = totals.setdefault(r["insutype"], {"records": 0, "medfee_sumamt": Decimal(0), "fund_pay_sumamt": Decimal(0)})
        t["records"] += 1
        t["medfee_sumamt"] += Decimal(r["medfee_sumamt"])
        t["fund_pay_sumamt"] += Decimal(r["fund_pay_sumamt"])
    return {k: {**v, "medfee_sumamt": f"{v['medfee_sumamt']:.2f}", "fund_pay_sumamt": f"{v['fund_pay_sumamt']:.2f}"}
            for k, v in totals.items()}


async def test_a_reversal_keeps_the_history_and_is_published_once(claims: Claims) -> None:
    """N art.10: a cancelled settlement stays on record with its reversal; its negative effect goes
    downstream as one event, however often the institution asks."""
    institution, headers = await claims.institution()
    record = claims.records(institution, SEPTEMBER, 1)[0]
    await claims.upload(headers, [record])
    path = f"/v1/settlements/{record['setl_id']}/reversal"

    first = await claims.client.post(path, headers=headers, json={"reason": "患者退费"})
    again = await claims.client.post(path, headers=headers, json={"reason": "another reason"})
    assert first.status_code == 200 and first.json()["status"] == "reversed", first.text
    assert again.status_code == 200 and again.json()["status"] == "replayed"
    assert again.json()["reason"] == "患者退费" and again.json()["reversed_at"] == first.json()["reversed_at"]

    view = (await claims.client.get(f"/v1/settlements/{record['setl_id']}", headers=headers)).json()
    assert view["reversal"]["reason"] == "患者退费"
    published = await read_topic(claims.settings.kafka_bootstrap, claims.settings.topic(topics.SETTLEMENT_REVERSED.name),
                                 until=lambda ms: len(ms) >= 1, linger=1.0)
    assert [m["payload"]["setl_id"] for m in published] == [record["setl_id"]]
    assert published[0]["payload"]["fund_pay_sumamt"] == record["fund_pay_sumamt"]


async def test_a_reversal_of_nothing_or_from_the_future_is_refused(claims: Claims) -> None:
    """N art.10 cancels a settlement that exists, after it happened: anything else is a clear 4xx."""
    institution, headers = await claims.institution()
    record = claims.records(institution, SEPTEMBER, 1)[0]
    await claims.upload(headers, [record])
    path = f"/v1/settlements/{record['setl_id']}/reversal"

    unknown = await claims.client.post("/v1/settlements/NOSUCH/reversal", headers=headers, json={"reason": "x"})
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert (await claims.client.post(path, headers=headers, json={"reason": "x", "reversed_at": future})).status_code == 422
    before = "2025-01-01T00:00:00+08:00"
    assert (await claims.client.post(path, headers=headers, json={"reason": "x", "reversed_at": before})).status_code == 422
    assert (await claims.client.post(path, headers=headers, json={"reason": ""})).status_code == 422
    view = (await claims.client.get(f"/v1/settlements/{record['setl_id']}", headers=headers)).json()
    assert view.get("reversal") is None  # nothing stored by a refused request


async def test_a_declaration_answers_with_the_regions_deadline_late_replayed_or_conflicting(claims: Claims) -> None:
    """N art.12 / N art.16: a month is declared after it ends, by the region's deadline (which follows the
    policy version in force, ZJ §3.2); the same declaration again is the first one, other totals are 409."""
    institution, headers = await claims.institution("220100")
    records = claims.records(institution, SEPTEMBER, 6)
    await claims.upload(headers, records)

    before = (await claims.client.get("/v1/declarations/2025-09", headers=headers)).json()
    assert before == {"period": "2025-09", "declared": False, "deadline": "2025-10-10"}
    await claims.send(topics.POLICY_SET, RegionPolicySet(
        admdvs="220100", version=2, pack="jilin", effective_from=date(2025, 1, 1),
        policy={"settlement": {"declaration_deadline_day": 15}}, set_at=datetime.now(UTC)), key="220100")

    async def deadline() -> bool:
        shown = (await claims.client.get("/v1/declarations/2025-09", headers=headers)).json()
        return shown["deadline"] == "2025-10-15"
    await eventually(deadline)

    totals = _sums(records)
    declared = await claims.client.post("/v1/declarations", headers=headers, json={"period": "2025-09", "totals": totals})
    assert declared.status_code == 201, declared.text
    body = declared.json()
    assert body["status"] == "late" and body["late"] is True and body["deadline"] == "2025-10-15"
    assert body["agreed"] is True and body["differences"] == []

    again = await claims.client.post("/v1/declarations", headers=headers, json={"period": "2025-09", "totals": totals})
    assert again.status_code == 200 and again.json()["status"] == "replayed"
    assert again.json()["declaration_id"] == body["declaration_id"]

    other = {k: {**v, "records": v["records"] + 1} for k, v in totals.items()}
    conflict = await claims.client.post("/v1/declarations", headers=headers, json={"period": "2025-09", "totals": other})
    assert conflict.status_code == 409 and conflict.json()["declaration"]["declaration_id"] == body["declaration_id"]

    shown = (await claims.client.get("/v1/declarations/2025-09", headers=headers)).json()
    assert shown["declared"] is True and shown["agreed"] is True
    published = await read_topic(claims.settings.kafka_bootstrap,
                                 claims.settings.topic(topics.DECLARATION_SUBMITTED.name),
                                 until=lambda ms: len(ms) >= 1, linger=1.0)
    assert [m["payload"]["declaration_id"] for m in published] == [body["declaration_id"]]


async def test_a_month_not_ended_is_not_declared_and_mismatched_totals_are_explained(claims: Claims) -> None:
    """N art.12: the current month cannot be declared yet (422); a declaration whose totals differ from
    what was uploaded is accepted with each difference shown."""
    institution, headers = await claims.institution()
    records = claims.records(institution, date(2025, 8, 20), 3)
    await claims.upload(headers, records)
    this_month = f"{datetime.now(UTC) + timedelta(hours=8):%Y-%m}"
    current = await claims.client.post("/v1/declarations", headers=headers,
                                       json={"period": this_month, "totals": _sums(records)})
    assert current.status_code == 422 and current.json()["type"].endswith("period-not-ended")

    totals = _sums(records)
    fund = next(iter(totals))
    totals[fund]["fund_pay_sumamt"] = f"{Decimal(totals[fund]['fund_pay_sumamt']) + Decimal('0.01'):.2f}"
    declared = await claims.client.post("/v1/declarations", headers=headers, json={"period": "2025-08", "totals": totals})
    assert declared.status_code == 201 and declared.json()["agreed"] is False
    assert declared.json()["differences"] == [{"insutype": fund, "field": "fund_pay_sumamt",
                                               "ours": _sums(records)[fund]["fund_pay_sumamt"],
                                               "theirs": totals[fund]["fund_pay_sumamt"]}]


async def test_reconciliation_agrees_or_names_each_record_that_differs(claims: Claims) -> None:
    """N art.11 / JL art.12: totals for a day, week, dekad or month agree, or the records that explain the
    difference are listed — missing on our side, missing on theirs, amounts that differ, cancelled here."""
    institution, headers = await claims.institution()
    day = date(2025, 9, 12)  # a Friday in the second dekad
    records = claims.records(institution, day, 5)
    await claims.upload(headers, records)
    mine = [{"setl_id": r["setl_id"], "medfee_sumamt": r["medfee_sumamt"], "fund_pay_sumamt": r["fund_pay_sumamt"]}
            for r in records]
    for scope in ("day", "week", "dekad", "month"):
        agreed = await claims.client.post("/v1/reconciliations", headers=headers, json={
            "scope": scope, "date": day.isoformat(), "totals": _sums(records), "records": mine})
        assert agreed.status_code == 200 and agreed.json()["agreed"] is True, (scope, agreed.text)
    bounds = (await claims.client.post("/v1/reconciliations", headers=headers, json={
        "scope": "dekad", "date": day.isoformat(), "totals": _sums(records)})).json()
    assert (bounds["from"], bounds["to"]) == ("2025-09-11", "2025-09-20")

    cancelled, unknown_to_them, differing = records[0], records[1], records[2]
    await claims.client.post(f"/v1/settlements/{cancelled['setl_id']}/reversal", headers=headers, json={"reason": "退费"})
    theirs = [m for m in mine if m["setl_id"] != unknown_to_them["setl_id"]]
    theirs = [{**m, "fund_pay_sumamt": "0.01"} if m["setl_id"] == differing["setl_id"] else m for m in theirs]
    theirs.append({"setl_id": "THEIRS-ONLY"})
    answer = await claims.client.post("/v1/reconciliations", headers=headers, json={
        "scope": "week", "date": day.isoformat(), "totals": _sums(records), "records": theirs})
    assert answer.status_code == 200
    body = answer.json()
    assert body["agreed"] is False and body["differences"]  # our totals lost the cancelled record
    by_id = {d["setl_id"]: d for d in body["records"]}
    assert by_id[cancelled["setl_id"]]["difference"] == "reversed_on_our_side"
    assert by_id["THEIRS-ONLY"]["difference"] == "missing_on_our_side"
    assert by_id[unknown_to_them["setl_id"]]["difference"] == "missing_on_their_side"
    assert by_id[differing["setl_id"]] == {"setl_id": differing["setl_id"], "difference": "amount_differs",
                                           "field": "fund_pay_sumamt", "ours": differing["fund_pay_sumamt"],
                                           "theirs": "0.01"}
    assert len(body["records"]) == 4


async def test_the_monthly_statement_is_provisional_then_settled_and_downloads_exactly(claims: Claims) -> None:
    """N art.16 / SX §3: the statement shows payable, deductions (N art.13), what was already paid and the
    net — provisional until the monthly settlement fixes it; CSV and XLSX carry the same figures to the fen."""
    institution, headers = await claims.institution()
    code = institution.fixmedins_code
    records = [r for r in claims.records(institution, SEPTEMBER, 12) if r["insutype"] == "310"][:4]
    await claims.upload(headers, records)
    payable = sum(Decimal(r["fund_pay_sumamt"]) for r in records)
    now = datetime.now(UTC)
    await claims.send(topics.DEDUCTION_CONFIRMED, DeductionConfirmed(
        deduction_id=uuid.uuid4(), fixmedins_code=code, admdvs="220100", setl_id=records[0]["setl_id"],
        insutype="310", period="2025-09", amount=Decimal("12.34"), rule_ids=["MGT-DUP-01"], source="review",
        confirmed_at=now), key=code)
    await claims.send(topics.PAYMENT_CONFIRMED, PaymentConfirmed(
        voucher_no="V-220100-20250904-000001", payment_id=uuid.uuid4(), admdvs="220100", fixmedins_code=code,
        insutype="310", period="2025-09", amount=Decimal("100.00"), bank_ref="B1", receipt_at=now,
        value_date=date(2025, 9, 4)), key=code)

    async def provisional() -> dict[str, Any] | None:
        statement = (await claims.client.get("/v1/statements/2025-09", headers=headers)).json()
        line = statement["lines"][0]
        return statement if line["deductions"] == "12.34" and line["already_paid"] == "100.00" else None
    statement = await eventually(provisional)
    line = statement["lines"][0]
    assert statement["status"] == "provisional" and line["records"] == 4
    assert line["payable"] == f"{payable:.2f}" and line["net"] == f"{payable - Decimal('112.34'):.2f}"

    settled = MonthlySettled(
        run_id=uuid.uuid4(), admdvs="220100", fixmedins_code=code, insutype="310", period="2025-09",
        payable=payable, deductions=Decimal("12.34"), deposit_reserved=Decimal("0.00"),
        already_paid=Decimal("100.00"), carried_in=Decimal("0.00"), net=payable - Decimal("112.34"),
        payment=max(payable - Decimal("112.34"), Decimal(0)), carried_forward=min(payable - Decimal("112.34"), Decimal(0)),
        by_category={"outpatient": payable}, settled_at=now)
    await claims.send(topics.MONTHLY_SETTLED, settled, key=code)

    async def fixed() -> dict[str, Any] | None:
        statement = (await claims.client.get("/v1/statements/2025-09", headers=headers)).json()
        return statement if statement["status"] == "settled" else None
    statement = await eventually(fixed)
    line = statement["lines"][0]
    assert line["payment"] == f"{settled.payment:.2f}" and line["deposit_reserved"] == "0.00"

    as_csv = await claims.client.get("/v1/statements/2025-09?format=csv", headers=headers)
    assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["定点医药机构编码", "险种"] and rows[1][0] == code
    assert rows[1][rows[0].index("应付金额")] == f"{payable:.2f}"

    as_xlsx = await claims.client.get("/v1/statements/2025-09", headers={**headers, "accept": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    headings = [c.value for c in sheet[2]]
    cell = sheet.cell(row=3, column=headings.index("应付金额") + 1)
    assert isinstance(cell.value, int | float) and Decimal(str(cell.value)) == payable


async def test_another_institutions_month_is_not_seen(claims: Claims) -> None:
    """N art.12: an institution reads its own statements and declarations only."""
    first, first_headers = await claims.institution()
    _, second_headers = await claims.institution()
    await claims.upload(first_headers, claims.records(first, SEPTEMBER, 2))
    theirs = (await claims.client.get("/v1/statements/2025-09", headers=second_headers)).json()
    assert theirs["lines"] == []
    assert (await claims.client.get("/v1/statements/2025-09")).status_code == 401
    assert (await claims.client.get("/v1/statements/2025-13", headers=second_headers)).status_code == 422


async def test_a_record_of_a_fund_the_region_does_not_settle_is_refused_naming_it(claims: Claims) -> None:
    """N art.3 "职工医保基金（含生育保险）": where a region's policy settles only the employee fund, with maternity
    folded into it, a resident (390) record is refused at intake naming its insutype and the region — never
    accepted and then left unpaid — and a maternity (510) record goes in."""
    institution, headers = await claims.institution("220100")
    await claims.send(topics.POLICY_SET, RegionPolicySet(
        admdvs="220100", version=2, pack="jilin", effective_from=date(2025, 1, 1),
        policy={"settlement": {"declaration_deadline_day": 15}, "funds": {"settled": ["310"], "folded": {"510": "310"}}},
        set_at=datetime.now(UTC)), key="220100")

    async def heard() -> bool:
        shown = (await claims.client.get("/v1/declarations/2025-09", headers=headers)).json()
        return shown["deadline"] == "2025-10-15"
    await eventually(heard)
    resident, maternity = claims.records(institution, SEPTEMBER, 2)
    resident["insutype"], maternity["insutype"] = "390", "510"
    response = await claims.client.post("/v1/settlements", headers=headers, json=resident)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/invalid-settlement")
    [error] = problem["errors"]
    assert error["field"] == "insutype" and "220100" in error["message"] and "390" in error["message"]
    await claims.upload(headers, [maternity])
    found = await claims.client.get(f"/v1/settlements/{resident['setl_id']}", headers=headers)
    assert found.status_code == 404  # nothing of the refused record was stored
