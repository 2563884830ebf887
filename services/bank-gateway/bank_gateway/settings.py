from typing import ClassVar

from pydantic import SecretStr

from shared.settings import ServiceSettings


class BankGatewaySettings(ServiceSettings):
    SERVICE: ClassVar[str] = "bank-gateway"
    port: int = 8004
    #: A JSON file of the agency's expenditure accounts (see bank_gateway/data/payer_accounts.json).
    payer_accounts_file: str | None = None
    #: The bank's side of the bank-enterprise link (银企直联): status queries, cancellations, its list of
    #: payments. ``BANK_GATEWAY_BANK_URL``; the simulator listens on 8006.
    bank_url: str = "http://127.0.0.1:8006"
    #: The credential the bank gives the fund for that link; the operator token when not set (the simulator
    #: accepts it).
    bank_token: SecretStr | None = None
    bank_http_timeout_s: float = 10.0
    #: A voucher with no receipt this long after it was issued is asked about at the bank (never re-sent).
    receipt_timeout_s: float = 300.0
    #: Asking again, while the bank has no final answer: the first wait, doubling up to the longest.
    status_query_backoff_s: float = 5.0
    status_query_backoff_max_s: float = 300.0
    #: How often overdue vouchers are looked for, and how many status queries may be in flight at once.
    status_query_scan_s: float = 1.0
    status_query_concurrency: int = 8
    #: At most this many overdue vouchers followed up at once, oldest first: when the bank (or we) fall far
    #: behind, the questions must not become the load that keeps us behind.
    status_query_following_max: int = 200

    @property
    def bank_credential(self) -> str:
        return (self.bank_token or self.operator_token).get_secret_value()
