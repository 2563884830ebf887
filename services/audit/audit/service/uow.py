from audit.adapters.configs import RegionVersions
from audit.adapters.index import AuditIndex
from audit.adapters.outcomes import Outcomes
from audit.adapters.review import Findings
from audit.adapters.risk import RiskBook
from shared.messaging.uow import UnitOfWork


class AuditUnitOfWork(UnitOfWork):
    outcomes: Outcomes
    index: AuditIndex
    findings: Findings
    configs: RegionVersions
    risk_configs: RegionVersions
    risk: RiskBook

    def _start(self) -> None:
        self.outcomes = Outcomes(self.session)
        self.index = AuditIndex(self.session)
        self.findings = Findings(self.session)
        self.configs = RegionVersions(self.session, "audit_config_versions")
        self.risk_configs = RegionVersions(self.session, "risk_config_versions")
        self.risk = RiskBook(self.session)
