from __future__ import annotations

from accounting.service.postings import post_payments_confirmed
from accounting.service.uow import AccountingUnitOfWork
from shared.contracts import topics
from shared.messaging.consumer import Subscription

subscriptions: list[Subscription[AccountingUnitOfWork]] = [
    Subscription(topics.PAYMENT_CONFIRMED, post_payments_confirmed),
]
