"""Test fixtures on the real thing: an embedded PostgreSQL and a Tansu broker started once per test session
on free ports (so a running ``make run`` is never disturbed), and per test its own topic prefix and
databases, so tests never share rows or messages.

``JISHI_TEST_DATABASE_URL`` / ``JISHI_TEST_KAFKA_BOOTSTRAP`` point the suite at servers already running.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from launcher.environment import ensure_topics, start_infrastructure
from launcher.procs import free_port
from shared.migrations import upgrade
from shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
S = TypeVar("S", bound=ServiceSettings)
OPERATOR_TOKEN = "op_test_operator_token"


@dataclass(frozen=True)
class Infra:
    database_url: str
    kafka_bootstrap: str
    run_dir: Path


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    run_dir = ROOT / ".run" / f"test-{os.getpid()}"
    env = {}
    if os.environ.get("JISHI_TEST_DATABASE_URL"):
        env["JISHI_DATABASE_URL"] = os.environ["JISHI_TEST_DATABASE_URL"]
    if os.environ.get("JISHI_TEST_KAFKA_BOOTSTRAP"):
        env["JISHI_KAFKA_BOOTSTRAP"] = os.environ["JISHI_TEST_KAFKA_BOOTSTRAP"]
    started = start_infrastructure(run_dir, env, pg_port=free_port(), kafka_port=free_port(), pg_dir=run_dir / "pg")
    try:
        yield Infra(started.database_url, started.kafka_bootstrap, run_dir)
    finally:
        started.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def prefix() -> str:
    """A fresh namespace for this test's topics and databases."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def topics(infra: Infra, prefix: str) -> str:
    """Create every topic (and .dlq) under this test's prefix; returns the prefix topics carry."""
    ensure_topics(infra.kafka_bootstrap, prefix=f"{prefix}.", partitions=4)
    return f"{prefix}."


def settings_for(cls: type[S], infra: Infra, prefix: str, **overrides: Any) -> S:
    """A service's settings pointed at the test servers, its own database and the test's topics."""
    values: dict[str, Any] = {
        "database_url": infra.database_url,
        "database_name": f"{prefix}_{cls.SERVICE.replace('-', '_')}",
        "kafka_bootstrap": infra.kafka_bootstrap,
        "topic_prefix": f"{prefix}.",
        "operator_token": OPERATOR_TOKEN,
        "outbox_poll_interval_s": 0.2,
        **overrides,
    }
    return cls(**values)


async def migrate(package: str, settings: ServiceSettings) -> None:
    await asyncio.to_thread(upgrade, package, settings)


@asynccontextmanager
async def serving(app: Any, base_url: str = "http://test") -> AsyncIterator[httpx.AsyncClient]:
    """Run an app's lifespan (its consumers and relay on the real broker) and talk to it over ASGI."""
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client:
            yield client


def operator_headers() -> dict[str, str]:
    return {"authorization": f"Bearer {OPERATOR_TOKEN}"}


async def publish(bootstrap: str, topic: str, value: bytes, key: bytes | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def read_topic(bootstrap: str, topic: str, *, until: Callable[[list[dict[str, Any]]], bool],
                     timeout: float = 20, linger: float = 0) -> list[dict[str, Any]]:
    """Every message on ``topic`` (JSON), read from the start until ``until(messages)`` holds, then for
    ``linger`` seconds more (to see that nothing else arrives)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"reader-{uuid.uuid4().hex}",
                                auto_offset_reset="earliest", enable_auto_commit=False, fetch_max_wait_ms=10,
                                session_timeout_ms=2000, heartbeat_interval_ms=500)
    await consumer.start()
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    try:
        while not until(messages):
            if time.monotonic() > deadline:
                raise AssertionError(f"{topic}: condition not met after {timeout}s; read {len(messages)} messages")
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                messages += [json.loads(r.value) for r in records]
        lingering = time.monotonic() + linger
        while time.monotonic() < lingering:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                messages += [json.loads(r.value) for r in records]
    finally:
        await consumer.stop()
    return messages


async def eventually(check: Callable[[], Any], *, timeout: float = 20, interval: float = 0.1) -> Any:
    """Await ``check()`` (sync or async) until it returns something truthy; its last error explains a timeout."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return result
        except AssertionError as exc:
            last = exc
        await asyncio.sleep(interval)
    raise AssertionError(f"not true after {timeout}s" + (f": {last}" if last else ""))
