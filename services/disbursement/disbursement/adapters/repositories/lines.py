from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, Uuid, any_, cast, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Line
from shared.bulk import insert_rows


@dataclass(frozen=True)
class ClaimedGroup:
    """A batch's lines for one institution, fund and month, summed by the database."""

    fixmedins_code: str
    insutype: str
    period: str
    records: int
    amount: Decimal


class Lines:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_batches(self, regions: Iterable[str], *, exclusive: bool) -> None:
        """Lines join open batches under a shared lock; a run closes its batch under the exclusive one, so no
        line can join a batch while (or after) its run sums it."""
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        for key in sorted({zlib.crc32(f"batches:{region}".encode()) for region in regions}):
            await self._session.execute(text(f"SELECT {function}(:k)"), {"k": key})

    async def closed_batches(self, regions: Iterable[str], since: date) -> dict[str, set[date]]:
        rows = await self._session.execute(text(
            "SELECT admdvs, batch_date FROM batches WHERE admdvs = ANY(:regions) AND batch_date >= :since "
            "AND run_id IS NOT NULL"
        ), {"regions": list(set(regions)), "since": since})
        closed: dict[str, set[date]] = {}
        for admdvs, batch_date in rows:
            closed.setdefault(admdvs, set()).add(batch_date)
        return closed

    async def open_batches(self, admdvs: str, through: date) -> list[date]:
        """The region's batches not run yet up to ``through``: a run closes its own and any earlier one whose
        day was never run, so no line is left behind."""
        rows = await self._session.execute(text(
            "SELECT batch_date FROM batches WHERE admdvs = :admdvs AND run_id IS NULL AND batch_date <= :through "
            "ORDER BY batch_date"), {"admdvs": admdvs, "through": through})
        return [row[0] for row in rows]

    async def close_batches(self, admdvs: str, batch_dates: list[date], run_id: uuid.UUID, at: datetime) -> None:
        await self._session.execute(text(
            "INSERT INTO batches (admdvs, batch_date, run_id, closed_at) SELECT :admdvs, d, :run, :at "
            "FROM unnest(CAST(:dates AS date[])) AS d ON CONFLICT (admdvs, batch_date) DO UPDATE "
            "SET run_id = excluded.run_id, closed_at = excluded.closed_at WHERE batches.run_id IS NULL"
        ), {"admdvs": admdvs, "dates": batch_dates, "run": run_id, "at": at})

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await insert_rows(self._session, Line.__table__, rows)  # type: ignore[arg-type]
            batches = {(row["admdvs"], row["batch_date"]) for row in rows if row.get("batch_date") is not None}
            await self._session.execute(text(
                "INSERT INTO batches (admdvs, batch_date) SELECT a, d FROM unnest(CAST(:a AS text[]), "
                "CAST(:d AS date[])) AS b(a, d) ON CONFLICT DO NOTHING"
            ), {"a": [a for a, _ in batches], "d": [d for _, d in batches]})

    async def of_settlement(self, fixmedins_code: str, setl_id: str) -> list[Line]:
        statement = select(Line).where(Line.fixmedins_code == fixmedins_code, Line.setl_id == setl_id)
        return list((await self._session.execute(statement)).scalars())

    async def batch(self, admdvs: str, batch_dates: list[date]) -> list[ClaimedGroup]:
        """The batches' lines, summed per institution, fund and month: a read, however many lines (each
        joined its batch when it was computed)."""
        if not batch_dates:
            return []
        rows = await self._session.execute(text(
            "SELECT fixmedins_code, insutype, period, count(*), sum(amount) FROM lines "
            "WHERE admdvs = :admdvs AND batch_date = ANY(CAST(:batches AS date[])) GROUP BY 1, 2, 3"
        ), {"admdvs": admdvs, "batches": batch_dates})
        return [ClaimedGroup(*row) for row in rows]

    async def move_batch(self, admdvs: str, batch_dates: list[date], keep: Iterable[str], to: date) -> list[Line]:
        """Lines of these batches whose institution is not paid now (suspended, N art.21) wait in a later one."""
        if not batch_dates:
            return []
        rows = await self._session.execute(text(
            "UPDATE lines SET batch_date = :to WHERE admdvs = :admdvs AND batch_date = ANY(CAST(:batches AS date[])) "
            "AND NOT (fixmedins_code = ANY(:keep)) RETURNING line_id"
        ), {"admdvs": admdvs, "batches": batch_dates, "keep": list(keep), "to": to})
        moved = await self._by_ids([row[0] for row in rows])
        if moved:
            await self._session.execute(text(
                "INSERT INTO batches (admdvs, batch_date) VALUES (:admdvs, :to) ON CONFLICT DO NOTHING"),
                {"admdvs": admdvs, "to": to})
        return moved

    async def close_for_settlement(self, run_id: uuid.UUID) -> tuple[dict[tuple[str, str], Decimal], list[Line]]:
        """For the records a monthly settlement takes in: what daily batches already paid (their batch's run
        was made) per institution and fund, and the lines that were still waiting — taken in by the
        settlement now, never to be paid on their own."""
        paid = await self._session.execute(text(
            "SELECT l.fixmedins_code, l.insutype, sum(l.amount) FROM lines l "
            "JOIN intake i ON l.fixmedins_code = i.fixmedins_code AND l.setl_id = i.setl_id "
            "WHERE i.settled_run_id = :run AND EXISTS (SELECT 1 FROM batches b WHERE b.admdvs = l.admdvs "
            "AND b.batch_date = l.batch_date AND b.run_id IS NOT NULL) GROUP BY l.fixmedins_code, l.insutype"
        ), {"run": run_id})
        already = {(code, insutype): amount for code, insutype, amount in paid}
        moved = await self._session.execute(text(
            "UPDATE lines l SET batch_date = NULL FROM intake i WHERE i.settled_run_id = :run "
            "AND l.fixmedins_code = i.fixmedins_code AND l.setl_id = i.setl_id AND l.batch_date IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.admdvs = l.admdvs AND b.batch_date = l.batch_date "
            "AND b.run_id IS NOT NULL) RETURNING l.line_id"
        ), {"run": run_id})
        return already, await self._by_ids([row[0] for row in moved])

    async def _by_ids(self, ids: list[uuid.UUID]) -> list[Line]:
        if not ids:
            return []
        statement = select(Line).where(Line.line_id == any_(cast(ids, ARRAY(Uuid))))  # one array, any length
        return list((await self._session.execute(statement)).scalars())

    async def advanced(self, admdvs: str, period: str) -> dict[tuple[str, str], Decimal]:
        """What daily runs have paid of a month's lines so far, per institution and fund."""
        rows = await self._session.execute(text(
            "SELECT l.fixmedins_code, l.insutype, sum(l.amount) FROM lines l WHERE l.admdvs = :a AND l.period = :p "
            "AND EXISTS (SELECT 1 FROM batches b WHERE b.admdvs = l.admdvs AND b.batch_date = l.batch_date "
            "AND b.run_id IS NOT NULL) GROUP BY l.fixmedins_code, l.insutype"), {"a": admdvs, "p": period})
        return {(code, insutype): amount for code, insutype, amount in rows}
