from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from audit.adapters.tables import AuditOutcome, DailyCharge
from audit.domain.rules import ChargeHistory


class Outcomes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
        """Insert outcomes not recorded yet; returns the (fixmedins_code, setl_id) inserted."""
        if not rows:
            return set()
        statement = (insert(AuditOutcome).on_conflict_do_nothing()
                     .returning(AuditOutcome.fixmedins_code, AuditOutcome.setl_id))
        return {(r.fixmedins_code, r.setl_id) for r in await self._session.execute(statement, rows)}


class Charges:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_persons(self, psn_nos: Iterable[str]) -> None:
        """Serialise audits of the same person across consumer instances, so two records of one person
        processed at once still see each other (a duplicate is never missed by a race). Sorted: no deadlock."""
        keys = sorted({zlib.crc32(p.encode()) for p in psn_nos})
        if keys:
            await self._session.execute(
                text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"),
                {"keys": keys},
            )

    async def history(self, person_days: Iterable[tuple[str, date]]) -> ChargeHistory:
        keys = list(set(person_days))
        history = ChargeHistory()
        if not keys:
            return history
        statement = (
            select(DailyCharge.psn_no, DailyCharge.med_list_codg, DailyCharge.fee_date, func.sum(DailyCharge.cnt))
            .where(tuple_(DailyCharge.psn_no, DailyCharge.fee_date).in_(keys))
            .group_by(DailyCharge.psn_no, DailyCharge.med_list_codg, DailyCharge.fee_date)
        )
        for psn_no, code, day, quantity in await self._session.execute(statement):
            history.quantities[(psn_no, code, day)] = quantity
        return history

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(DailyCharge).on_conflict_do_nothing(), rows)
