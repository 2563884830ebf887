"""The console's repositories: operators, sessions, the trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from console.adapters.tables import ActionRecord, Operator, Session


@dataclass(frozen=True)
class Account:
    """An operator as the pages and the login need it: plain values, alive after the transaction."""

    username: str
    display_name: str
    password_hash: str
    roles: tuple[str, ...]
    active: bool
    created_by: str


def _account(row: Operator) -> Account:
    return Account(row.username, row.display_name, row.password_hash, tuple(row.roles), row.active, row.created_by)


@dataclass(frozen=True)
class TrailLine:
    id: int
    at: datetime
    username: str
    display_name: str
    action: str
    target: str
    outcome: str
    details: dict[str, Any]


class Operators:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, username: str) -> Account | None:
        row = await self._session.get(Operator, username)
        return _account(row) if row else None

    def add(self, operator: Operator) -> None:
        self._session.add(operator)

    async def all(self) -> list[Account]:
        rows = (await self._session.execute(select(Operator).order_by(Operator.username))).scalars()
        return [_account(row) for row in rows]

    async def count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(Operator)) or 0)


class Sessions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, row: Session) -> None:
        self._session.add(row)

    async def live(self, token_hash: str, now: datetime) -> tuple[str, Account] | None:
        """The session's CSRF token and its operator, while the session lasts and the operator is active."""
        statement = (select(Session.csrf_token, Operator).join(Operator, Operator.username == Session.username)
                     .where(Session.token_hash == token_hash, Session.expires_at > now, Operator.active))
        row = (await self._session.execute(statement)).first()
        return (row[0], _account(row[1])) if row else None

    async def end(self, token_hash: str) -> None:
        await self._session.execute(delete(Session).where(Session.token_hash == token_hash))

    async def end_all_of(self, username: str) -> None:
        await self._session.execute(delete(Session).where(Session.username == username))

    async def purge(self, now: datetime) -> None:
        await self._session.execute(delete(Session).where(Session.expires_at <= now))


class Trail:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, *, username: str, display_name: str, action: str, target: str, outcome: str,
            details: dict[str, Any], at: datetime) -> None:
        self._session.add(ActionRecord(username=username, display_name=display_name, action=action,
                                       target=target, outcome=outcome, details=details, at=at))

    async def page(self, *, username: str | None, limit: int, offset: int) -> tuple[list[TrailLine], int]:
        where = [ActionRecord.username == username] if username else []
        count = await self._session.scalar(select(func.count()).select_from(ActionRecord).where(*where))
        statement = (select(ActionRecord).where(*where).order_by(ActionRecord.id.desc())  # type: ignore[union-attr]
                     .limit(limit).offset(offset))
        rows = (await self._session.execute(statement)).scalars()
        return [TrailLine(r.id or 0, r.at, r.username, r.display_name, r.action, r.target, r.outcome, r.details)
                for r in rows], int(count or 0)
