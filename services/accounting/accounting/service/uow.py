from accounting.adapters.repositories import Ledger
from shared.messaging.uow import UnitOfWork


class AccountingUnitOfWork(UnitOfWork):
    ledger: Ledger

    def _start(self) -> None:
        self.ledger = Ledger(self.session)
