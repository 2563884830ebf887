"""The bank simulator on the real broker and PostgreSQL (contract.md, "The bank"): it pays a voucher number at
most once, answers with schema-valid pain.002 and camt.054, answers status queries, cancels only what it has
not accepted, and misbehaves on demand."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from bank_gateway.domain.vouchers import voucher_document
from bank_simulator.main import create_app
from bank_simulator.settings import BankSimulatorSettings
from launcher.testing import Infra, migrate, operator_headers, publish, read_topic, serving, settings_for
from shared.contracts import topics
from shared.contracts.events import BankAccount, VoucherIssued
from shared.iso20022 import read_credit_notification, read_payment_status_report, schema_errors
from shared.messaging.envelope import Envelope

PAYER = BankAccount(bank_code="102241000017", acct_no="4200220100000310", acct_name="长春市医保中心职工医保基金支出户")


@pytest.fixture
async def bank(infra: Infra, prefix: str, topics: str) -> AsyncIterator[tuple[Any, BankSimulatorSettings]]:
    settings = settings_for(BankSimulatorSettings, infra, prefix)
    await migrate("bank_simulator", settings)
    async with serving(create_app(settings)) as client:
        yield client, settings


def a_voucher(amount: str = "88.80", acct_no: str | None = None, pain001: str | None = None) -> VoucherIssued:
    voucher_no = f"220100-20251009-{secrets.randbelow(999_999) + 1:06d}"
    payee = BankAccount(bank_code="102241000099", acct_no=acct_no or f"6222{secrets.randbelow(10**12):012d}",
                        acct_name="测试医院")
    now = datetime.now(UTC)
    document = pain001 or voucher_document(voucher_no, created_at=now, amount=Decimal(amount), payer=PAYER,
                                           payee=payee, requested=date(2025, 10, 9), purpose="日拨付")
    return VoucherIssued(voucher_no=voucher_no, payment_id=uuid.uuid4(), admdvs="220100", fixmedins_code="H1",
                         insutype="310", period="2025-10", payer=PAYER, payee=payee, amount=Decimal(amount),
                         purpose="日拨付", issued_at=now, pain001=document)


async def send(settings: BankSimulatorSettings, voucher: VoucherIssued) -> None:
    await publish(settings.kafka_bootstrap, settings.topic(topics.VOUCHER_ISSUED.name),
                  Envelope.wrap(topics.VOUCHER_ISSUED, voucher).to_bytes(), b"H1")


async def receipts(settings: BankSimulatorSettings, count: int, linger: float = 0.5) -> list[dict[str, Any]]:
    messages = await read_topic(settings.kafka_bootstrap, settings.topic(topics.RECEIPT_RETURNED.name),
                                until=lambda m: len(m) >= count, linger=linger)
    return [m["payload"] for m in messages]


async def faults(client: Any, **body: Any) -> None:
    response = await client.put("/v1/faults", json=body, headers=operator_headers())
    assert response.status_code == 200, response.text


async def test_a_voucher_sent_twice_is_paid_once_and_answered_twice_the_same(bank: Any) -> None:
    """contract.md: the bank pays a voucher_no at most once; a duplicate order gets the first outcome again.
    N art.15: its receipt is a pain.002 and, for a payment, a camt.054, both valid against their schemas."""
    client, settings = bank
    voucher = a_voucher("1234.50")
    await send(settings, voucher)
    await send(settings, voucher)
    first, second = await receipts(settings, 2)
    assert first == {**second, "returned_at": first["returned_at"], "pain002": first["pain002"],
                     "camt054": first["camt054"]}
    assert first["status"] == "paid" and first["amount"] == "1234.50"
    for receipt in (first, second):
        assert schema_errors(receipt["pain002"]) == [] and schema_errors(receipt["camt054"]) == []
    notification = read_credit_notification(first["camt054"])
    assert (notification.voucher_no, notification.amount, notification.creditor_acct) == \
        (voucher.voucher_no, Decimal("1234.50"), voucher.payee.acct_no)
    listed = (await client.get("/v1/payments", params={"value_date": first["value_date"]},
                               headers=operator_headers())).json()
    assert [p["voucher_no"] for p in listed["payments"]] == [voucher.voucher_no] and listed["total"] == "1234.50"
    mine = (await client.get("/v1/payments", params={"value_date": first["value_date"],
                                                     "payee_acct": voucher.payee.acct_no},
                             headers=operator_headers())).json()
    assert mine["count"] == 1
    other = (await client.get("/v1/payments", params={"value_date": first["value_date"], "payee_acct": "0000"},
                              headers=operator_headers())).json()
    assert other["count"] == 0 and other["total"] == "0.00"


async def test_a_rejected_account_and_a_document_that_breaks_the_schema_are_refused(bank: Any) -> None:
    """contract.md: rejects by account with the reason; a bank refuses a file that breaks its schema (FF01)."""
    client, settings = bank
    closed = a_voucher(acct_no="6222000000000009")
    await faults(client, reject_accounts={"6222000000000009": "账户已销户"})
    broken = a_voucher()
    broken = broken.model_copy(update={"pain001": broken.pain001.replace("<PmtMtd>TRF</PmtMtd>", "")})
    await send(settings, closed)
    await send(settings, broken)
    answers = {r["voucher_no"]: r for r in await receipts(settings, 2)}
    assert (answers[closed.voucher_no]["status"], answers[closed.voucher_no]["reason_code"],
            answers[closed.voucher_no]["reason"]) == ("rejected", "AC04", "账户已销户")
    assert answers[broken.voucher_no]["reason_code"] == "FF01" and "PmtMtd" in answers[broken.voucher_no]["reason"]
    report = read_payment_status_report(answers[closed.voucher_no]["pain002"])
    assert (report.status, report.reason_code) == ("RJCT", "AC04")
    assert schema_errors(answers[closed.voucher_no]["pain002"]) == []
    assert answers[closed.voucher_no]["camt054"] is None


async def test_a_timed_out_order_is_answered_only_when_asked(bank: Any) -> None:
    """contract.md: a timeout means the bank accepted the order but no receipt comes until the gateway asks
    (银企直联 status query); the answer carries the receipt."""
    client, settings = bank
    await faults(client, timeout_rate=1.0)
    voucher = a_voucher("10.00")
    await send(settings, voucher)

    async def accepted() -> dict[str, Any]:
        while True:
            response = await client.get(f"/v1/payments/{voucher.voucher_no}", headers=operator_headers())
            if response.status_code == 200:
                return dict(response.json())

    answer = await accepted()
    assert answer["status"] == "paid" and answer["receipt"]["status"] == "paid"
    assert schema_errors(answer["receipt"]["pain002"]) == []
    [pushed] = await receipts(settings, 1)  # asking also sends the receipt, once
    assert pushed["voucher_no"] == voucher.voucher_no and pushed["bank_ref"] == answer["bank_ref"]
    again = (await client.get(f"/v1/payments/{voucher.voucher_no}", headers=operator_headers())).json()
    assert again["status"] == "paid"
    assert len(await receipts(settings, 1, linger=1.0)) == 1
    unknown = await client.get("/v1/payments/220100-20990101-000001", headers=operator_headers())
    assert unknown.status_code == 404


async def test_an_order_cancelled_before_it_arrives_is_refused_and_one_accepted_cannot_be(bank: Any) -> None:
    """撤销: only while the bank has not accepted the order; the voucher number decides, so never both."""
    client, settings = bank
    early = a_voucher("20.00")
    response = await client.post(f"/v1/payments/{early.voucher_no}/cancellation", json={"amount": "20.00"},
                                 headers=operator_headers())
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = await client.post(f"/v1/payments/{early.voucher_no}/cancellation", json={"amount": "20.00"},
                              headers=operator_headers())
    assert again.status_code == 200  # cancelling twice is still one cancellation
    await send(settings, early)  # the order arrives after all: refused with the first outcome
    [refused] = await receipts(settings, 1)
    assert (refused["status"], refused["reason_code"]) == ("rejected", "CANC")
    assert schema_errors(refused["pain002"]) == []

    paid = a_voucher("30.00")
    await send(settings, paid)
    await receipts(settings, 2)
    late = await client.post(f"/v1/payments/{paid.voucher_no}/cancellation", json={"amount": "30.00"},
                             headers=operator_headers())
    assert late.status_code == 409 and late.json()["bank_status"] == "paid"
    status = (await client.get(f"/v1/payments/{early.voucher_no}", headers=operator_headers())).json()
    assert status["status"] == "cancelled" and status["receipt"]["reason_code"] == "CANC"


async def test_duplicate_and_late_receipts_come_as_the_drill_says(bank: Any) -> None:
    """contract.md: duplicate receipts and late receipts, for the gateway to absorb."""
    client, settings = bank
    await faults(client, duplicate_receipt_rate=1.0, late_receipt_ms=[300, 800], seed=5)
    voucher = a_voucher("5.00")
    sent_at = datetime.now(UTC)
    await send(settings, voucher)
    copies = await receipts(settings, 2, linger=1.0)
    assert len(copies) == 2 and {c["voucher_no"] for c in copies} == {voucher.voucher_no}
    assert {c["bank_ref"] for c in copies} == {copies[0]["bank_ref"]}
    assert all(datetime.fromisoformat(c["returned_at"]) >= sent_at.replace(microsecond=0) for c in copies)
    current = (await client.get("/v1/faults", headers=operator_headers())).json()
    assert current["duplicate_receipt_rate"] == 1.0 and current["seed"] == 5
    assert (await client.delete("/v1/faults", headers=operator_headers())).json()["duplicate_receipt_rate"] == 0.0


async def test_the_bank_is_for_operators_only(bank: Any) -> None:
    client, _ = bank
    assert (await client.get("/v1/faults")).status_code == 401
    assert (await client.post("/v1/payments/X/cancellation", json={"amount": "1.00"})).status_code == 401
    bad = await client.post("/v1/payments/X/cancellation", json={"amount": 1.0}, headers=operator_headers())
    assert bad.status_code == 422
