from typing import ClassVar

from shared.settings import ServiceSettings


class DisbursementSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "disbursement"
    port: int = 8003
