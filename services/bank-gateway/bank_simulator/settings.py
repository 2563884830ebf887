from typing import ClassVar

from shared.settings import ServiceSettings


class BankSimulatorSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "bank-simulator"
    port: int = 8006
