"""Receipts (回单 / 回盘, N art.15, JL art.18): match each to its voucher, apply the bank's first final
answer once, and keep everything else — duplicates, late receipts, strangers — where an operator sees it.
A pushed receipt and the answer to a status query take the same path."""

from __future__ import annotations

from datetime import UTC, datetime

from bank_gateway.adapters.tables import Voucher
from bank_gateway.domain.receipts import Verdict, VoucherState, judge_receipt, reason_of
from bank_gateway.service.uow import BankGatewayUnitOfWork
from shared.contracts import topics
from shared.contracts.events import PaymentConfirmed, PaymentRejected, ReceiptReturned
from shared.messaging.envelope import Event


async def record_receipts(events: list[Event[ReceiptReturned]], uow: BankGatewayUnitOfWork) -> None:
    # One locked read for the batch; each receipt then sees what the ones before it in the batch did.
    vouchers = await uow.vouchers.locked([e.payload.voucher_no for e in events])
    for event in events:
        settle(event.payload, vouchers.get(event.payload.voucher_no), uow, source="push",
               correlation_id=event.correlation_id)


async def apply_receipt(receipt: ReceiptReturned, uow: BankGatewayUnitOfWork, *, source: str,
                        correlation_id: str | None = None) -> Verdict:
    """Log the receipt with its outcome; the first final answer settles the voucher and is published
    (paid → ``bankgateway.payment-confirmed``, rejected → ``bankgateway.payment-rejected``) in the same
    transaction. Must run inside ``uow``; the caller commits."""
    voucher = await uow.vouchers.get(receipt.voucher_no, for_update=True)
    return settle(receipt, voucher, uow, source=source, correlation_id=correlation_id)


def settle(receipt: ReceiptReturned, voucher: Voucher | None, uow: BankGatewayUnitOfWork, *, source: str,
           correlation_id: str | None = None) -> Verdict:
    """``apply_receipt`` for a voucher already read and locked in this unit of work."""
    now = datetime.now(UTC)
    verdict = judge_receipt(receipt, _state(voucher))
    uow.receipts.log(receipt.voucher_no, receipt.status, verdict.outcome, receipt.model_dump(mode="json"), now,
                     source=source, detail=verdict.detail)
    if not verdict.applies or voucher is None:
        return verdict
    voucher.status = receipt.status
    voucher.bank_ref, voucher.value_date, voucher.receipt_at = receipt.bank_ref, receipt.value_date, now
    if receipt.status == "paid":
        assert receipt.value_date is not None
        uow.outbox.add(topics.PAYMENT_CONFIRMED, PaymentConfirmed(**_outcome_fields(voucher, receipt.bank_ref, now),
                                                                  value_date=receipt.value_date),
                       key=voucher.fixmedins_code, correlation_id=correlation_id)
    else:
        voucher.reason_code, voucher.reason = reason_of(receipt)
        publish_not_paid(uow, voucher, bank_ref=receipt.bank_ref, at=now, correlation_id=correlation_id)
    return verdict


def publish_not_paid(uow: BankGatewayUnitOfWork, voucher: Voucher, *, bank_ref: str, at: datetime,
                     correlation_id: str | None = None) -> None:
    """累计顺延 (N art.18): a payment the bank refused or that was cancelled reaches disbursement, which carries
    it into the next payment to the institution."""
    uow.outbox.add(topics.PAYMENT_REJECTED, PaymentRejected(
        **_outcome_fields(voucher, bank_ref, at), reason_code=voucher.reason_code or "NARR",
        reason=voucher.reason or "not paid"), key=voucher.fixmedins_code, correlation_id=correlation_id)


def _outcome_fields(voucher: Voucher, bank_ref: str, at: datetime) -> dict[str, object]:
    return dict(voucher_no=voucher.voucher_no, payment_id=voucher.payment_id, admdvs=voucher.admdvs,
                fixmedins_code=voucher.fixmedins_code, insutype=voucher.insutype, period=voucher.period,
                amount=voucher.amount, bank_ref=bank_ref, receipt_at=at)


def _state(voucher: Voucher | None) -> VoucherState | None:
    if voucher is None:
        return None
    return VoucherState(voucher.voucher_no, voucher.amount, str(voucher.payee["acct_no"]), voucher.status)
