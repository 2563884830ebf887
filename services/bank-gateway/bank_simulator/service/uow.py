from bank_simulator.adapters.repositories import BankPayments, FaultStore, Receipts
from shared.messaging.uow import UnitOfWork


class BankUnitOfWork(UnitOfWork):
    payments: BankPayments
    receipts: Receipts
    faults: FaultStore

    def _start(self) -> None:
        self.payments = BankPayments(self.session)
        self.receipts = Receipts(self.session)
        self.faults = FaultStore(self.session)
