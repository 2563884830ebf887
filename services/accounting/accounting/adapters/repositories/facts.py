"""What accounting heard of the business: lines, payments (order, batches, the bank's answer) and the
monthly settlements. Each event fills in its part of a row, in whichever order the events arrive."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounting.adapters.tables import LineFact, PaymentFact, SettlementFact
from shared.bulk import upsert_rows

#: (fixmedins_code, insutype, period): one institution's month in one fund.
Month = tuple[str, str, str]


class Facts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_lines(self, rows: Sequence[dict[str, Any]]) -> None:
        """The latest publication of each line wins: a line that moved to a later batch counts there only."""
        await upsert_rows(self._session, LineFact.__table__, rows, keys=["line_id"],  # type: ignore[attr-defined]
                          update=["batch_date", "amount"])

    async def ordered_months(self, lines: Iterable[tuple[str, str, str, date | None]]) -> set[Month]:
        """Of these (institution, fund, month, batch) the months whose batch an order already named: a line
        arriving there changes the check; a line of a batch not yet run does not."""
        wanted: dict[Month, set[date]] = defaultdict(set)
        for code, insutype, period, batch in lines:
            if batch is not None:
                wanted[(code, insutype, period)].add(batch)
        if not wanted:
            return set()
        statement = select(PaymentFact.fixmedins_code, PaymentFact.insutype, PaymentFact.period,
                           PaymentFact.batch_dates).where(
            tuple_(PaymentFact.fixmedins_code, PaymentFact.insutype, PaymentFact.period).in_(list(wanted)),
            PaymentFact.batch_dates.is_not(None))  # type: ignore[union-attr]
        return {(c, i, p) for c, i, p, batches in await self._session.execute(statement)
                if wanted[(c, i, p)] & set(batches or [])}

    async def merge_payments(self, rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> None:
        """Write ``fields`` of each payment, creating its row if this is the first word of it."""
        merged: dict[uuid.UUID, dict[str, Any]] = {}
        for row in rows:
            merged.setdefault(row["payment_id"], {}).update(row)
        if not merged:
            return
        statement = insert(PaymentFact)
        set_: dict[str, Any] = {field: getattr(statement.excluded, field) for field in fields}
        set_["admdvs"] = func.coalesce(PaymentFact.admdvs, statement.excluded.admdvs)
        await self._session.execute(statement.on_conflict_do_update(index_elements=["payment_id"], set_=set_),
                                    list(merged.values()))

    async def add_settlements(self, rows: Sequence[dict[str, Any]]) -> set[Month]:
        """Record settlement lines; the months recorded now (a line seen before is not again)."""
        if not rows:
            return set()
        statement = insert(SettlementFact).on_conflict_do_nothing().returning(
            SettlementFact.fixmedins_code, SettlementFact.insutype, SettlementFact.period)
        return {tuple(r) for r in await self._session.execute(statement, list(rows))}  # type: ignore[misc]

    async def owed_back(self, fixmedins_code: str, insutype: str, before: str) -> dict[str, Decimal]:
        """Earlier months of the institution and fund whose negative net no later settlement netted yet."""
        statement = select(SettlementFact.period, SettlementFact.carried_forward).where(
            SettlementFact.fixmedins_code == fixmedins_code, SettlementFact.insutype == insutype,
            SettlementFact.period < before, SettlementFact.carried_forward < 0,
            SettlementFact.carried_into.is_(None))  # type: ignore[union-attr]
        return {period: -amount for period, amount in await self._session.execute(statement)}

    async def mark_carried(self, fixmedins_code: str, insutype: str, periods: Iterable[str], into: str) -> None:
        await self._session.execute(update(SettlementFact).where(
            SettlementFact.fixmedins_code == fixmedins_code, SettlementFact.insutype == insutype,
            SettlementFact.period.in_(list(periods))).values(carried_into=into))  # type: ignore[attr-defined]

    async def mark_cleared(self, fixmedins_code: str, insutype: str, periods: Iterable[str],
                           by: uuid.UUID) -> None:
        """The special-cases payments of these months: their prepaid shares are cleared by ``by`` (N art.16)."""
        await self._session.execute(update(PaymentFact).where(
            PaymentFact.fixmedins_code == fixmedins_code, PaymentFact.insutype == insutype,
            PaymentFact.run_type == "special-cases", PaymentFact.period.in_(list(periods)),  # type: ignore[attr-defined]
            PaymentFact.cleared_by.is_(None)).values(cleared_by=by))  # type: ignore[union-attr]

    async def clearing_of(self, fixmedins_code: str, insutype: str, period: str) -> tuple[uuid.UUID, str] | None:
        """The annual clearing that already cleared ``period`` of the institution and fund — carried its
        negative net or its special cases' prepaid shares — if one was heard of: (its payment, its year)."""
        statement = select(PaymentFact.payment_id, PaymentFact.clears).where(
            PaymentFact.fixmedins_code == fixmedins_code, PaymentFact.insutype == insutype,
            PaymentFact.run_type == "annual-clearing", PaymentFact.clears.is_not(None))  # type: ignore[union-attr]
        for payment_id, clears in await self._session.execute(statement):
            if period in clears.get("carried_from", {}) or period in clears.get("special_cases_prepaid", {}):
                return payment_id, str(clears["year"])
        return None

    async def payments_of(self, months: Iterable[Month]) -> list[PaymentFact]:
        keys = list(set(months))
        if not keys:
            return []
        statement = select(PaymentFact).where(
            tuple_(PaymentFact.fixmedins_code, PaymentFact.insutype, PaymentFact.period).in_(keys))
        return list((await self._session.execute(statement)).scalars())

    async def settlements_of(self, months: Iterable[Month]) -> dict[Month, SettlementFact]:
        keys = list(set(months))
        if not keys:
            return {}
        statement = select(SettlementFact).where(
            tuple_(SettlementFact.fixmedins_code, SettlementFact.insutype, SettlementFact.period).in_(keys))
        return {(s.fixmedins_code, s.insutype, s.period): s for s in (await self._session.execute(statement)).scalars()}

    async def line_sums(self, months: Iterable[Month]) -> dict[tuple[str, str, str, date], Decimal]:
        """(institution, fund, month, batch) → the sum of its lines."""
        keys = list(set(months))
        if not keys:
            return {}
        statement = (select(LineFact.fixmedins_code, LineFact.insutype, LineFact.period, LineFact.batch_date,
                            func.sum(LineFact.amount))
                     .where(tuple_(LineFact.fixmedins_code, LineFact.insutype, LineFact.period).in_(keys),
                            LineFact.batch_date.is_not(None))  # type: ignore[union-attr]
                     .group_by(LineFact.fixmedins_code, LineFact.insutype, LineFact.period, LineFact.batch_date))
        return {(c, i, p, b): Decimal(s) for c, i, p, b, s in await self._session.execute(statement)}

    async def regions_of_lines(self, months: Iterable[Month]) -> dict[Month, str]:
        keys = list(set(months))
        if not keys:
            return {}
        statement = select(LineFact.fixmedins_code, LineFact.insutype, LineFact.period, func.min(LineFact.admdvs)) \
            .where(tuple_(LineFact.fixmedins_code, LineFact.insutype, LineFact.period).in_(keys)) \
            .group_by(LineFact.fixmedins_code, LineFact.insutype, LineFact.period)
        return {(c, i, p): a for c, i, p, a in await self._session.execute(statement)}

    async def months_of_region(self, admdvs: str, period: str) -> set[Month]:
        statement = select(PaymentFact.fixmedins_code, PaymentFact.insutype, PaymentFact.period).where(
            PaymentFact.admdvs == admdvs, PaymentFact.period == period).distinct()
        settled = select(SettlementFact.fixmedins_code, SettlementFact.insutype, SettlementFact.period).where(
            SettlementFact.admdvs == admdvs, SettlementFact.period == period)
        return {tuple(r) for r in await self._session.execute(statement.union(settled))}  # type: ignore[misc]

    async def unsettled_or_unpaid(self, period: str) -> list[str]:
        """Why ``period`` cannot close yet: each month paid something but not settled, or settled but its
        net not yet confirmed by the bank."""
        reasons: list[str] = []
        paid = select(PaymentFact.fixmedins_code, PaymentFact.insutype).where(
            PaymentFact.period == period, PaymentFact.run_type != "monthly-settlement").distinct()
        settled = {(s.fixmedins_code, s.insutype): s for s in (await self._session.execute(
            select(SettlementFact).where(SettlementFact.period == period))).scalars()}
        for code, insutype in await self._session.execute(paid):
            if (code, insutype) not in settled:
                reasons.append(f"{code}/{insutype}: {period} not settled")
        waiting = [s.payment_id for s in settled.values() if s.payment_id is not None]
        if waiting:
            confirmed = set((await self._session.execute(select(PaymentFact.payment_id).where(
                PaymentFact.payment_id.in_(waiting),  # type: ignore[attr-defined]
                PaymentFact.bank_status == "confirmed"))).scalars())
            reasons += [f"{s.fixmedins_code}/{s.insutype}: the settlement's net is not paid yet"
                        for s in settled.values() if s.payment_id is not None and s.payment_id not in confirmed]
        if not settled:
            reasons.append(f"no settlement of {period} known")
        return reasons
