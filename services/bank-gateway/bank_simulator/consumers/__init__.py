from __future__ import annotations

from bank_simulator.service.bank import receive_vouchers
from bank_simulator.service.uow import BankUnitOfWork
from shared.contracts import topics
from shared.messaging.consumer import Subscription

subscriptions: list[Subscription[BankUnitOfWork]] = [Subscription(topics.VOUCHER_ISSUED, receive_vouchers)]
