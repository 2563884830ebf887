"""The whole system as separate OS processes: migrate each service, start it, wait until it is ready,
show its log with a prefix, and stop everything on the way out (no orphan survives)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from launcher.procs import die_with_parent, stop


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    default_port: int

    @property
    def env_prefix(self) -> str:
        return self.name.upper().replace("-", "_")


SERVICES = [
    ServiceSpec("claims", "claims", 8001),
    ServiceSpec("audit", "audit", 8002),
    ServiceSpec("disbursement", "disbursement", 8003),
    ServiceSpec("bank-gateway", "bank_gateway", 8004),
    ServiceSpec("accounting", "accounting", 8005),
    ServiceSpec("bank-simulator", "bank_simulator", 8006),
]
#: The agency's console: a process of the system, started with the rest by ``make run``, reaching the others only
#: through their APIs. Not in ``SERVICES``, which are the services with Kafka users and Kubernetes manifests.
CONSOLE = ServiceSpec("console", "console", 8007)
WITH_CONSOLE = [*SERVICES, CONSOLE]
_COLOURS = ["36", "35", "33", "32", "34", "31", "37"]


def configured_ports(env: dict[str, str] | None = None) -> dict[str, int]:
    """Each service's port: ``CLAIMS_PORT`` and the like when set, else the contract's default."""
    env = env if env is not None else dict(os.environ)
    return {s.name: int(env.get(f"{s.env_prefix}_PORT") or s.default_port) for s in WITH_CONSOLE}


@dataclass
class Stack:
    database_url: str
    kafka_bootstrap: str
    operator_token: str
    ports: dict[str, int]
    log_dir: Path
    topic_prefix: str = ""
    #: Print each service's log to our stdout, prefixed; otherwise only to its file under ``log_dir``.
    echo: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    #: What this stack runs: the services, and the console where ``ports`` names it.
    specs: list[ServiceSpec] = field(default_factory=lambda: list(SERVICES))
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def env(self, spec: ServiceSpec) -> dict[str, str]:
        return {
            **os.environ,
            "JISHI_DATABASE_URL": self.database_url,
            "JISHI_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "JISHI_OPERATOR_TOKEN": self.operator_token,
            "JISHI_TOPIC_PREFIX": self.topic_prefix,
            f"{spec.env_prefix}_PORT": str(self.ports[spec.name]),
            # Where each service answers, for the console (JISHI_CLAIMS_URL...).
            **{f"JISHI_{s.env_prefix}_URL": self.url(s.name) for s in self.specs if s is not CONSOLE},
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def migrate(self) -> None:
        """Migrate every service's database to head, in parallel (``start`` also migrates each service as it
        starts it; this is for migrating without serving)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        running = {
            s.name: subprocess.Popen([sys.executable, "-m", s.module, "migrate"], env=self.env(s),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=die_with_parent())
            for s in self.specs
        }
        failed = []
        for name, process in running.items():
            output, _ = process.communicate(timeout=180)
            (self.log_dir / f"{name}.migrate.log").write_bytes(output)
            if process.returncode != 0:
                failed.append(f"{name}:\n{output.decode(errors='replace')[-3000:]}")
        if failed:
            raise RuntimeError("migrations failed:\n" + "\n".join(failed))

    def start(self, names: list[str] | None = None, *, timeout: float = 90) -> None:
        for spec in self.specs:
            if names is None or spec.name in names:
                self._spawn(spec)
        self.wait_ready(names, timeout=timeout)

    def _spawn(self, spec: ServiceSpec) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(
            # --migrate: one interpreter start per service instead of two (imports cost seconds here).
            [sys.executable, "-m", spec.module, "serve", "--migrate"], env=self.env(spec), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent(),
        )
        self.processes[spec.name] = process
        colour = _COLOURS[self.specs.index(spec) % len(_COLOURS)]
        log = open(self.log_dir / f"{spec.name}.log", "ab")
        threading.Thread(target=_pump, args=(process.stdout, log, spec.name, colour, self.echo), daemon=True).start()

    def wait_ready(self, names: list[str] | None = None, *, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        pending = [s.name for s in self.specs if names is None or s.name in names]
        with httpx.Client(timeout=2) as client:
            while pending:
                name = pending[0]
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {self.log_dir / name}.log")
                try:
                    if client.get(f"{self.url(name)}/health/ready").status_code == 200:
                        pending.pop(0)
                        continue
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} was not ready after {timeout:.0f}s; see {self.log_dir / name}.log")
                time.sleep(0.2)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        process.send_signal(sig)
        process.wait(30)

    def restart(self, name: str) -> None:
        spec = next(s for s in self.specs if s.name == name)
        self._spawn(spec)
        self.wait_ready([name])

    def stop(self) -> None:
        """SIGTERM to every service at once (each drains and exits within its grace period), then wait."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            stop(process, signal.SIGTERM, timeout=25)


def _pump(stream: IO[bytes] | None, log: IO[bytes], name: str, colour: str, echo: bool) -> None:
    assert stream is not None
    prefix = f"\x1b[{colour}m{name:>14} |\x1b[0m " if sys.stdout.isatty() else f"{name:>14} | "
    for raw in iter(stream.readline, b""):
        log.write(raw)
        log.flush()
        if echo:
            sys.stdout.write(prefix + raw.decode(errors="replace"))
            sys.stdout.flush()
    log.close()
