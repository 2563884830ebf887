from __future__ import annotations

from functools import partial

from bank_gateway.domain.accounts import PayerAccounts
from bank_gateway.service.receipts import record_receipts
from bank_gateway.service.uow import BankGatewayUnitOfWork
from bank_gateway.service.vouchers import issue_vouchers
from shared.contracts import topics
from shared.messaging.consumer import Subscription


def subscriptions(accounts: PayerAccounts) -> list[Subscription[BankGatewayUnitOfWork]]:
    return [
        Subscription(topics.PAYMENT_ORDERED, partial(issue_vouchers, accounts=accounts)),
        Subscription(topics.RECEIPT_RETURNED, record_receipts),
    ]
