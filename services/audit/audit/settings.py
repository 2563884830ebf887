from typing import ClassVar

from shared.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "audit"
    port: int = 8002
