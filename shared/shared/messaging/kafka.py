"""Kafka clients with the settings this system needs, and the topic administration the launcher uses."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.helpers import create_ssl_context

from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36


def client_security(settings: ServiceSettings) -> dict[str, Any]:
    """The sign-in options of every client (producer, consumer, admin): none for PLAINTEXT; TLS verified with
    the cluster's CA file; SASL (SCRAM) with the service's own Kafka user (Strimzi writes its password)."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return {}
    options: dict[str, Any] = {"security_protocol": protocol}
    if protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = create_ssl_context(cafile=settings.kafka_ssl_cafile)
    if protocol.startswith("SASL"):
        assert settings.kafka_sasl_password is not None  # the settings refuse SASL without it
        options |= {"sasl_mechanism": settings.kafka_sasl_mechanism,
                    "sasl_plain_username": settings.kafka_sasl_username,
                    "sasl_plain_password": settings.kafka_sasl_password.get_secret_value()}
    return options


def make_producer(settings: ServiceSettings, *, client_id: str | None = None) -> AIOKafkaProducer:
    # acks=all: an event counts as published only once the broker has it. No enable_idempotence: Tansu has
    # no idempotent producer; duplicates are absorbed by the consumers' processed-event table instead.
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=client_id or f"{settings.SERVICE}-producer",
        acks="all",
        linger_ms=2,
        max_batch_size=512 * 1024,
        max_request_size=4 * 1024 * 1024,
        request_timeout_ms=15000,
        **client_security(settings),
    )


def make_consumer(settings: ServiceSettings, *, group_id: str, topics: Iterable[str]) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=f"{group_id}-consumer",
        group_id=group_id,
        enable_auto_commit=False,  # offsets are committed by hand, after the database commit
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        max_poll_records=settings.kafka_max_batch,
        max_partition_fetch_bytes=4 * 1024 * 1024,
        **client_security(settings),
    )


async def create_topics(bootstrap: str, names: Iterable[str], *, partitions: int, replication: int = 1,
                        security: Mapping[str, Any] | None = None) -> list[str]:
    """Create each topic that does not exist yet; returns the names created. Existing topics are left as
    they are (a partition count is never lowered). ``security``: ``client_security(settings)``."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="jishi-admin", **(security or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [n for n in dict.fromkeys(names) if n not in existing]
        if not wanted:
            return []
        response = await admin.create_topics([NewTopic(n, partitions, replication) for n in wanted])
        created = []
        for topic, code, message in response.topic_errors:
            if code == 0:
                created.append(topic)
            elif code != TOPIC_ALREADY_EXISTS:
                raise RuntimeError(f"could not create topic {topic}: error {code} {message}")
        return created
    finally:
        await admin.close()


class AdaptiveFetchWait:
    """Tansu holds every fetch for the full ``fetch_max_wait_ms`` even when data is waiting, and each fetch
    costs it CPU per partition (shared/docs/broker.md; measured here: one idle consumer of 48 partitions
    polling every 10 ms takes a quarter of a core of the broker, every 250 ms 4 %). So a consumer fetches
    with the short wait while messages flow and the long one once idle; on Apache Kafka, which answers a
    fetch as soon as data arrives, the long wait costs nothing.

    It sets aiokafka's fetcher attribute directly, the only way to change the wait of a running consumer;
    if a future aiokafka renames it, this does nothing (the consumer keeps its configured short wait).
    """

    def __init__(self, consumer: AIOKafkaConsumer, *, busy_ms: int, idle_ms: int, idle_after: int = 5) -> None:
        self._fetcher = getattr(consumer, "_fetcher", None)
        self._busy_ms, self._idle_ms, self._idle_after = busy_ms, idle_ms, idle_after
        self._empty_polls = 0
        if self._fetcher is not None and not hasattr(self._fetcher, "_fetch_max_wait_ms"):
            log.warning("aiokafka's fetcher has no _fetch_max_wait_ms; the fetch wait stays at %d ms", busy_ms)
            self._fetcher = None

    def saw(self, messages: int) -> None:
        if self._fetcher is None:
            return
        if messages:
            self._empty_polls = 0
            self._fetcher._fetch_max_wait_ms = self._busy_ms
        else:
            self._empty_polls += 1
            if self._empty_polls == self._idle_after:
                self._fetcher._fetch_max_wait_ms = max(self._idle_ms, self._busy_ms)
