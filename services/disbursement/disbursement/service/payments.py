"""What the bank did with each payment (N art.15, art.18): paid — and after how many days from care its records'
money arrived — or failed and carried into the next."""

from __future__ import annotations

from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts.events import PaymentConfirmed, PaymentRejected
from shared.messaging.envelope import Event


async def on_payments_confirmed(events: list[Event[PaymentConfirmed]], uow: DisbursementUnitOfWork) -> None:
    for event in events:
        p = event.payload
        if await uow.payments.settle(p.payment_id, status="paid", voucher_no=p.voucher_no, at=p.receipt_at):
            await uow.care_to_cash.record(p.payment_id)


async def on_payments_rejected(events: list[Event[PaymentRejected]], uow: DisbursementUnitOfWork) -> None:
    for event in events:
        p = event.payload
        # Failed, not lost: the next run to this region carries it into a payment to the institution.
        await uow.payments.settle(p.payment_id, status="failed", voucher_no=p.voucher_no, at=p.receipt_at,
                                  reason=f"{p.reason_code}: {p.reason}")
