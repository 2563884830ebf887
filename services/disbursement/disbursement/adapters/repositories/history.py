"""The month's history as the what-if simulator reads it: read only, in chunks, never a write."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.domain.whatif import HistoricRecord

CHUNK = 20_000


async def read_only(session: AsyncSession) -> None:
    """Make the session's transaction refuse any write: the simulator must leave the live books as they are."""
    await session.execute(text("SET TRANSACTION READ ONLY"))


async def month_records(session: AsyncSession, admdvs: str, start: date, end: date) -> AsyncIterator[list[HistoricRecord]]:
    """The region's live settlements of the month (recorded, not reversed), a chunk at a time."""
    result = await session.stream(text("""
        SELECT fixmedins_code, insutype, med_type, business_date, fund_pay_sumamt,
               coalesce(acct_pay, 0) - coalesce(acct_mulaid_pay, 0), audit_status, coalesce(vola_amt, 0)
        FROM intake
        WHERE admdvs = :admdvs AND business_date BETWEEN :start AND :end AND recorded_at IS NOT NULL
          AND reversed_at IS NULL AND insutype IS NOT NULL"""), {"admdvs": admdvs, "start": start, "end": end})
    async for rows in result.partitions(CHUNK):
        yield [HistoricRecord(*row) for row in rows]
