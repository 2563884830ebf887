"""Receipts (回单 / 回盘, N art.15, JL art.18): match each to its voucher, apply the bank's first final
answer once, and keep everything else — duplicates, late receipts, strangers — where an operator sees it."""

from __future__ import annotations

from datetime import UTC, datetime

from bank_gateway.adapters.tables import Voucher
from bank_gateway.service.uow import BankGatewayUnitOfWork
from shared.contracts import topics
from shared.contracts.events import PaymentConfirmed, PaymentRejected, ReceiptReturned
from shared.iso20022 import read_payment_status_report
from shared.messaging.envelope import Event


async def record_receipts(events: list[Event[ReceiptReturned]], uow: BankGatewayUnitOfWork) -> None:
    for event in events:
        receipt = event.payload
        now = datetime.now(UTC)
        body = receipt.model_dump(mode="json")
        voucher = await uow.vouchers.get(receipt.voucher_no, for_update=True)
        outcome = _judge(receipt, voucher)
        uow.receipts.log(receipt.voucher_no, receipt.status, outcome, body, now)
        if outcome != "applied" or voucher is None:
            continue
        voucher.status = receipt.status
        voucher.bank_ref, voucher.value_date, voucher.receipt_at = receipt.bank_ref, receipt.value_date, now
        voucher.reason_code, voucher.reason = receipt.reason_code, receipt.reason
        common = dict(voucher_no=voucher.voucher_no, payment_id=voucher.payment_id, admdvs=voucher.admdvs,
                      fixmedins_code=voucher.fixmedins_code, insutype=voucher.insutype, period=voucher.period,
                      amount=voucher.amount, bank_ref=receipt.bank_ref, receipt_at=now)
        if receipt.status == "paid":
            assert receipt.value_date is not None
            payload: PaymentConfirmed | PaymentRejected = PaymentConfirmed(**common, value_date=receipt.value_date)
            topic = topics.PAYMENT_CONFIRMED
        else:
            payload = PaymentRejected(**common, reason_code=receipt.reason_code or "NARR",
                                      reason=receipt.reason or "rejected by the bank")
            topic = topics.PAYMENT_REJECTED
        uow.outbox.add(topic, payload, key=voucher.fixmedins_code, correlation_id=event.correlation_id)


def _judge(receipt: ReceiptReturned, voucher: Voucher | None) -> str:
    """applied | duplicate | unknown-voucher | contradicts | amount-mismatch | malformed."""
    if voucher is None:
        return "unknown-voucher"
    try:
        report = read_payment_status_report(receipt.pain002)
    except ValueError:
        return "malformed"
    if report.voucher_no != voucher.voucher_no or (receipt.status == "paid" and receipt.value_date is None):
        return "malformed"
    if receipt.amount != voucher.amount:
        return "amount-mismatch"
    if voucher.status == "issued":
        return "applied"
    return "duplicate" if voucher.status == receipt.status else "contradicts"
