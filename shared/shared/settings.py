"""Settings every service shares, read from the environment.

Two layers of variables: ``JISHI_*`` for the whole system (the PostgreSQL server, the Kafka bootstrap, the
operator token) and ``<SERVICE>_*`` (``CLAIMS_PORT``, ``AUDIT_DATABASE_URL``...) for one service, which win
over the ``JISHI_*`` value of the same name. Nothing is read at import time: an entry point builds a
``Settings`` and hands it to ``create_app(settings)``, so a test can start a service on its own database,
broker and port.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Literal, Self
from urllib.parse import urlsplit, urlunsplit

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

PLACEHOLDER = "changethis"
log = logging.getLogger(__name__)


class ServiceSettings(BaseSettings):
    """Base of each service's ``Settings``; a subclass names the service and its default port."""

    model_config = SettingsConfigDict(env_prefix="JISHI_", extra="ignore", env_ignore_empty=True)

    #: The service's name: its database is ``jishi_<name>``, its consumer group ``<name>``.
    SERVICE: ClassVar[str] = ""

    mode: Literal["local", "staging", "production"] = "local"
    host: str = "127.0.0.1"
    port: int = 0
    #: The PostgreSQL server; the service connects to ``database_name`` on it.
    database_url: str = "postgresql://postgres@127.0.0.1:55432/postgres"
    database_name: str = ""
    #: Connections a process holds at most, every one kept once opened (``shared.db.make_engine``).
    database_pool_size: int = 20
    #: Test each pooled connection before use (three round trips a unit of work); off, a dropped connection
    #: costs the one request or batch that meets it (``shared.db.make_engine``).
    database_pool_pre_ping: bool = False
    kafka_bootstrap: str = "127.0.0.1:9092"
    #: Prepended to every topic name: several environments (or test runs) can share one cluster.
    topic_prefix: str = ""
    operator_token: SecretStr = SecretStr(PLACEHOLDER)
    # Tansu waits the whole fetch_max_wait_ms even when data is there, and a group join takes about half the
    # session timeout (shared/docs/broker.md): low values keep latency and rebalances short. But each fetch
    # costs Tansu and aiokafka CPU, data or not: at 10 ms the chain spent 2,273 µs a record at 500/s (Tansu
    # 709), at 25 ms 1,686 (Tansu 403) with a lower p99 (bench/e2e.py). Apache Kafka answers as soon as data
    # is there: deploy/ sets 500.
    kafka_fetch_max_wait_ms: int = 25
    #: The wait once a consumer has been idle for a second (see AdaptiveFetchWait).
    kafka_fetch_idle_wait_ms: int = 250
    kafka_session_timeout_ms: int = 2000
    kafka_heartbeat_interval_ms: int = 500
    kafka_max_batch: int = 500
    #: How every Kafka client (producer, consumer, admin) signs in: PLAINTEXT on a laptop; SASL_SSL with
    #: SCRAM against Strimzi's TLS listener (deploy/), verifying the brokers with ``kafka_ssl_cafile`` (the
    #: system's CAs when not set).
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None
    outbox_poll_interval_s: float = 0.5
    #: From SIGTERM to exit: HTTP requests in flight (half of it at most), then the consumer's batch in flight
    #: and its offsets, then the outbox flushed (issue 9: within 20 s; the Deployments allow 30 s).
    shutdown_timeout_s: float = 18.0
    log_level: str = "INFO"
    #: ``json`` (one object a line, with correlation_id, event_id, setl_id: for a log collector) or ``text``.
    log_format: Literal["json", "text"] = "json"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        service_prefix = cls.SERVICE.upper().replace("-", "_") + "_"
        service_env = EnvSettingsSource(settings_cls, env_prefix=service_prefix, env_ignore_empty=True)
        return (init_settings, service_env, env_settings)

    @model_validator(mode="after")
    def _complete_and_refuse_placeholders(self) -> Self:
        if not self.database_name:
            self.database_name = f"jishi_{self.SERVICE.replace('-', '_')}"
        if self.operator_token.get_secret_value() == PLACEHOLDER:
            if self.mode != "local":
                raise ValueError("JISHI_OPERATOR_TOKEN is still the placeholder; set a real secret")
            log.warning("JISHI_OPERATOR_TOKEN is the placeholder %r: fine on a laptop, never elsewhere", PLACEHOLDER)
        if self.kafka_security_protocol.startswith("SASL") and not (self.kafka_sasl_username
                                                                    and self.kafka_sasl_password):
            raise ValueError(f"JISHI_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs "
                             "JISHI_KAFKA_SASL_USERNAME and JISHI_KAFKA_SASL_PASSWORD")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """This service's own database, in the form SQLAlchemy's asyncpg dialect wants."""
        return database_url(self.database_url, self.database_name, driver="postgresql+asyncpg")

    @property
    def asyncpg_dsn(self) -> str:
        """The same database as a plain libpq DSN, for asyncpg connections of our own (LISTEN, locks)."""
        return database_url(self.database_url, self.database_name, driver="postgresql")

    def topic(self, name: str) -> str:
        """The full name of a topic in this environment."""
        return f"{self.topic_prefix}{name}"


def database_url(server_url: str, database: str, *, driver: str) -> str:
    """``server_url`` with its database replaced by ``database`` and its scheme by ``driver``."""
    parts = urlsplit(server_url)
    return urlunsplit((driver, parts.netloc, f"/{database}", parts.query, parts.fragment))
