from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounting.adapters.tables import JournalEntry, Posting
from accounting.domain.entries import Entry


class Ledger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def post(self, entry: Entry, *, source_event_id: uuid.UUID, source_type: str) -> bool:
        """Write the entry once per source event; False if that event was posted already."""
        entry_id = uuid.uuid5(source_event_id, "entry")
        statement = insert(JournalEntry).values(
            entry_id=entry_id, source_event_id=source_event_id, source_type=source_type, fund=entry.fund,
            period=entry.period, entry_date=entry.entry_date, memo=entry.memo, posted_at=datetime.now(UTC),
        ).on_conflict_do_nothing(index_elements=["source_event_id"]).returning(JournalEntry.entry_id)
        if (await self._session.execute(statement)).first() is None:
            return False
        await self._session.execute(insert(Posting), [
            {"entry_id": entry_id, "account_code": leg.account, "side": leg.side, "amount": leg.amount,
             "fund": entry.fund, "period": entry.period, "fixmedins_code": leg.fixmedins_code,
             "aux_period": leg.aux_period}
            for leg in entry.legs
        ])
        return True

    async def balances(self, *, period: str | None, fund: str | None) -> Sequence[tuple[str, str, Decimal, Decimal]]:
        """(account, fund, debits, credits), for one period or everything posted up to it."""
        debit = func.coalesce(func.sum(case((Posting.side == "D", Posting.amount), else_=0)), 0)
        credit = func.coalesce(func.sum(case((Posting.side == "C", Posting.amount), else_=0)), 0)
        statement = select(Posting.account_code, Posting.fund, debit, credit).group_by(
            Posting.account_code, Posting.fund).order_by(Posting.fund, Posting.account_code)
        if period is not None:
            statement = statement.where(Posting.period <= period)
        if fund is not None:
            statement = statement.where(Posting.fund == fund)
        return [tuple(row) for row in await self._session.execute(statement)]  # type: ignore[misc]
