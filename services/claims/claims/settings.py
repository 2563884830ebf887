from typing import ClassVar

from shared.settings import ServiceSettings


class ClaimsSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "claims"
    port: int = 8001
    #: Up to 1,000 records of up to a few dozen fee lines each.
    max_body_bytes: int = 16 * 1024 * 1024
    max_batch_records: int = 1000
