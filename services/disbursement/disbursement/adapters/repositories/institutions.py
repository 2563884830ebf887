from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Enrollment, EnrollmentEvent, Institution
from shared.contracts.events import BankAccount


@dataclass(frozen=True)
class Payee:
    fixmedins_code: str
    admdvs: str
    bank_acct: BankAccount
    hosp_lv: str | None = None
    fixmedins_type: str | None = None


class Institutions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_latest(self, rows: list[dict[str, Any]]) -> None:
        """Keep the highest version of each institution, whatever order the versions arrive in."""
        if not rows:
            return
        statement = insert(Institution)
        statement = statement.on_conflict_do_update(
            index_elements=["fixmedins_code"],
            set_={c: statement.excluded[c] for c in rows[0] if c != "fixmedins_code"},
            where=Institution.version < statement.excluded.version,
        )
        await self._session.execute(statement, rows)

    async def known_token(self, token_hash: str) -> bool:
        statement = select(Institution.fixmedins_code).where(Institution.token_hash == token_hash).limit(1)
        return (await self._session.execute(statement)).first() is not None

    async def payees(self, codes: Iterable[str]) -> dict[str, Payee]:
        wanted = list(set(codes))
        if not wanted:
            return {}
        statement = select(Institution).where(Institution.fixmedins_code.in_(wanted))  # type: ignore[attr-defined]
        return {
            r.fixmedins_code: Payee(r.fixmedins_code, r.admdvs, BankAccount.model_validate(r.bank_acct), r.hosp_lv,
                                    r.fixmedins_type)
            for r in (await self._session.execute(statement)).scalars()
        }


@dataclass(frozen=True)
class EnrollmentState:
    fixmedins_code: str
    admdvs: str
    state: str
    paths: list[str] | None
    since: datetime

    def pays_by(self, path: str) -> bool:
        return self.state == "enrolled" and (self.paths is None or path in self.paths)


class Enrollments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, fixmedins_code: str, *, for_update: bool = False) -> EnrollmentState | None:
        statement = select(Enrollment).where(Enrollment.fixmedins_code == fixmedins_code)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).scalar_one_or_none()
        return _state(row) if row else None

    async def of_region(self, admdvs: str) -> dict[str, EnrollmentState]:
        statement = select(Enrollment).where(Enrollment.admdvs == admdvs)
        return {r.fixmedins_code: _state(r) for r in (await self._session.execute(statement)).scalars()}

    async def record(self, *, fixmedins_code: str, admdvs: str, action: str, state: str, paths: list[str] | None,
                     reason: str, effective_at: datetime, recorded_at: datetime,
                     criteria: dict[str, Any] | None) -> None:
        statement = insert(Enrollment).values(fixmedins_code=fixmedins_code, admdvs=admdvs, state=state,
                                              paths=paths, since=effective_at)
        statement = statement.on_conflict_do_update(
            index_elements=["fixmedins_code"],
            set_={"state": state, "admdvs": admdvs, "paths": statement.excluded.paths, "since": effective_at},
        )
        await self._session.execute(statement)
        self._session.add(EnrollmentEvent(fixmedins_code=fixmedins_code, action=action, state=state, reason=reason,
                                          effective_at=effective_at, recorded_at=recorded_at, criteria=criteria))

    async def history(self, fixmedins_code: str) -> list[EnrollmentEvent]:
        statement = select(EnrollmentEvent).where(EnrollmentEvent.fixmedins_code == fixmedins_code).order_by(
            EnrollmentEvent.id)  # type: ignore[arg-type]
        return list((await self._session.execute(statement)).scalars())


def _state(row: Enrollment) -> EnrollmentState:
    return EnrollmentState(row.fixmedins_code, row.admdvs, row.state, row.paths, row.since)
