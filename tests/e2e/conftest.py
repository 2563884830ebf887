"""End-to-end fixtures: the whole system as real OS processes on free ports, on the session's PostgreSQL
and broker, with its own databases and topic prefix."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher.environment import ensure_topics
from launcher.procs import free_port
from launcher.stack import SERVICES, Stack
from launcher.testing import OPERATOR_TOKEN, Infra


def make_stack(infra: Infra, name: str) -> Stack:
    extra = {f"{s.env_prefix}_DATABASE_NAME": f"{name}_{s.name.replace('-', '_')}" for s in SERVICES}
    extra["JISHI_LOG_LEVEL"] = "INFO"
    return Stack(database_url=infra.database_url, kafka_bootstrap=infra.kafka_bootstrap,
                 operator_token=OPERATOR_TOKEN, ports={s.name: free_port() for s in SERVICES},
                 log_dir=infra.run_dir / name / "logs", topic_prefix=f"{name}.", echo=False, extra_env=extra)


@pytest.fixture
def fresh_stack(infra: Infra, prefix: str) -> Iterator[Stack]:
    """A stack of its own, for a test that needs exact system-wide totals."""
    ensure_topics(infra.kafka_bootstrap, prefix=f"{prefix}.", partitions=8)
    stack = make_stack(infra, prefix)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def stack(infra: Infra) -> Iterator[Stack]:
    name = f"e{random.getrandbits(40):010x}"
    ensure_topics(infra.kafka_bootstrap, prefix=f"{name}.", partitions=8)
    stack = make_stack(infra, name)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def region() -> str:
    """A region of the test's own, so tests sharing a stack never share a run."""
    return f"{random.randint(100000, 999999)}"


def log_tail(stack: Stack, name: str, lines: int = 40) -> str:
    path = Path(stack.log_dir) / f"{name}.log"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
