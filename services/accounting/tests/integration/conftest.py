"""Accounting's integration fixtures: its own database, migrated; events handed to the handlers the way the
idempotent consumer does (one unit of work a batch)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from accounting.consumers import subscriptions
from accounting.service.uow import AccountingUnitOfWork
from accounting.settings import AccountingSettings
from launcher.testing import Infra, migrate, settings_for
from shared.db import make_engine, make_sessionmaker
from shared.messaging.envelope import Envelope, Event


@pytest.fixture
async def settings(infra: Infra, prefix: str) -> AccountingSettings:
    settings = settings_for(AccountingSettings, infra, prefix)
    await migrate("accounting", settings)
    return settings


@pytest.fixture
async def db(settings: AccountingSettings) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    yield conn
    await conn.close()


Uow = Callable[[], AccountingUnitOfWork]
Deliver = Callable[..., Awaitable[None]]


@pytest.fixture
async def uow(settings: AccountingSettings) -> AsyncIterator[Uow]:
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    yield lambda: AccountingUnitOfWork(sessions)
    await engine.dispose()


@pytest.fixture
def deliver(uow: Uow) -> Deliver:
    """Hand payloads to accounting's handlers as one consumer batch: one transaction, handlers in their order."""

    async def deliver(*payloads: Any) -> None:
        by_type = {s.topic.payload: s for s in subscriptions}
        async with uow() as unit:
            for subscription in subscriptions:
                batch = [Event(Envelope.wrap(subscription.topic, p), p) for p in payloads
                         if by_type[type(p)] is subscription]
                if batch:
                    await subscription.handle(batch, unit)
            await unit.commit()

    return deliver
