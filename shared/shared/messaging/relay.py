"""The outbox relay: publishes committed outbox rows and deletes them only after the broker's ack.

One relay per service is active at a time (a PostgreSQL advisory lock elects it), so a service scaled to
several replicas still publishes each institution's events in the order they were written. A crash after
the ack and before the delete publishes the row again on restart: consumers drop the duplicate by its
``event_id``.

A published row is deleted, not marked: ``UPDATE ... SET sent_at`` changed a column of the partial index
``outbox_unsent``, so each update wrote the whole row again (about 1.5 KB) and an entry in both of its unique
indexes, as much as the insert did. Once the broker has acknowledged it, the event's copy of record is the
topic's. ``sent_at`` stays in the table for the rows an earlier version marked; the purge removes those.
"""

from __future__ import annotations

import asyncio
import json
import logging
import zlib
from datetime import timedelta

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from shared.observability import business
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

_UNSENT = "SELECT id, topic, key, value, headers FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1"
_DELETE_SENT = "DELETE FROM outbox WHERE id = ANY($1::bigint[])"
_PURGE_MARKED = "DELETE FROM outbox WHERE sent_at < now() - $1::interval"  # marked sent by an earlier version


class OutboxRelay:
    def __init__(
        self,
        settings: ServiceSettings,
        producer: AIOKafkaProducer,
        *,
        batch_size: int = 2000,
        keep_sent: timedelta = timedelta(days=7),
    ) -> None:
        self._settings = settings
        self._producer = producer
        self._batch_size = batch_size
        self._keep_sent = keep_sent
        # Per service database, but a stable key per service name keeps the lock unique if schemas share one.
        self._lock_key = zlib.crc32(f"outbox-relay:{settings.SERVICE}".encode())
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self.is_leader = False
        self.published = 0

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        backoff = 0.2
        while not self._stopping.is_set():
            try:
                await self._lead_and_publish()
                backoff = 0.2
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError) as exc:
                log.warning("outbox relay: %s: %s; retrying in %.1fs", type(exc).__name__, exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 5.0)
        log.info("outbox relay stopped after publishing %d events", self.published)

    async def _lead_and_publish(self) -> None:
        conn = await asyncpg.connect(self._settings.asyncpg_dsn)
        await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", self._lock_key):
                self.is_leader = False
                await self._sleep(1.0)  # standby: another replica's relay publishes
                if self._stopping.is_set():
                    return
            self.is_leader = True
            await conn.add_listener("outbox", self._on_notify)
            purge_every, since_purge = 600.0, 600.0
            loop = asyncio.get_running_loop()
            while True:
                self._wake.clear()
                sent = await self.publish_batch(conn)
                if sent == self._batch_size:
                    continue  # more is waiting
                if self._stopping.is_set():
                    return  # the last batch was short: nothing committed before the stop is left
                if since_purge >= purge_every:
                    await conn.execute(_PURGE_MARKED, self._keep_sent)
                    since_purge = 0.0
                started = loop.time()
                await self._sleep(self._settings.outbox_poll_interval_s)
                since_purge += loop.time() - started
        finally:
            self.is_leader = False
            await conn.close()  # closing the session releases the advisory lock

    async def publish_batch(self, conn: asyncpg.Connection) -> int:
        rows = await conn.fetch(_UNSENT, self._batch_size)
        if not rows:
            return 0
        acks = []
        for row in rows:
            headers = [(k, str(v).encode()) for k, v in row["headers"].items()] or None
            acks.append(
                await self._producer.send(
                    self._settings.topic(row["topic"]),
                    value=row["value"],
                    key=row["key"].encode() if row["key"] is not None else None,
                    headers=headers,
                )
            )
        await asyncio.gather(*acks)
        await conn.execute(_DELETE_SENT, [row["id"] for row in rows])
        self.published += len(rows)
        business.note_published((row["topic"], row["value"]) for row in rows)
        return len(rows)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            pass
