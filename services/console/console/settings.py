from typing import ClassVar

from shared.settings import ServiceSettings


class ConsoleSettings(ServiceSettings):
    """``CONSOLE_*`` or ``JISHI_*``. The console reaches each service at its base URL, with the operator token,
    naming the signed-in person in ``X-Jishi-Actor``."""

    SERVICE: ClassVar[str] = "console"
    port: int = 8007
    claims_url: str = "http://127.0.0.1:8001"
    audit_url: str = "http://127.0.0.1:8002"
    disbursement_url: str = "http://127.0.0.1:8003"
    bank_gateway_url: str = "http://127.0.0.1:8004"
    accounting_url: str = "http://127.0.0.1:8005"
    session_hours: float = 8.0
    #: Send the session cookie over HTTPS only (production, behind TLS); off on a laptop's plain HTTP.
    secure_cookies: bool = False
    #: The region a clerk's forms start with.
    default_admdvs: str = "220100"
