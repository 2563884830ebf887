"""Settlements as claims records them — ``claims.settlement-recorded`` events keyed by institution, made from
the demo generator's records — published straight onto the topic, to feed audit without claims in the way
(the operations tests and the benches)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from aiokafka import AIOKafkaProducer

from launcher.demo_data import SettlementFactory, demo_institutions
from shared.contracts import topics
from shared.contracts.events import SettlementRecorded
from shared.contracts.settlement import SettlementRecord
from shared.messaging.envelope import Envelope
from shared.settings import ServiceSettings

REGION = "220100"
FIRST_DAY = date(2025, 9, 1)


def envelopes(records: int, days: int, *, copies: int = 1) -> list[tuple[bytes, bytes]]:
    """``records`` recorded settlements (3 % planted violations) over ``days`` consecutive days from
    2025-09-01, as (key, value) messages, at the demo's three institutions — or at ``copies`` of them under
    distinct codes, each three with the demo's mix: a region has many institutions, and each is a partition
    key, so three alone leave most partitions of a topic empty."""
    trios = [demo_institutions(REGION, prefix=f"S{n:03d}" if copies > 1 else "") for n in range(copies)]
    out = []
    for d in range(days):
        factory = SettlementFactory(FIRST_DAY + timedelta(days=d), seed=d)
        for trio in trios:
            for institution, raw in factory.day_of(trio, records // days // copies):
                payload = SettlementRecorded(fixmedins_code=institution.fixmedins_code, admdvs=REGION,
                                             accepted_at=datetime.now(UTC),
                                             record=SettlementRecord.model_validate(raw))
                envelope = Envelope.wrap(topics.SETTLEMENT_RECORDED, payload)
                out.append((institution.fixmedins_code.encode(), envelope.to_bytes()))
    return out


async def produce(settings: ServiceSettings, messages: list[tuple[bytes, bytes]]) -> None:
    """Onto ``claims.settlement-recorded`` in ``settings``' environment, in batches, acknowledged by all."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=20,
                                max_batch_size=1 << 20)
    await producer.start()
    try:
        topic = settings.topic(topics.SETTLEMENT_RECORDED.name)
        for i in range(0, len(messages), 2000):
            await asyncio.gather(*[await producer.send(topic, value=v, key=k) for k, v in messages[i:i + 2000]])
    finally:
        await producer.stop()
