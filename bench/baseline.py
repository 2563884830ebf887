"""The raw baseline a bench prints beside its own figures, measured in the same run on the same broker and
PostgreSQL: bare aiokafka and asyncpg, none of our code. It is the ceiling ``shared/docs/broker.md`` lists for
this kind of machine, measured again, so that a slower or busier machine shows in the baseline as much as in
our figures, and the ratio between them is what says how much our code costs.

    .venv/bin/python bench/baseline.py     # on its own: starts its own PostgreSQL and Tansu

Two figures:

- the hop: consume a batch, insert a row and an outbox row per message in one transaction, produce a
  message per row, commit the offsets (broker.md: 11–12 k messages/s), which is what each of our consumers
  does per event;
- PostgreSQL alone: rows in 500-row transactions (broker.md: 64–66 k rows/s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from launcher.environment import start_infrastructure
from launcher.procs import free_port, machine
from shared.db import ensure_database
from shared.messaging.kafka import create_topics
from shared.settings import database_url

ROOT = Path(__file__).resolve().parents[1]

#: About the size of a recorded settlement's envelope with a few fee lines.
_VALUE = b'{"payload": "' + b"x" * 1200 + b'"}'


@dataclass(frozen=True)
class Baseline:
    hop_per_s: float
    rows_per_s: float

    def describe(self) -> str:
        return (f"raw baseline, this run, bare clients: consume → insert + outbox row → produce "
                f"{self.hop_per_s:,.0f} messages/s, PostgreSQL {self.rows_per_s:,.0f} rows/s in 500-row "
                f"transactions (shared/docs/broker.md, this kind of machine: 11–12 k and 64–66 k)")

    def ratio(self, what: str, per_s: float) -> str:
        return f"{what}: {per_s:,.0f}/s = {per_s / self.hop_per_s:.2f} × the raw hop"


async def measure(bootstrap: str, server_url: str, *, messages: int = 10000, rows: int = 50000) -> Baseline:
    name = f"baseline{random.randint(0, 99999):05d}"
    await ensure_database(server_url, name)
    dsn = database_url(server_url, name, driver="postgresql")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TABLE rows (id uuid PRIMARY KEY, key text NOT NULL, value bytea NOT NULL);"
                           "CREATE TABLE outbox (id bigserial PRIMARY KEY, topic text NOT NULL, key text, "
                           "value bytea NOT NULL, sent_at timestamptz);"
                           "CREATE TABLE plain (id bigint PRIMARY KEY, code text, amount numeric(14, 2), "
                           "at timestamptz)")
        hop = await _hop(bootstrap, conn, f"{name}.", messages)
        plain = await _rows(conn, rows)
    finally:
        await conn.close()
        await _drop(server_url, name)
    return Baseline(hop, plain)


async def _hop(bootstrap: str, conn: asyncpg.Connection, prefix: str, messages: int) -> float:
    source, sink = f"{prefix}in", f"{prefix}out"
    await create_topics(bootstrap, [source, sink], partitions=8)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2)
    await producer.start()
    consumer = AIOKafkaConsumer(source, bootstrap_servers=bootstrap, group_id=f"{prefix}group",
                                enable_auto_commit=False, auto_offset_reset="earliest", fetch_max_wait_ms=10,
                                session_timeout_ms=2000, heartbeat_interval_ms=500, max_poll_records=500)
    try:
        keys = [f"H{i:05d}".encode() for i in range(50)]
        await asyncio.gather(*[await producer.send(source, _VALUE, key=keys[i % 50]) for i in range(messages)])
        await consumer.start()
        done, started = 0, 0.0
        while done < messages:
            batch = await consumer.getmany(timeout_ms=200, max_records=500)
            records = [r for rs in batch.values() for r in rs]
            if not records:
                continue
            started = started or time.perf_counter()  # from the first batch: the group's join is not the hop
            async with conn.transaction():
                await conn.executemany("INSERT INTO rows VALUES ($1, $2, $3)",
                                       [(uuid.uuid4(), r.key.decode(), r.value) for r in records])
                await conn.executemany("INSERT INTO outbox (topic, key, value) VALUES ($1, $2, $3)",
                                       [(sink, r.key.decode(), r.value) for r in records])
            await asyncio.gather(*[await producer.send(sink, r.value, key=r.key) for r in records])
            await consumer.commit({tp: rs[-1].offset + 1 for tp, rs in batch.items()})
            done += len(records)
        return done / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await producer.stop()


async def _rows(conn: asyncpg.Connection, rows: int) -> float:
    started = time.perf_counter()
    for start in range(0, rows, 500):
        async with conn.transaction():
            await conn.executemany("INSERT INTO plain VALUES ($1, $2, $3, now())",
                                   [(i, f"S{i:012d}", i % 100000 / 100) for i in range(start, start + 500)])
    return rows / (time.perf_counter() - started)


async def _drop(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(database_url(server_url, "postgres", driver="postgresql"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--rows", type=int, default=50000)
    args = parser.parse_args()
    run_dir = ROOT / ".run" / f"baseline-{os.getpid()}"
    infra = start_infrastructure(run_dir, pg_port=free_port(), kafka_port=free_port(), pg_dir=run_dir / "pg")
    try:
        baseline = asyncio.run(measure(infra.kafka_bootstrap, infra.database_url, messages=args.messages,
                                       rows=args.rows))
    finally:
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    print(f"machine: {machine()}")
    print(baseline.describe())


if __name__ == "__main__":
    main()
