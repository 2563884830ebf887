from disbursement.adapters.repositories import Institutions, IntakeRepository, Lines, Payments, Policies, Runs
from shared.messaging.uow import UnitOfWork


class DisbursementUnitOfWork(UnitOfWork):
    institutions: Institutions
    policies: Policies
    intake: IntakeRepository
    lines: Lines
    runs: Runs
    payments: Payments

    def _start(self) -> None:
        self.institutions = Institutions(self.session)
        self.policies = Policies(self.session)
        self.intake = IntakeRepository(self.session)
        self.lines = Lines(self.session)
        self.runs = Runs(self.session)
        self.payments = Payments(self.session)
