"""The unit of work every service's own builds on: one session, one transaction, one outbox."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.messaging.outbox import Outbox


class UnitOfWork:
    """``async with uow:`` opens a transaction that is rolled back on exit unless ``await uow.commit()``.

    The outbox is flushed inside the same transaction as the state change, never after it. A service
    subclasses this and sets its repositories in ``_start``.
    """

    session: AsyncSession
    outbox: Outbox

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], correlation_id: str | None = None) -> None:
        self._sessionmaker = sessionmaker
        self._correlation_id = correlation_id

    async def __aenter__(self) -> Self:
        self.session = self._sessionmaker()
        await self.session.begin()
        self.outbox = Outbox(self.session, self._correlation_id)
        self._start()
        return self

    def _start(self) -> None:
        """Build the repositories over ``self.session``."""

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    async def flush(self) -> None:
        await self.outbox.flush()
        await self.session.flush()

    async def commit(self) -> None:
        await self.outbox.flush()
        await self.session.commit()
