from __future__ import annotations

from accounting.service.postings import (
    LINE_FOR_FACTS,
    on_funds_requested,
    on_lines_computed,
    on_lines_ordered,
    on_monthly_settled,
    on_payments_ordered,
    on_payments_rejected,
    post_payments_confirmed,
)
from accounting.service.uow import AccountingUnitOfWork
from shared.contracts import topics
from shared.messaging.consumer import Subscription

subscriptions: list[Subscription[AccountingUnitOfWork]] = [
    # What a payment is first, so a receipt in the same batch is booked with its run's name.
    Subscription(topics.PAYMENT_ORDERED, on_payments_ordered),
    Subscription(topics.LINE_COMPUTED, on_lines_computed, reads=LINE_FOR_FACTS),
    Subscription(topics.LINES_ORDERED, on_lines_ordered),
    Subscription(topics.PAYMENT_CONFIRMED, post_payments_confirmed),
    Subscription(topics.PAYMENT_REJECTED, on_payments_rejected),
    # After the receipts: a settlement's negative carry sees the batch's payments booked.
    Subscription(topics.MONTHLY_SETTLED, on_monthly_settled),
    Subscription(topics.FUND_REQUESTED, on_funds_requested),
]
