from typing import ClassVar

from shared.settings import ServiceSettings


class ClaimsSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "claims"
    port: int = 8001
    #: Up to 1,000 records of up to a few dozen fee lines each.
    max_body_bytes: int = 16 * 1024 * 1024
    max_batch_records: int = 1000
    #: Uploads read and stored at once; the others wait unread in their connections. More would only hold
    #: parsed batches in memory while they wait for one of the database pool's connections.
    intake_concurrency: int = 8
