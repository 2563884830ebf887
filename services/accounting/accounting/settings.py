from typing import ClassVar

from shared.settings import ServiceSettings


class AccountingSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "accounting"
    port: int = 8005
