"""The database itself keeps the books right (N art.19): at commit it refuses an entry booked in a closed
period or with a leg in another period than its entry, and it refuses any edit of history."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

ENTRY = ("INSERT INTO journal_entries (entry_id, source_event_id, source_type, fund, period, entry_date, memo, "
         "posted_at) VALUES ($1, $2, 'test', '310', $3, '2025-09-02', 'x', now())")
LEGS = ("INSERT INTO postings (entry_id, account_code, side, amount, fund, period) VALUES "
        "($1, '1004', 'D', 10.00, '310', $2), ($1, '1003', 'C', 10.00, '310', $3)")


async def post(db: asyncpg.Connection, period: str, leg_periods: tuple[str, str] | None = None) -> uuid.UUID:
    entry = uuid.uuid4()
    async with db.transaction():
        await db.execute(ENTRY, entry, uuid.uuid4(), period)
        await db.execute(LEGS, entry, *(leg_periods or (period, period)))
    return entry


async def test_an_entry_in_a_closed_period_is_refused_at_commit(db: asyncpg.Connection) -> None:  # N art.19
    await db.execute("INSERT INTO closed_periods VALUES ('2025-08', now(), 'test', 'settled and paid')")
    with pytest.raises(asyncpg.CheckViolationError, match="period 2025-08 is closed"):
        await post(db, "2025-08")
    await post(db, "2025-09")
    assert await db.fetchval("SELECT array_agg(DISTINCT period) FROM journal_entries") == ["2025-09"]


async def test_closing_a_period_while_an_entry_is_in_flight_refuses_that_entry(db: asyncpg.Connection,
                                                                               settings) -> None:  # type: ignore[no-untyped-def]
    """The check runs at commit, not when the row is written: a month closed meanwhile is seen."""
    other = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        entry = uuid.uuid4()
        transaction = db.transaction()
        await transaction.start()
        await db.execute(ENTRY, entry, uuid.uuid4(), "2025-07")
        await db.execute(LEGS, entry, "2025-07", "2025-07")
        await other.execute("INSERT INTO closed_periods VALUES ('2025-07', now(), 'test', 'closed meanwhile')")
        with pytest.raises(asyncpg.CheckViolationError, match="closed"):
            await transaction.commit()
    finally:
        await other.close()


async def test_a_leg_in_another_period_than_its_entry_is_refused(db: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.CheckViolationError, match="another fund or period"):
        await post(db, "2025-09", ("2025-09", "2025-10"))


@pytest.mark.parametrize("statement", [
    "UPDATE postings SET amount = 11.00",
    "DELETE FROM postings",
    "UPDATE journal_entries SET memo = 'edited'",
    "DELETE FROM journal_entries",
    "TRUNCATE postings CASCADE",
    "DELETE FROM closed_periods",
])
async def test_history_is_never_edited(db: asyncpg.Connection, statement: str) -> None:  # N art.19
    await db.execute("INSERT INTO closed_periods VALUES ('2025-01', now(), 'test', 'x')")
    await post(db, "2025-09")
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="is history"):
        await db.execute(statement)
    assert await db.fetchval("SELECT sum(amount) FROM postings") == 20
