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
from shared.iso20022 import StatusReport, payment_status_report, read_credit_transfer
from shared.messaging.envelope import Envelope, Topic


@pytest.fixture
async def gateway(infra: Infra, prefix: str, topics: str) -> AsyncIterator[tuple[Any, BankGatewaySettings]]:
    settings = settings_for(BankGatewaySettings, infra, prefix)
    await migrate("bank_gateway", settings)
    async with serving(create_app(settings)) as client:
        yield client, settings


async def send(settings: BankGatewaySettings, topic: Topic[Any], payload: BaseModel, key: str) -> None:
    await publish(settings.kafka_bootstrap, settings.topic(topic.name), Envelope.wrap(topic, payload).to_bytes(),
                  key.encode())


def receipt(voucher_no: str, status: str, amount: str) -> ReceiptReturned:
    now = datetime.now(UTC).replace(microsecond=0)
    report = payment_status_report(StatusReport(f"{voucher_no}-S", voucher_no, voucher_no,
                                                "ACSC" if status == "paid" else "RJCT",
                                                None if status == "paid" else "AC04", None, now))
    return ReceiptReturned(voucher_no=voucher_no, status=status, amount=Decimal(amount), bank_ref="CB0001",  # type: ignore[arg-type]
                           value_date=date(2025, 9, 2) if status == "paid" else None, returned_at=now,
                           reason_code=None if status == "paid" else "AC04", pain002=report)


async def test_each_order_gets_one_voucher_and_one_outcome(gateway: tuple[Any, BankGatewaySettings]) -> None:
    """N art.14-15: the amount becomes a voucher with a number never reused; the bank's receipt completes
    it (回盘) once. JL art.18."""
    client, settings = gateway
    code = f"H{secrets.token_hex(4).upper()}"
    order = PaymentOrdered(
        payment_id=uuid.uuid4(), run_id=uuid.uuid4(), run_type="daily-disbursement", admdvs="220100",
        fixmedins_code=code, insutype="310", period="2025-09", business_date=date(2025, 9, 1),
        amount=Decimal("88.80"), carried_in=Decimal("0.00"), payment=Decimal("88.80"),
        payee=BankAccount(bank_code="102241000017", acct_no="62220001", acct_name="测试医院"),
        purpose="日拨付 2025-09-01", ordered_at=datetime.now(UTC))
    await send(settings, topics.PAYMENT_ORDERED, order, code)
    await send(settings, topics.PAYMENT_ORDERED, order, code)  # the order delivered twice: still one voucher

    issued = await read_topic(settings.kafka_bootstrap, settings.topic(topics.VOUCHER_ISSUED.name),
                              until=lambda m: len(m) >= 1)
    voucher_no = issued[0]["payload"]["voucher_no"]
    transfer = read_credit_transfer(issued[0]["payload"]["pain001"])
    assert (transfer.voucher_no, transfer.amount, transfer.creditor.acct_no) == (voucher_no, Decimal("88.80"), "62220001")
    assert transfer.debtor.acct_no == "4200220100000310"  # the region's employee-fund expenditure account

    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "paid", "88.80"), voucher_no)
    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "paid", "88.80"), voucher_no)  # duplicate
    await send(settings, topics.RECEIPT_RETURNED, receipt(voucher_no, "rejected", "88.80"), voucher_no)  # contradicts
    await send(settings, topics.RECEIPT_RETURNED, receipt("220100-20990101-000001", "paid", "1.00"), "x")  # stranger

    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        async def all_four() -> list[str] | None:
            rows = await conn.fetch("SELECT outcome FROM receipts ORDER BY id")
            return [r["outcome"] for r in rows] if len(rows) == 4 else None

        outcomes = await eventually(all_four)
        assert sorted(outcomes) == ["applied", "contradicts", "duplicate", "unknown-voucher"]
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
    xml = await client.get(f"/v1/vouchers/{voucher_no}", headers={**operator_headers(), "accept": "application/xml"})
    assert xml.headers["content-type"].startswith("application/xml") and voucher_no in xml.text
