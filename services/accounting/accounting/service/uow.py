from __future__ import annotations

from accounting.adapters.repositories import Checks, Facts, Ledger, Month
from shared.messaging.uow import UnitOfWork


class AccountingUnitOfWork(UnitOfWork):
    ledger: Ledger
    facts: Facts
    checks: Checks
    #: The months (institution, fund, month) whose business-vs-finance check this unit of work changed: checked
    #: again, once, just before it commits (after every posting of a consumer's batch).
    touched: set[Month]
    #: Months whose settlement moved on: may the period close now?
    settling: set[str]

    def _start(self) -> None:
        self.ledger = Ledger(self.session)
        self.facts = Facts(self.session)
        self.checks = Checks(self.session)
        self.touched = set()
        self.settling = set()

    async def commit(self) -> None:
        if self.touched or self.settling:
            from accounting.service.consistency import after_postings  # the service layer's, not the adapters'

            await after_postings(self)
        await super().commit()
