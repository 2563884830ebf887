from audit.adapters.repositories import Charges, Outcomes
from shared.messaging.uow import UnitOfWork


class AuditUnitOfWork(UnitOfWork):
    outcomes: Outcomes
    charges: Charges

    def _start(self) -> None:
        self.outcomes = Outcomes(self.session)
        self.charges = Charges(self.session)
