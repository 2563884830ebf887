from audit.adapters.configs import AuditConfigs
from audit.adapters.index import AuditIndex
from audit.adapters.outcomes import Outcomes
from audit.adapters.review import Findings
from audit.adapters.risk import RiskBook
from shared.messaging.uow import UnitOfWork


class AuditUnitOfWork(UnitOfWork):
    outcomes: Outcomes
    index: AuditIndex
    findings: Findings
    configs: AuditConfigs
    risk: RiskBook

    def _start(self) -> None:
        self.outcomes = Outcomes(self.session)
        self.index = AuditIndex(self.session)
        self.findings = Findings(self.session)
        self.configs = AuditConfigs(self.session)
        self.risk = RiskBook(self.session)
