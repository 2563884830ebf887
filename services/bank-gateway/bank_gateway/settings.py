from typing import ClassVar

from shared.settings import ServiceSettings


class BankGatewaySettings(ServiceSettings):
    SERVICE: ClassVar[str] = "bank-gateway"
    port: int = 8004
    #: A JSON file of the agency's expenditure accounts (see bank_gateway/data/payer_accounts.json).
    payer_accounts_file: str | None = None
