"""One service as a real OS process with the settings we hold for it — its own entry point, its own port — for
the operations tests and the benches that need several replicas of a consumer side by side: started, waited
on until ready, watched through ``/metrics``, stopped with a signal, and its log kept in a file."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from launcher.procs import die_with_parent, free_port
from launcher.stack import SERVICES
from shared.settings import ServiceSettings


@dataclass
class Metrics:
    """One scrape: ``value(name, **labels)`` sums the samples whose labels include those given."""

    samples: dict[str, list[tuple[dict[str, str], float]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def parse(cls, text: str) -> Metrics:
        metrics = cls()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                metrics.samples[sample.name].append((sample.labels, sample.value))
        return metrics

    def value(self, name: str, **labels: str) -> float:
        return sum(v for found, v in self.samples.get(name, []) if labels.items() <= found.items())

    def label_values(self, name: str, label: str, **labels: str) -> set[str]:
        return {found[label] for found, _ in self.samples.get(name, []) if labels.items() <= found.items()}

    def partitions(self, topic: str) -> set[int]:
        """The partitions of ``topic`` (its name without the environment's prefix) this process's consumer
        holds, from its lag series (a partition appears there once a fetch has reached it)."""
        return {int(p) for p in self.label_values("jishi_consumer_lag", "partition", topic=topic)}


def settings_env(settings: ServiceSettings) -> dict[str, str]:
    """Every field of ``settings`` as ``<SERVICE>_<NAME>``, which wins over ``JISHI_*`` in the child's
    environment: the process runs with exactly these settings."""
    prefix = settings.SERVICE.upper().replace("-", "_")
    env = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        env[f"{prefix}_{name.upper()}"] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    return env


class ServiceProcess:
    """``python -m <service> serve`` on a free port, its output in ``log_dir/<database>-<name>.log``; the kernel
    kills it if we die (no orphan outlives a failed test or bench)."""

    def __init__(self, settings: ServiceSettings, name: str, log_dir: Path, *,
                 extra_env: dict[str, str] | None = None) -> None:
        self.settings, self.name, self.port = settings, name, free_port()
        self.module = next(s.module for s in SERVICES if s.name == settings.SERVICE)
        self.log_path = log_dir / f"{settings.database_name}-{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        prefix = settings.SERVICE.upper().replace("-", "_")
        self.env = {**os.environ, **settings_env(settings), f"{prefix}_PORT": str(self.port),
                    "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", self.module, "serve"], env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            preexec_fn=die_with_parent(signal.SIGKILL))
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    async def wait_ready(self, timeout: float = 60) -> None:
        """Until ``/health/ready`` answers 200 — for a consumer, once it holds partitions."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                assert self.process is not None and self.process.poll() is None, f"{self.name} exited: {self.tail()}"
                try:
                    if (await client.get(f"{self.url}/health/ready")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"{self.name} not ready after {timeout}s: {self.tail()}"
                await asyncio.sleep(0.2)

    async def metrics(self) -> Metrics:
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(f"{self.url}/metrics")
        response.raise_for_status()
        return Metrics.parse(response.text)

    def terminate(self, timeout: float = 30) -> tuple[int, float]:
        """SIGTERM; returns the exit code and the seconds it took to exit."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        return code, time.monotonic() - started

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def tail(self, lines: int = 30) -> str:
        path = Path(self.log_path)
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


async def count_rows(settings: ServiceSettings, sql: str) -> int:
    """One number from the service's own database (a test's or bench's check, never a service's)."""
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()
