"""The console's fixtures: the whole system with the console as real processes on free ports, its operator
accounts (launcher.console_logins), a signed-in HTTP client per person, and Debian's Chromium for the browser
suite. Screenshots and accessibility results are kept under .run/artefacts/console."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from launcher.console_logins import Login, ensure_logins
from launcher.environment import ensure_topics
from launcher.procs import free_port
from launcher.stack import WITH_CONSOLE, Stack
from launcher.testing import OPERATOR_TOKEN, Infra
from launcher.tools import ROOT

ARTEFACTS = ROOT / ".run" / "artefacts" / "console"


@dataclass
class Console:
    stack: Stack
    logins: dict[str, Login]

    @property
    def url(self) -> str:
        return self.stack.url("console")

    async def signed_in(self, client: httpx.AsyncClient, username: str, password: str) -> None:
        """Sign ``client`` in through the login form, as a browser would."""
        page = await client.get(f"{self.url}/login")
        response = await client.post(f"{self.url}/login", data={
            "csrf_token": csrf_of(page.text), "username": username, "password": password, "next": "/"})
        assert response.status_code == 303, response.text

    @asynccontextmanager
    async def as_(self, role: str) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client signed in as the demo person of ``role``."""
        async with httpx.AsyncClient(timeout=60) as client:
            login = self.logins[role]
            await self.signed_in(client, login.username, login.password)
            yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture(scope="module")
def console(infra: Infra) -> Iterator[Console]:
    name = f"c{random.getrandbits(40):010x}"
    ensure_topics(infra.kafka_bootstrap, prefix=f"{name}.", partitions=4)
    extra = {f"{s.env_prefix}_DATABASE_NAME": f"{name}_{s.name.replace('-', '_')}" for s in WITH_CONSOLE}
    stack = Stack(database_url=infra.database_url, kafka_bootstrap=infra.kafka_bootstrap,
                  operator_token=OPERATOR_TOKEN, ports={s.name: free_port() for s in WITH_CONSOLE},
                  log_dir=infra.run_dir / name / "logs", topic_prefix=f"{name}.", echo=False, extra_env=extra,
                  specs=list(WITH_CONSOLE))
    try:
        stack.start()
        yield Console(stack, ensure_logins(stack, infra.run_dir / name))
    finally:
        stack.stop()


@pytest.fixture
async def http(console: Console) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60) as client:
        yield client


@pytest.fixture
def region() -> str:
    return f"{random.randint(100000, 999999)}"


def artefact(name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name
