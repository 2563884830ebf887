from typing import ClassVar

from shared.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "audit"
    port: int = 8002
    #: Watch the risk indicators as records are audited (N art.20). Off only where a province watches risk
    #: elsewhere; ``bench/audit.py --no-risk`` measures their cost with it off.
    risk_watch: bool = True
