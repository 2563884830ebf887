"""The books through the operators' API: finance's transfer (SX §4), reversing entries (N art.19), closing a
month, the journal, ledger and sub-ledger with XLSX downloads, and the consistency check published and
explained (N art.22)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from accounting.main import create_app
from accounting.settings import AccountingSettings
from launcher.testing import Infra, eventually, migrate, operator_headers, publish, read_topic, serving, settings_for
from services.accounting.tests.integration.support import a_code, confirmed, ordered
from shared.contracts import topics as t
from shared.contracts.events import FundRequested
from shared.messaging.envelope import Envelope

OP = operator_headers()
#: The agency's request for October (SX §4), as disbursement publishes it when it is made.
REQUEST = FundRequested(request_id=uuid.UUID("5f0c2c9e-1d7a-4b8e-9a61-3c2f0b7d4e10"), admdvs="140100",
                        period="2025-10", funds={"310": Decimal("6000000.00"), "390": Decimal("800000.00")},
                        request_by=date(2025, 10, 24), requested_by="李出纳",
                        requested_at=datetime(2025, 9, 24, 2, 0, tzinfo=UTC))
TRANSFER = {"request_id": str(REQUEST.request_id), "admdvs": "140100", "fund": "310", "period": "2025-10",
            "amount": "5000000.00", "reference": "CZ-2025-0917", "value_date": "2025-09-30"}


@pytest.fixture
async def served(infra: Infra, prefix: str, topics: str) -> Any:
    settings = settings_for(AccountingSettings, infra, prefix)
    await migrate("accounting", settings)
    async with serving(create_app(settings)) as client:
        await publish(settings.kafka_bootstrap, settings.topic(t.FUND_REQUESTED.name),
                      Envelope.wrap(t.FUND_REQUESTED, REQUEST).to_bytes(), b"140100")

        async def heard() -> bool:
            response = await client.get(f"/v1/fund-requests/{REQUEST.request_id}", headers=OP)
            return response.status_code == 200

        await eventually(heard)
        yield settings, client


async def test_a_fund_transfer_is_booked_once_per_reference(served: Any) -> None:  # SX §4
    _, client = served
    first = await client.post("/v1/fund-transfers", headers=OP, json=TRANSFER)
    assert first.status_code == 201, first.text
    assert [(leg["account"], leg["side"], leg["amount"]) for leg in first.json()["legs"]] == [
        ("1004", "D", "5000000.00"), ("1003", "C", "5000000.00")]
    again = await client.post("/v1/fund-transfers", headers=OP, json=TRANSFER)
    assert (again.status_code, again.json()["entry_id"]) == (200, first.json()["entry_id"])
    other = await client.post("/v1/fund-transfers", headers=OP, json=TRANSFER | {"amount": "1.00"})
    assert other.status_code == 409 and other.json()["errors"][0]["field"] == "amount"
    books = (await client.get("/v1/trial-balance", headers=OP, params={"period": "2025-09"})).json()
    rows = {r["account"]: r for r in books["funds"]["310"]}
    assert (rows["1004"]["balance"], rows["1003"]["balance"]) == ("5000000.00", "-5000000.00")
    assert rows["1004"]["period_debit"] == "5000000.00" and rows["1004"]["opening"] == "0.00"


async def test_a_transfer_names_the_request_it_answers_and_never_more_than_it_asked(served: Any) -> None:
    """SX §4 "医保经办机构向同级财政部门申请…财政部门…将资金拨付": a transfer answers a request the agency made,
    of its region, month and fund, up to what it asked: 5,000,000.00 then 1,000,000.00 of 6,000,000.00 for 310
    go in; 0.01 more, a fund not asked for, another month or a request never made are refused."""
    _, client = served
    assert (await client.post("/v1/fund-transfers", headers=OP, json=TRANSFER)).status_code == 201
    small = TRANSFER | {"amount": "0.01"}
    for wrong, field in ((TRANSFER | {"amount": "1000000.01", "reference": "CZ-X1"}, "amount"),
                         (small | {"fund": "510", "reference": "CZ-X2"}, "fund"),
                         (small | {"period": "2025-11", "reference": "CZ-X3"}, "period"),
                         (small | {"request_id": str(uuid.uuid4()), "reference": "CZ-X4"}, "request_id")):
        response = await client.post("/v1/fund-transfers", headers=OP, json=wrong)
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]
    second = TRANSFER | {"amount": "1000000.00", "reference": "CZ-2025-0918"}
    assert (await client.post("/v1/fund-transfers", headers=OP, json=second)).status_code == 201
    view = (await client.get(f"/v1/fund-requests/{REQUEST.request_id}", headers=OP)).json()
    assert view["funds"]["310"] == {"requested": "6000000.00", "transferred": "6000000.00", "outstanding": "0.00"}
    assert view["funds"]["390"]["outstanding"] == "800000.00"
    assert [t["reference"] for t in view["transfers"]] == ["CZ-2025-0917", "CZ-2025-0918"]
    books = (await client.get("/v1/trial-balance", headers=OP, params={"period": "2025-09"})).json()
    assert {r["account"]: r["balance"] for r in books["funds"]["310"]}["1004"] == "6000000.00"


@pytest.mark.parametrize(("field", "value"), [("amount", "0.00"), ("amount", 100), ("fund", "999"),
                                              ("value_date", "2025-13-01"), ("reference", "")])
async def test_a_bad_fund_transfer_is_a_problem_naming_the_field(served: Any, field: str, value: Any) -> None:
    _, client = served
    response = await client.post("/v1/fund-transfers", headers=OP, json=TRANSFER | {field: value})
    assert response.status_code == 422, response.text
    assert any(field in str(e.get("field", "")) for e in response.json()["errors"])


async def test_the_books_need_the_operator_token(served: Any) -> None:
    _, client = served
    assert (await client.get("/v1/trial-balance")).status_code == 401
    assert (await client.post("/v1/fund-transfers", json=TRANSFER)).status_code == 401


async def test_a_reversal_mirrors_the_entry_in_the_open_period_and_names_it(served: Any) -> None:  # N art.19
    _, client = served
    entry = (await client.post("/v1/fund-transfers", headers=OP, json=TRANSFER)).json()
    closed = await client.post("/v1/periods/2025-09/close", headers=OP, json={"closed_by": "张会计"})
    assert closed.status_code == 200 and closed.json()["closed"]
    body = {"reason": "金额录入错误", "reversed_by": "张会计"}
    reversal = await client.post(f"/v1/entries/{entry['entry_id']}/reversal", headers=OP, json=body)
    assert reversal.status_code == 201, reversal.text
    mirror = reversal.json()
    assert mirror["reverses"] == entry["entry_id"] and mirror["period"] > "2025-09"
    assert [(leg["account"], leg["side"]) for leg in mirror["legs"]] == [("1004", "C"), ("1003", "D")]
    again = await client.post(f"/v1/entries/{entry['entry_id']}/reversal", headers=OP, json=body)
    assert (again.status_code, again.json()["entry_id"]) == (200, mirror["entry_id"])
    original = (await client.get(f"/v1/entries/{entry['entry_id']}", headers=OP)).json()
    assert original["reversed_by"] == mirror["entry_id"] and original["period"] == "2025-09"  # untouched
    books = (await client.get("/v1/trial-balance", headers=OP)).json()
    assert {r["account"]: r["balance"] for r in books["funds"]["310"]} == {"1003": "0.00", "1004": "0.00"}
    missing = await client.post(f"/v1/entries/{uuid.uuid4()}/reversal", headers=OP, json=body)
    assert missing.status_code == 404


async def test_a_month_not_over_cannot_be_closed(served: Any) -> None:
    _, client = served
    response = await client.post("/v1/periods/2199-12/close", headers=OP, json={"closed_by": "张会计"})
    assert response.status_code == 409
    assert (await client.get("/v1/periods", headers=OP)).json()["closed"] == []


async def test_journal_ledger_and_sub_ledger_read_the_same_books(served: Any, deliver_to: Any) -> None:  # SX §5
    settings, client = served
    code = a_code()
    orders = [ordered(code, amount) for amount in ("100.00", "20.50", "3.25")]
    await deliver_to(settings, *orders, *(confirmed(o) for o in orders))
    await client.post("/v1/fund-transfers", headers=OP, json=TRANSFER)
    journal = (await client.get("/v1/journal", headers=OP, params={"fixmedins_code": code, "limit": 2})).json()
    assert journal["count"] == 2 and journal["next_cursor"] is not None
    rest = (await client.get("/v1/journal", headers=OP, params={"fixmedins_code": code,
                                                                 "cursor": journal["next_cursor"]})).json()
    assert rest["count"] == 1 and rest["next_cursor"] is None
    assert all("日拨付" in e["memo"] for e in journal["entries"] + rest["entries"])
    ledger = (await client.get("/v1/ledger/1004", headers=OP, params={"fund": "310", "period": "2025-09"})).json()
    assert [line["balance"] for line in ledger["lines"]][-1] == ledger["closing"] == "4999876.25"
    sub = (await client.get("/v1/sub-ledger/advances", headers=OP, params={"fund": "310"})).json()
    assert sub["rows"] == [{"fund": "310", "fixmedins_code": code, "period": "2025-09", "advanced": "123.75",
                            "written_off": "0.00", "other": "0.00", "open": "123.75"}]
    assert sub["control"]["310"] == {"account_balance": "123.75", "sub_ledger_open": "123.75", "agrees": True}
    assert (await client.get("/v1/ledger/9999", headers=OP)).status_code == 404

    download = await client.get("/v1/sub-ledger/advances", headers=OP, params={"format": "xlsx"})
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(download.content))["即时结算预拨明细"]
    assert [c.value for c in sheet[2]][:3] == ["310", code, "2025-09"] and float(sheet["G2"].value) == 123.75
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for path in ("/v1/trial-balance?period=2025-09", "/v1/journal"):
        response = await client.get(path, headers=OP | {"accept": xlsx})
        assert response.status_code == 200 and load_workbook(BytesIO(response.content)).sheetnames


async def test_the_check_is_published_and_an_explained_difference_stops_blocking(served: Any) -> None:  # N art.22
    settings, client = served
    code, admdvs = a_code(), f"{uuid.uuid4().int % 900000 + 100000}"
    order = ordered(code, "80.00", admdvs=admdvs)
    await publish(settings.kafka_bootstrap, settings.topic(t.PAYMENT_ORDERED.name),
                  Envelope.wrap(t.PAYMENT_ORDERED, order).to_bytes(), code.encode())

    async def unexplained() -> dict[str, Any] | None:
        check = (await client.get("/v1/consistency", headers=OP, params={"period": "2025-09", "admdvs": admdvs})).json()
        return check if check["regions"] and check["unexplained"] else None

    check = await eventually(unexplained)
    [difference] = check["regions"][0]["differences"]
    assert (difference["kind"], difference["business"], difference["bank"]) == ("ordered-not-paid", "80.00", "0.00")
    assert difference["records"][0]["payment_id"] == str(order.payment_id)
    explained = await client.post(f"/v1/consistency/differences/{difference['difference_id']}/explanations",
                                  headers=OP, json={"reason": "回单延迟，已电话确认银行已受理", "explained_by": "李出纳"})
    assert explained.status_code == 201, explained.text
    assert explained.json()["unexplained"] == 0 and not explained.json()["agreed"]
    topic = settings.topic(t.CONSISTENCY_CHECKED.name)
    published = await read_topic(settings.kafka_bootstrap, topic, until=lambda ms: any(
        m["payload"]["differences"] and m["payload"]["differences"][0]["explained"] for m in ms))
    mine = [m["payload"] for m in published if m["payload"]["admdvs"] == admdvs]
    assert [(p["agreed"], [d["explained"] for d in p["differences"]]) for p in mine] == [
        (False, [False]), (False, [True])]
    assert mine[-1]["differences"][0]["explanation"] == "回单延迟，已电话确认银行已受理"

    await publish(settings.kafka_bootstrap, settings.topic(t.PAYMENT_CONFIRMED.name),
                  Envelope.wrap(t.PAYMENT_CONFIRMED, confirmed(order, value_date=date(2025, 9, 3))).to_bytes(),
                  code.encode())
    published = await read_topic(settings.kafka_bootstrap, topic, until=lambda ms: any(
        m["payload"]["admdvs"] == admdvs and m["payload"]["agreed"] for m in ms))
    assert [m["payload"]["agreed"] for m in published if m["payload"]["admdvs"] == admdvs] == [False, False, True]
    nothing = await client.post(f"/v1/consistency/differences/{uuid.uuid4()}/explanations", headers=OP,
                                json={"reason": "x", "explained_by": "y"})
    assert nothing.status_code == 404


@pytest.fixture
def deliver_to() -> Any:
    """Deliver to the app's own database as its consumer would (one unit of work a batch)."""
    from accounting.consumers import subscriptions
    from accounting.service.uow import AccountingUnitOfWork
    from shared.db import make_engine, make_sessionmaker
    from shared.messaging.envelope import Event

    async def deliver(settings: AccountingSettings, *payloads: Any) -> None:
        engine = make_engine(settings)
        try:
            async with AccountingUnitOfWork(make_sessionmaker(engine)) as unit:
                for s in subscriptions:
                    batch = [Event(Envelope.wrap(s.topic, p), p) for p in payloads if isinstance(p, s.topic.payload)]
                    if batch:
                        await s.handle(batch, unit)
                await unit.commit()
        finally:
            await engine.dispose()

    return deliver

