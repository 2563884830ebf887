"""The idempotent consumer (幂等消费): at-least-once delivery in, exactly-once effects out.

For each batch from ``getmany()``:

1. every message is parsed into an envelope and its topic's payload model; one that does not parse is a
   dead letter, bound for ``<topic>.dlq`` with the reason;
2. in one database transaction the batch's event ids are claimed in ``processed_events`` (``INSERT ... ON
   CONFLICT DO NOTHING RETURNING``), the handlers apply only the newly claimed events, dead letters are
   written to the outbox, and the transaction commits;
3. only then are the offsets committed.

A crash between 2 and 3 redelivers the batch; its ids are already claimed, so nothing is applied twice. A
handler that fails on one message makes the batch retry message by message, so the others go through and
the failing one reaches the DLQ after ``max_attempts``; a database or broker outage is retried without end,
since an outage is no reason to give up a payment.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.structs import ConsumerRecord
from pydantic import BaseModel
from sqlalchemy import text

from shared.db import is_database_outage
from shared.messaging.envelope import Event, Topic
from shared.messaging.kafka import AdaptiveFetchWait, make_consumer
from shared.messaging.reading import Parsed, dead_letter, parse
from shared.messaging.uow import UnitOfWork
from shared.observability import context, tracing
from shared.observability.metrics import CONSUMER_BATCHES, DEAD_LETTERS, EVENTS_CONSUMED, ConsumerState
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

U = TypeVar("U", bound=UnitOfWork)
#: A handler gets the new events of one topic from one batch, in partition order, inside the batch's
#: unit of work; it must not commit. It may raise ``PoisonEvent`` for an event that can never apply.
BatchHandler = Callable[[list[Event[Any]], U], Awaitable[None]]


class PoisonEvent(Exception):
    """A well-formed event that can never be applied (an unknown institution's code, say): DLQ it."""


@dataclass(frozen=True)
class Subscription(Generic[U]):
    topic: Topic[Any]
    handle: BatchHandler[U]
    #: The payload as this consumer reads it (``envelope.reader``), when it needs only part of the contract's.
    reads: type[BaseModel] | None = None


def one_by_one(handler: Callable[[Event[Any], U], Awaitable[None]]) -> BatchHandler[U]:
    """Adapt a handler of single events to a batch handler (the batch stays one transaction)."""

    async def handle(events: list[Event[Any]], uow: U) -> None:
        for event in events:
            await handler(event, uow)

    return handle


def is_transient(exc: BaseException) -> bool:
    """An outage or a race, not a fault of the message: retry the same batch later."""
    return isinstance(exc, (OSError, TimeoutError, KafkaError)) or is_database_outage(exc)


@dataclass
class ConsumerStats:
    applied: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    batches: int = 0
    lag: dict[TopicPartition, int] = field(default_factory=dict)


class IdempotentConsumer(Generic[U]):
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        name: str,
        subscriptions: Sequence[Subscription[U]],
        uow_factory: Callable[[], U],
        max_attempts: int = 3,
    ) -> None:
        self._settings = settings
        #: The name in ``processed_events``; the group adds the environment's prefix, so environments (and
        #: test runs) sharing a broker never rebalance one another's consumers. Production has no prefix.
        self.name = name
        self.group_id = f"{settings.topic_prefix}{name}"
        self._uow_factory = uow_factory
        self._max_attempts = max_attempts
        self._by_topic = {settings.topic(s.topic.name): s for s in subscriptions}
        self._subscriptions = list(subscriptions)
        self._stopping = asyncio.Event()
        self._in_flight = asyncio.Lock()
        self.assigned: frozenset[TopicPartition] = frozenset()
        self.stats = ConsumerStats()
        #: Per assigned partition, the offset after the last one this consumer committed.
        self._done: dict[TopicPartition, int] = {}
        self._consumer: AIOKafkaConsumer | None = None

    @property
    def topics(self) -> list[str]:
        return list(self._by_topic)

    def stop(self) -> None:
        """Take no new batch; the one in flight is finished and its offsets committed before ``run`` returns."""
        self._stopping.set()

    def state(self) -> ConsumerState:
        """Lag per assigned partition, from the high-water mark of the latest fetch (exact on Tansu, where
        ``end_offsets()`` under-reports) less what this consumer has committed, for ``/metrics``."""
        lag: dict[tuple[str, int], int] = {}
        assigned: Counter[str] = Counter()
        for tp in self.assigned:
            topic = self._logical(tp.topic)
            assigned[topic] += 1
            behind = self._behind(tp)
            if behind is not None:
                lag[(topic, tp.partition)] = behind
        return ConsumerState(lag=lag, assigned=assigned)

    def _behind(self, tp: TopicPartition) -> int | None:
        try:
            highwater = self._consumer.highwater(tp) if self._consumer is not None else None
        except AssertionError:  # revoked a moment ago
            return None
        done = self._done.get(tp)
        if highwater is not None and done is not None:
            return max(highwater - done, 0)
        # Nothing committed here yet: the lag noted with the last batch, or none once a fetch found nothing.
        return self.stats.lag.get(tp, 0 if highwater is not None else None)

    def _logical(self, topic: str) -> str:
        prefix = self._settings.topic_prefix
        return topic[len(prefix):] if prefix and topic.startswith(prefix) else topic

    def _forget(self, partitions: set[TopicPartition]) -> None:
        for tp in partitions:
            self._done.pop(tp, None)
            self.stats.lag.pop(tp, None)

    async def run(self) -> None:
        consumer = make_consumer(self._settings, group_id=self.group_id, topics=[])
        consumer.subscribe(self.topics, listener=_WaitForInFlight(self))
        self._consumer = consumer
        await consumer.start()
        fetch_wait = AdaptiveFetchWait(consumer, busy_ms=self._settings.kafka_fetch_max_wait_ms,
                                       idle_ms=self._settings.kafka_fetch_idle_wait_ms)
        backoff = 0.1
        try:
            while not self._stopping.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=self._settings.kafka_max_batch)
                fetch_wait.saw(sum(len(records) for records in batch.values()))
                if not batch:
                    continue
                self._note_lag(consumer, batch)
                started = time.perf_counter()
                async with self._in_flight:
                    try:
                        await self._process(batch)
                        backoff = 0.1
                    except Exception as exc:
                        if not is_transient(exc):
                            raise
                        log.warning("%s: %s: %s; batch retried in %.1fs", self.name, type(exc).__name__, exc, backoff)
                        for tp, records in batch.items():
                            consumer.seek(tp, records[0].offset)
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, 5.0)
                        continue
                    await self._commit(consumer, batch)
                CONSUMER_BATCHES.observe(time.perf_counter() - started)
        finally:
            self.assigned = frozenset()
            await consumer.stop()  # leaves the group at once, so the partitions move without a timeout

    def _note_lag(self, consumer: AIOKafkaConsumer, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        # Lag from the high-water mark the fetch returned: exact on Tansu, where end_offsets() under-reports.
        for tp, records in batch.items():
            highwater = consumer.highwater(tp)
            if highwater is not None:
                self.stats.lag[tp] = max(highwater - (records[-1].offset + 1), 0)

    async def _commit(self, consumer: AIOKafkaConsumer, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        offsets = {tp: records[-1].offset + 1 for tp, records in batch.items() if tp in self.assigned}
        try:
            await consumer.commit(offsets)
            self._done.update(offsets)
        except CommitFailedError:
            # The group rebalanced under us: the new owner re-reads these messages and finds them processed.
            log.info("%s: offsets not committed, the partitions moved; the new owner skips what is done", self.name)

    async def _process(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        parsed = [self._parse(record) for records in batch.values() for record in records]
        self.stats.batches += 1
        try:
            await self._apply(parsed)
            return
        except Exception as exc:
            if is_transient(exc):
                raise
            log.warning("%s: a batch of %d failed (%s: %s); retrying one by one", self.name, len(parsed),
                        type(exc).__name__, exc)
        for item in parsed:
            event = item.event
            with context.bound(correlation_id=event.correlation_id if event else None, event_id=item.processed_key,
                               setl_id=context.setl_id_of(event.payload) if event else None):
                await self._apply_alone(item)

    async def _apply_alone(self, item: Parsed) -> None:
        reason = ""
        for attempt in range(1, self._max_attempts + 1):
            try:
                await self._apply([item])
                return
            except PoisonEvent as exc:
                reason = f"rejected by handler: {exc}"
                break
            except Exception as exc:
                if is_transient(exc):
                    raise
                log.warning("%s: %s at %s[%d]@%d failed (attempt %d/%d): %s: %s", self.name, item.processed_key,
                            item.record.topic, item.record.partition, item.record.offset, attempt,
                            self._max_attempts, type(exc).__name__, exc)
                reason = f"handler failed {self._max_attempts} times: {type(exc).__name__}: {exc}"
        item.event, item.dead_reason = None, reason
        await self._apply([item])

    async def _apply(self, parsed: list[Parsed]) -> None:
        unique = {item.processed_key: item for item in reversed(parsed)}  # the first occurrence wins
        async with self._uow_factory() as uow:
            new_keys = await self._claim(uow, list(unique))
            fresh = [i for i in parsed if i.processed_key in new_keys and unique[i.processed_key] is i]
            for item in fresh:
                if item.dead_reason is not None:
                    self._dead_letter(uow, item)
            applying = [i for i in fresh if i.event is not None]
            with tracing.consuming(self.group_id, applying), _ids_of(applying):
                for subscription in self._subscriptions:
                    events = [i.event for i in applying if i.topic is subscription.topic]
                    if events:
                        await subscription.handle(events, uow)
                await uow.commit()
        self._count(parsed, fresh)

    def _count(self, parsed: list[Parsed], fresh: list[Parsed]) -> None:
        applied: Counter[str] = Counter()
        dead: Counter[str] = Counter()
        for item in fresh:
            (applied if item.event is not None else dead)[item.topic.name] += 1
        duplicates = Counter(i.topic.name for i in parsed) - applied - dead
        for topic, n in applied.items():
            EVENTS_CONSUMED.labels(topic, "applied").inc(n)
        for topic, n in duplicates.items():
            EVENTS_CONSUMED.labels(topic, "duplicate").inc(n)
        for topic, n in dead.items():
            DEAD_LETTERS.labels(topic).inc(n)
        self.stats.duplicates += sum(duplicates.values())
        self.stats.applied += sum(applied.values())
        self.stats.dead_lettered += sum(dead.values())

    async def _claim(self, uow: U, keys: list[str]) -> set[str]:
        """The batch's event ids not processed before, now claimed: one statement of an array, the same
        prepared statement whatever the batch's size."""
        result = await uow.session.execute(_CLAIM, {"consumer": self.name, "keys": keys})
        return set(result.scalars())

    def _parse(self, record: ConsumerRecord) -> Parsed:
        subscription = self._by_topic[record.topic]
        return parse(record, subscription.topic, subscription.reads or subscription.topic.payload)

    def _dead_letter(self, uow: U, item: Parsed) -> None:
        record = item.record
        log.error("%s: %s[%d]@%d to the DLQ: %s", self.name, record.topic, record.partition, record.offset,
                  item.dead_reason, extra={"event_id": item.processed_key})
        uow.outbox.add_raw(item.topic.dlq, key=record.key.decode(errors="replace") if record.key else None,
                           value=dead_letter(item, consumer=self.name))


_CLAIM = text(
    "INSERT INTO processed_events (consumer, event_id) SELECT :consumer, k FROM unnest(CAST(:keys AS text[])) AS k "
    "ON CONFLICT DO NOTHING RETURNING event_id")


@contextmanager
def _ids_of(applying: list[Parsed]) -> Iterator[None]:
    """The ids a batch's log lines carry: all three for a batch of one event, the correlation id when every
    event shares it (one request's records), none otherwise (each line about one event names it)."""
    if len(applying) == 1 and applying[0].event is not None:
        event = applying[0].event
        with context.bound(correlation_id=event.correlation_id, event_id=str(event.event_id),
                           setl_id=context.setl_id_of(event.payload)):
            yield
        return
    correlations = {i.event.correlation_id for i in applying if i.event is not None}
    if len(correlations) == 1:
        with context.bound(correlation_id=correlations.pop()):
            yield
        return
    yield


class _WaitForInFlight(ConsumerRebalanceListener):
    """Before partitions move, let the batch in flight finish and commit its offsets."""

    def __init__(self, owner: IdempotentConsumer[Any]) -> None:
        self._owner = owner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        async with self._owner._in_flight:
            self._owner.assigned = frozenset(self._owner.assigned - set(revoked))
            self._owner._forget(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self._owner.assigned = frozenset(assigned)
        by_topic: dict[str, int] = {}
        for tp in assigned:
            by_topic[tp.topic] = by_topic.get(tp.topic, 0) + 1
        log.info("%s: assigned %s", self._owner.name, ", ".join(f"{t} ×{n}" for t, n in sorted(by_topic.items())))
