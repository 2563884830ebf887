"""Postings from events, each once per event (N art.19: business and accounting agree at every point)."""

from __future__ import annotations

from accounting.domain.entries import advance_paid
from accounting.service.uow import AccountingUnitOfWork
from shared.contracts import topics
from shared.contracts.events import PaymentConfirmed
from shared.messaging.envelope import Event


async def post_payments_confirmed(events: list[Event[PaymentConfirmed]], uow: AccountingUnitOfWork) -> None:
    for event in events:
        p = event.payload
        entry = advance_paid(fund=p.insutype, value_date=p.value_date, amount=p.amount,
                             fixmedins_code=p.fixmedins_code, advance_period=p.period, voucher_no=p.voucher_no)
        await uow.ledger.post(entry, source_event_id=event.event_id, source_type=topics.PAYMENT_CONFIRMED.name)
