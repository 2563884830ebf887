"""The messaging core on the real broker and PostgreSQL: the outbox publishes what was committed and only
that; the idempotent consumer applies each event once, whatever the broker delivers twice; a message that
cannot be applied goes to its DLQ and the partition goes on.

At-least-once delivery + idempotent effects = exactly-once effects (contract.md, "Kafka topics")."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import ClassVar

import pytest
import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.partitioner import murmur2
from pydantic import BaseModel
from sqlalchemy.dialects.postgresql import insert

from launcher.environment import ensure_topics
from launcher.testing import Infra, eventually, publish, read_topic, settings_for
from shared.contracts import topics
from shared.contracts.topics import all_topic_names
from shared.db import ensure_database, make_engine, make_sessionmaker
from shared.messaging.consumer import IdempotentConsumer, PoisonEvent, Subscription
from shared.messaging.envelope import Envelope, Event, Topic
from shared.messaging.kafka import create_topics, make_producer
from shared.messaging.relay import OutboxRelay
from shared.messaging.tables import add_messaging_tables
from shared.messaging.uow import UnitOfWork
from shared.settings import ServiceSettings


class ToySettings(ServiceSettings):
    SERVICE: ClassVar[str] = "toy"


class Counted(BaseModel):
    key: str
    amount: int


COUNTED = Topic("toy.counted", Counted)

metadata = sa.MetaData()
tally = sa.Table("tally", metadata, sa.Column("key", sa.Text, primary_key=True),
                 sa.Column("total", sa.Integer, nullable=False), sa.Column("events", sa.Integer, nullable=False))
add_messaging_tables(metadata)


async def count(events: list[Event[Counted]], uow: UnitOfWork) -> None:
    for event in events:
        if event.payload.amount < 0:
            raise PoisonEvent("a count is never negative")
        statement = insert(tally).values(key=event.payload.key, total=event.payload.amount, events=1)
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"total": tally.c.total + event.payload.amount, "events": tally.c.events + 1},
        )
        await uow.session.execute(statement)


class Toy:
    def __init__(self, settings: ToySettings) -> None:
        self.settings = settings
        self.engine = make_engine(settings)
        self.sessionmaker = make_sessionmaker(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker)

    def consumer(self, cls: type[IdempotentConsumer[UnitOfWork]] = IdempotentConsumer) -> IdempotentConsumer[UnitOfWork]:
        return cls(self.settings, name="toy", subscriptions=[Subscription(COUNTED, count)], uow_factory=self.uow)

    async def total(self, key: str) -> tuple[int, int]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(tally.c.total, tally.c.events).where(tally.c.key == key))).first()
        return (row.total, row.events) if row else (0, 0)

    async def in_outbox(self) -> int:
        """Rows still in the outbox: the relay deletes each once the broker has acknowledged it."""
        async with self.engine.connect() as conn:
            return int(await conn.scalar(sa.text("SELECT count(*) FROM outbox")))

    async def all_sent(self) -> bool:
        return await self.in_outbox() == 0

    @asynccontextmanager
    async def relaying(self, producer: AIOKafkaProducer | None = None) -> AsyncIterator[OutboxRelay]:
        """The outbox relay at work for the block (on ``make_producer``'s producer unless given one)."""
        producer = producer or make_producer(self.settings)
        await producer.start()
        relay = OutboxRelay(self.settings, producer)
        task = asyncio.create_task(relay.run())
        try:
            yield relay
        finally:
            relay.stop()
            await asyncio.wait_for(task, 10)
            await producer.stop()


@pytest.fixture
async def toy(infra: Infra, prefix: str) -> AsyncIterator[Toy]:
    settings = settings_for(ToySettings, infra, prefix)
    await ensure_database(settings.database_url, settings.database_name)
    await create_topics(infra.kafka_bootstrap, [settings.topic(COUNTED.name), settings.topic(COUNTED.dlq)],
                        partitions=4)
    toy = Toy(settings)
    async with toy.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield toy
    await toy.engine.dispose()


async def run_until(consumer: IdempotentConsumer[UnitOfWork], condition, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(condition, timeout=timeout)
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 15)


def envelope(key: str, amount: int) -> Envelope:
    return Envelope.wrap(COUNTED, Counted(key=key, amount=amount))


async def test_an_event_is_published_only_with_the_transaction_that_wrote_it(toy: Toy) -> None:
    """The transactional outbox: a rolled-back change publishes nothing; a committed one, exactly its event."""
    key = uuid.uuid4().hex
    async with toy.uow() as uow:
        uow.outbox.add(COUNTED, Counted(key=key, amount=1), key=key)
        # no commit: leaving the block rolls back, the event with it
    async with toy.uow() as uow:
        kept = uow.outbox.add(COUNTED, Counted(key=key, amount=2), key=key)
        await uow.commit()

    async with toy.relaying():
        await eventually(toy.all_sent)
        await asyncio.sleep(0.5)  # room for a wrongly published second event to show up
        messages = await read_topic(toy.settings.kafka_bootstrap, toy.settings.topic(COUNTED.name),
                                    until=lambda m: len(m) >= 1)
    assert [m["event_id"] for m in messages] == [str(kept)]
    assert messages[0]["payload"] == {"key": key, "amount": 2}
    assert await toy.in_outbox() == 0


async def test_the_relay_keeps_each_keys_order_and_partition_across_record_batches(toy: Toy) -> None:
    """Contract "Kafka topics": one key's events (an institution's) reach one partition, the one Kafka's
    partitioner (murmur2) gives the key, in the order they were written, with their headers — also across the
    many record batches a partition gets when a batch holds only a few events (2 KB)."""
    keys = [uuid.uuid4().hex for _ in range(5)]
    async with toy.uow() as uow:
        for amount in range(300):
            key = keys[amount % len(keys)]
            uow.outbox.add(COUNTED, Counted(key=key, amount=amount), key=key, headers={"x-amount": str(amount)})
        await uow.commit()
    small_batches = AIOKafkaProducer(bootstrap_servers=toy.settings.kafka_bootstrap, acks="all", max_batch_size=2048)
    async with toy.relaying(small_batches):
        await eventually(toy.all_sent)
        records = await all_records(toy.settings.kafka_bootstrap, toy.settings.topic(COUNTED.name), 300)
    by_key: dict[str, list[tuple[int, int]]] = {}
    for record in records:
        payload = json.loads(record.value)["payload"]
        assert dict(record.headers)["x-amount"] == str(payload["amount"]).encode()
        by_key.setdefault(record.key.decode(), []).append((record.partition, payload["amount"]))
    for key, seen in by_key.items():
        assert {partition for partition, _ in seen} == {(murmur2(key.encode()) & 0x7FFFFFFF) % 4}
        assert [amount for _, amount in seen] == list(range(keys.index(key), 300, len(keys)))


async def all_records(bootstrap: str, topic: str, count: int) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of the topic, with its partition, key and headers, each partition's in offset order."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"reader-{uuid.uuid4().hex}",
                                auto_offset_reset="earliest", enable_auto_commit=False, fetch_max_wait_ms=10)
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        async with asyncio.timeout(20):
            while len(records) < count:
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    records += batch
    finally:
        await consumer.stop()
    return records


async def test_a_message_delivered_twice_is_applied_once(toy: Toy) -> None:
    """The broker delivers at least once; the processed-event table makes the effect happen once."""
    key = uuid.uuid4().hex
    event = envelope(key, 5)
    topic = toy.settings.topic(COUNTED.name)
    for _ in range(3):
        await publish(toy.settings.kafka_bootstrap, topic, event.to_bytes(), key.encode())
    await publish(toy.settings.kafka_bootstrap, topic, envelope(key, 7).to_bytes(), key.encode())
    consumer = toy.consumer()
    await run_until(consumer, lambda: consumer.stats.applied + consumer.stats.duplicates >= 4)
    assert await toy.total(key) == (12, 2)
    assert consumer.stats.duplicates == 2


class _Crash(Exception):
    pass


class CrashBeforeOffsetCommit(IdempotentConsumer[UnitOfWork]):
    """Dies after its database transaction committed and before the broker heard of it."""

    async def _commit(self, consumer, batch) -> None:  # type: ignore[no-untyped-def]
        raise _Crash("killed between the database commit and the offset commit")


async def test_a_crash_between_the_database_commit_and_the_offset_commit_applies_nothing_twice(toy: Toy) -> None:
    """The dangerous window: effects committed, offsets not. The next owner of the partition gets the same
    messages again and must skip every one of them."""
    key = uuid.uuid4().hex
    topic = toy.settings.topic(COUNTED.name)
    for amount in (1, 2, 3):
        await publish(toy.settings.kafka_bootstrap, topic, envelope(key, amount).to_bytes(), key.encode())

    crashing = toy.consumer(CrashBeforeOffsetCommit)
    with pytest.raises(_Crash):
        await asyncio.wait_for(crashing.run(), 30)
    applied_before_crash = crashing.stats.applied
    assert applied_before_crash >= 1
    assert await toy.total(key) == (sum((1, 2, 3)[:applied_before_crash]), applied_before_crash)

    survivor = toy.consumer()
    await run_until(survivor, lambda: survivor.stats.applied + survivor.stats.duplicates >= 3)
    assert survivor.stats.duplicates == applied_before_crash  # redelivered, recognised, skipped
    assert await toy.total(key) == (6, 3)


async def test_a_malformed_message_goes_to_the_dlq_and_the_partition_goes_on(toy: Toy) -> None:
    key = uuid.uuid4().hex
    topic = toy.settings.topic(COUNTED.name)
    await publish(toy.settings.kafka_bootstrap, topic, b"{not json", key.encode())
    wrong_payload = Envelope.wrap(COUNTED, Counted(key=key, amount=1)).model_copy(update={"payload": {"key": key}})
    await publish(toy.settings.kafka_bootstrap, topic, wrong_payload.to_bytes(), key.encode())
    await publish(toy.settings.kafka_bootstrap, topic, envelope(key, 4).to_bytes(), key.encode())
    await publish(toy.settings.kafka_bootstrap, topic, envelope(key, -1).to_bytes(), key.encode())  # PoisonEvent
    await publish(toy.settings.kafka_bootstrap, topic, envelope(key, 6).to_bytes(), key.encode())

    consumer = toy.consumer()
    async with toy.relaying():
        await run_until(consumer, lambda: consumer.stats.applied >= 2 and consumer.stats.dead_lettered >= 3)
        letters = await read_topic(toy.settings.kafka_bootstrap, toy.settings.topic(COUNTED.dlq),
                                   until=lambda m: len(m) >= 3)
    assert await toy.total(key) == (10, 2)
    reasons = sorted(letter["reason"] for letter in letters)
    assert reasons[0].startswith("invalid payload: amount")
    assert reasons[1].startswith("not an envelope")
    assert reasons[2] == "rejected by handler: a count is never negative"
    assert all(letter["source"]["topic"] == topic and letter["consumer"] == "toy" for letter in letters)
    assert {letter["original"] for letter in letters if isinstance(letter["original"], str)} >= {"{not json"}


async def test_what_the_relay_published_before_it_could_mark_it_is_published_again_and_absorbed(toy: Toy) -> None:
    """A relay that dies after the broker's ack and before it deletes the row publishes it again on restart;
    the consumer recognises the event id and applies it once."""
    key = uuid.uuid4().hex
    async with toy.uow() as uow:
        event_id = uow.outbox.add(COUNTED, Counted(key=key, amount=9), key=key)
        await uow.commit()
    async with toy.engine.connect() as conn:
        value = await conn.scalar(sa.text("SELECT value FROM outbox WHERE event_id = :e"), {"e": event_id})
    # What the first relay did before dying: the message is on the broker, the row is still there.
    await publish(toy.settings.kafka_bootstrap, toy.settings.topic(COUNTED.name), value, key.encode())
    assert await toy.in_outbox() == 1

    consumer = toy.consumer()
    async with toy.relaying():
        await run_until(consumer, lambda: consumer.stats.applied + consumer.stats.duplicates >= 2)
    assert await toy.total(key) == (9, 1)
    assert consumer.stats.duplicates == 1
    assert await toy.in_outbox() == 0


async def test_topics_with_a_message_per_settlement_get_every_partition_and_the_others_two(
        infra: Infra, prefix: str) -> None:
    """A consumer group spreads over a topic's partitions (contract.md: keyed by fixmedins_code, so one
    institution stays in order); only the per-settlement topics need many, and every other partition costs
    each fetch a part, on the broker and in aiokafka."""
    await asyncio.to_thread(ensure_topics, infra.kafka_bootstrap, prefix=f"{prefix}.", partitions=8)
    consumer = AIOKafkaConsumer(bootstrap_servers=infra.kafka_bootstrap)
    await consumer.start()
    try:
        await consumer.topics()  # fetches the cluster's metadata
        counts = {name: len(consumer.partitions_for_topic(f"{prefix}.{name}") or ()) for name in all_topic_names()}
    finally:
        await consumer.stop()
    busy = {topics.SETTLEMENT_RECORDED.name, topics.SETTLEMENT_AUDITED.name, topics.LINE_COMPUTED.name}
    assert counts == {name: 8 if name in busy else 2 for name in all_topic_names()}
