"""The bank gateway on the real broker: one voucher per order, and the bank's first final answer applied
once — a duplicate, a contradiction or a stranger's receipt changes nothing and is kept for operators."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from pydantic import BaseModel

from bank_gateway.main import create_app
from bank_gateway.settings import BankGatewaySettings
from launcher.testing import Infra, eventually, migrate, operator_headers, publish, read_topic, serving, settings_for
from shared.contracts import topics
from shared.contracts.events import BankAccount, PaymentOrdered, ReceiptReturned
from shared.iso20022 import (
    CreditNotification,
    StatusReport,
    credit_notification,
    payment_status_report,
    read_credit_transfer,
    schema_errors,
)
from shared.messaging.envelope import Envelope, Topic

PAYEE = "62220001"


@pytest.fixture
async def gateway(infra: Infra, prefix: str, topics: str) -> AsyncIterator[tuple[Any, BankGatewaySettings]]:
    settings = settings_for(BankGatewaySettings, infra, prefix)
    await migrate("bank_gateway", settings)
    async with serving(create_app(settings)) as client:
        yield client, settings


async def send(settings: BankGatewaySettings, topic: Topic[Any], payload: BaseModel, key: str) -> None:
    await publish(settings.kafka_bootstrap, settings.topic(topic.name), Envelope.wrap(topic, payload).to_bytes(),
                  key.encode())


def an_order(amount: str = "88.80", payee: str = PAYEE) -> PaymentOrdered:
    code = f"H{secrets.token_hex(4).upper()}"
    return PaymentOrdered(
        payment_id=uuid.uuid4(), run_id=uuid.uuid4(), run_type="daily-disbursement", admdvs="220100",
        fixmedins_code=code, insutype="310", period="2025-09", business_date=date(2025, 9, 1),
        amount=Decimal(amount), carried_in=Decimal("0.00"), payment=Decimal(amount),
        payee=BankAccount(bank_code="102241000017", acct_no=payee, acct_name="测试医院"),
        purpose="日拨付 2025-09-01", ordered_at=datetime.now(UTC))


def receipt(voucher_no: str, status: str, amount: str, *, credited: str = PAYEE, pain002: str | None = None) -> ReceiptReturned:
    now = datetime.now(UTC).replace(microsecond=0)
    paid = status == "paid"
    report = pain002 or payment_status_report(StatusReport(f"{voucher_no}-S", voucher_no, voucher_no,
                                                           "ACSC" if paid else "RJCT", None if paid else "AC04",
                                                           None, now))
    notification = credit_notification(CreditNotification(f"{voucher_no}-N", now, voucher_no, "CB0001",
                                                          Decimal(amount), date(2025, 9, 2), credited)) if paid else None
    return ReceiptReturned(voucher_no=voucher_no, status=status, amount=Decimal(amount), bank_ref="CB0001",  # type: ignore[arg-type]
                           value_date=date(2025, 9, 2) if paid else None, returned_at=now,
                           reason_code=None if paid else "AC04", pain002=report, camt054=notification)


async def issued(settings: BankGatewaySettings, count: int) -> list[dict[str, Any]]:
    messages = await read_topic(settings.kafka_bootstrap, settings.topic(topics.VOUCHER_ISSUED.name),
                                until=lambda m: len(m) >= count)
    return [m["payload"] for m in messages]


async def test_each_order_gets_one_voucher_and_one_outcome(gateway: tuple[Any, BankGatewaySettings]) -> None:
    """N art.14-15: the amount becomes a voucher with a number never reused; the bank's receipt completes
    it (回盘) once. JL art.18."""
    client, settings = gateway
    order = an_order()
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)  # delivered twice: still one voucher

    [voucher] = await issued(settings, 1)
    voucher_no = voucher["voucher_no"]
    transfer = read_credit_transfer(voucher["pain001"])
    assert (transfer.voucher_no, transfer.amount, transfer.creditor.acct_no) == (voucher_no, Decimal("88.80"), PAYEE)
    assert transfer.debtor.acct_no == "4200220100000310"  # the region's employee-fund expenditure account
    assert schema_errors(voucher["pain001"]) == []
    assert str(order.run_id) in voucher["purpose"] and "2025-09" in voucher["purpose"] and "职工" in voucher["purpose"]

    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "paid", "88.80"), voucher_no)
    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "paid", "88.80"), voucher_no)  # duplicate
    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "rejected", "88.80"), voucher_no)  # contradicts
    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "paid", "88.81"), voucher_no)  # wrong amount
    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "paid", "88.80", credited="999999"), voucher_no)
    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "paid", "88.80", pain002="<broken"), voucher_no)
    await send(settings, topics.RECEIPT_RETURNED, receipt("220100-20990101-000001", "paid", "1.00"), "x")  # stranger

    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        async def all_seven() -> list[str] | None:
            rows = await conn.fetch("SELECT outcome FROM receipts ORDER BY id")
            return [r["outcome"] for r in rows] if len(rows) == 7 else None

        outcomes = await eventually(all_seven)
        assert sorted(outcomes) == ["account-mismatch", "amount-mismatch", "applied", "contradicts", "duplicate",
                                    "malformed", "unknown-voucher"]
        assert await conn.fetchval("SELECT count(*) FROM vouchers") == 1
    finally:
        await conn.close()
    confirmed = await read_topic(settings.kafka_bootstrap, settings.topic(topics.PAYMENT_CONFIRMED.name),
                                 until=lambda m: len(m) >= 1, linger=1.0)
    rejected = await read_topic(settings.kafka_bootstrap, settings.topic(topics.PAYMENT_REJECTED.name),
                                until=lambda m: True, linger=1.0)
    assert [m["payload"]["voucher_no"] for m in confirmed] == [voucher_no] and rejected == []
    assert confirmed[0]["payload"]["amount"] == "88.80" and confirmed[0]["payload"]["period"] == "2025-09"

    view = (await client.get(f"/v1/vouchers/{voucher_no}", headers=operator_headers())).json()
    assert view["status"] == "paid" and view["receipt"]["value_date"] == "2025-09-02"
    assert view["amount_in_words"] == "人民币捌拾捌元捌角整" and view["run_type"] == "daily-disbursement"
    assert [r["outcome"] for r in view["receipts"]][0] == "applied" and len(view["receipts"]) == 6

    exceptions = (await client.get("/v1/receipt-exceptions", headers=operator_headers())).json()
    assert sorted(e["outcome"] for e in exceptions["exceptions"]) == \
        ["account-mismatch", "amount-mismatch", "contradicts", "malformed", "unknown-voucher"]
    ids = [e["id"] for e in exceptions["exceptions"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    stranger = next(e for e in exceptions["exceptions"] if e["outcome"] == "unknown-voucher")
    assert stranger["voucher_no"] == "220100-20990101-000001" and stranger["detail"] and stranger["amount"] == "1.00"
    older = (await client.get("/v1/receipt-exceptions", params={"before_id": ids[1], "limit": 2},
                              headers=operator_headers())).json()
    assert [e["id"] for e in older["exceptions"]] == ids[2:4]


async def test_a_voucher_reads_as_json_as_its_pain_001_and_as_a_printable_pdf(
        gateway: tuple[Any, BankGatewaySettings]) -> None:
    """N art.14: the voucher as the operator reads it, as the bank received it, and as the finance office
    files it (with 人民币大写)."""
    client, settings = gateway
    order = an_order("1002003.40")
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    [voucher] = await issued(settings, 1)
    voucher_no, headers = voucher["voucher_no"], operator_headers()
    xml = await client.get(f"/v1/vouchers/{voucher_no}", headers={**headers, "accept": "application/xml"})
    assert xml.headers["content-type"].startswith("application/xml") and xml.text == voucher["pain001"]
    assert schema_errors(xml.text) == []
    pdf = await client.get(f"/v1/vouchers/{voucher_no}", headers={**headers, "accept": "application/pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert voucher_no in pdf.headers["content-disposition"]
    assert (await client.get(f"/v1/vouchers/{voucher_no}?format=pdf", headers=headers)).content == pdf.content
    view = (await client.get(f"/v1/vouchers/{voucher_no}", headers=headers)).json()
    assert view["amount"] == "1002003.40" and view["amount_in_words"] == "人民币壹佰万贰仟零叁元肆角整"
    assert view["status"] == "issued" and view["receipt"] is None and view["fund"] == "职工基本医疗保险"
    listed = (await client.get("/v1/vouchers", params={"run_id": str(order.run_id)}, headers=headers)).json()
    assert [v["voucher_no"] for v in listed["vouchers"]] == [voucher_no]
    assert (await client.get("/v1/vouchers/220100-20990101-000001", headers=headers)).status_code == 404
    assert (await client.get(f"/v1/vouchers/{voucher_no}")).status_code == 401
    assert (await client.get("/v1/vouchers", params={"status": "lost"}, headers=headers)).status_code == 422


async def test_an_answer_read_before_a_receipt_was_applied_elsewhere_is_a_duplicate(
        gateway: tuple[Any, BankGatewaySettings]) -> None:
    """JL art.18, exactly once: a status answer and a pushed receipt race; whichever commits second sees the
    voucher as the first left it, even if it had read it before (the lock re-reads the row)."""
    from bank_gateway.service.receipts import apply_receipt

    client, settings = gateway
    order = an_order("7.00")
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    [voucher] = await issued(settings, 1)
    voucher_no = voucher["voucher_no"]
    runtime = client._transport.app.state.runtime  # the app's own units of work
    async with runtime.uow() as slow:
        seen = await slow.vouchers.get(voucher_no)  # read, and held, before the other commits
        assert seen is not None and seen.status == "issued"
        async with runtime.uow() as fast:
            assert (await apply_receipt(receipt(voucher_no, "paid", "7.00"), fast, source="push")).applies
            await fast.commit()
        verdict = await apply_receipt(receipt(voucher_no, "paid", "7.00"), slow, source="status-query")
        await slow.commit()
    assert verdict.outcome == "duplicate"
    confirmed = await read_topic(settings.kafka_bootstrap, settings.topic(topics.PAYMENT_CONFIRMED.name),
                                 until=lambda m: len(m) >= 1, linger=1.5)
    assert [m["payload"]["voucher_no"] for m in confirmed] == [voucher_no]


async def test_an_order_for_a_fund_without_an_expenditure_account_goes_back_not_to_the_dlq(
        gateway: tuple[Any, BankGatewaySettings]) -> None:
    """N art.3, N art.18: a 392 (居民大病) order in a region whose gateway holds no account for that fund is
    recorded rejected with AC02 and goes back to disbursement as not paid, to be carried — never a dead letter
    that leaves the payment ordered for ever; its pain.001 and PDF were never made (409)."""
    client, settings = gateway
    order = an_order("123.45").model_copy(update={"insutype": "392"})
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    [rejected] = [m["payload"] for m in await read_topic(
        settings.kafka_bootstrap, settings.topic(topics.PAYMENT_REJECTED.name), until=lambda m: len(m) >= 1)]
    assert (rejected["payment_id"], rejected["reason_code"], rejected["amount"]) == (str(order.payment_id), "AC02",
                                                                                      "123.45")
    voucher = (await client.get(f"/v1/vouchers/{rejected['voucher_no']}", headers=operator_headers())).json()
    assert (voucher["status"], voucher["receipt"]["reason_code"]) == ("rejected", "AC02")
    for fmt in ("xml", "pdf"):
        response = await client.get(f"/v1/vouchers/{rejected['voucher_no']}", headers=operator_headers(),
                                    params={"format": fmt})
        assert response.status_code == 409 and response.json()["type"].endswith("/voucher-not-sent")
    dead = await read_topic(settings.kafka_bootstrap, settings.topic(topics.PAYMENT_ORDERED.dlq),
                            until=lambda m: True, linger=1)
    assert dead == []
