"""Claims' repositories for what institutions do after uploading: cancel, declare, reconcile, read statements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from claims.adapters.tables import Declaration, RegionDeadline, Reversal, ViewDeduction, ViewMonth, ViewPayment
from shared.money import ZERO


class Reversals:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, fixmedins_code: str, setl_id: str, reason: str, reversed_at: datetime,
                  recorded_at: datetime) -> bool:
        """False when the settlement was cancelled before (the first cancellation stands)."""
        statement = insert(Reversal).values(fixmedins_code=fixmedins_code, setl_id=setl_id, reason=reason,
                                            reversed_at=reversed_at, recorded_at=recorded_at)
        statement = statement.on_conflict_do_nothing().returning(Reversal.setl_id)
        return (await self._session.execute(statement)).first() is not None

    async def get(self, fixmedins_code: str, setl_id: str) -> Reversal | None:
        return await self._session.get(Reversal, (fixmedins_code, setl_id))


class Declarations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, fixmedins_code: str, period: str) -> Declaration | None:
        statement = select(Declaration).where(Declaration.fixmedins_code == fixmedins_code,
                                              Declaration.period == period)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def add(self, declaration: Declaration) -> bool:
        statement = insert(Declaration).values(**declaration.model_dump()).on_conflict_do_nothing(
            index_elements=["fixmedins_code", "period"]).returning(Declaration.declaration_id)
        return (await self._session.execute(statement)).first() is not None

    async def deadline_day(self, admdvs: str, first_day: date) -> int | None:
        """The region's declaration deadline (day of the following month) in force for a month."""
        statement = (select(RegionDeadline.declaration_deadline_day)
                     .where(RegionDeadline.admdvs == admdvs, RegionDeadline.effective_from <= first_day)
                     .order_by(RegionDeadline.version.desc()).limit(1))  # type: ignore[attr-defined]
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def accepted_insutypes(self, admdvs: str) -> list[tuple[date, list[str] | None]]:
        """(effective_from, insutypes) of each version of the region's policy, newest version first."""
        statement = (select(RegionDeadline.effective_from, RegionDeadline.insutypes)
                     .where(RegionDeadline.admdvs == admdvs)
                     .order_by(RegionDeadline.version.desc()))  # type: ignore[attr-defined]
        return [(d, i) for d, i in (await self._session.execute(statement)).all()]

    async def set_deadlines(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(RegionDeadline).on_conflict_do_nothing(), rows)


class Totals:
    """What claims recorded, summed the way institutions declare and reconcile it."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_fund(self, fixmedins_code: str, start: date, end: date) -> dict[str, dict[str, Any]]:
        """Live (not cancelled) settlements per fund between two business dates: records and sums."""
        rows = await self._session.execute(text(
            "SELECT s.insutype, count(*), sum(s.medfee_sumamt), sum(s.fund_pay_sumamt) FROM settlements s "
            "LEFT JOIN reversals r ON r.fixmedins_code = s.fixmedins_code AND r.setl_id = s.setl_id "
            "WHERE s.fixmedins_code = :code AND s.business_date BETWEEN :start AND :end AND r.setl_id IS NULL "
            "GROUP BY s.insutype"), {"code": fixmedins_code, "start": start, "end": end})
        return {insutype: {"records": count, "medfee_sumamt": medfee, "fund_pay_sumamt": fund}
                for insutype, count, medfee, fund in rows}

    async def records(self, fixmedins_code: str, start: date, end: date) -> dict[str, tuple[str, Decimal, Decimal]]:
        """Live settlements between two dates: setl_id → (insutype, medfee_sumamt, fund_pay_sumamt)."""
        rows = await self._session.execute(text(
            "SELECT s.setl_id, s.insutype, s.medfee_sumamt, s.fund_pay_sumamt FROM settlements s "
            "LEFT JOIN reversals r ON r.fixmedins_code = s.fixmedins_code AND r.setl_id = s.setl_id "
            "WHERE s.fixmedins_code = :code AND s.business_date BETWEEN :start AND :end AND r.setl_id IS NULL"),
            {"code": fixmedins_code, "start": start, "end": end})
        return {setl_id: (insutype, medfee, fund) for setl_id, insutype, medfee, fund in rows}

    async def reversed(self, fixmedins_code: str, start: date, end: date) -> set[str]:
        """Settlements between two dates that were cancelled (结算撤销)."""
        rows = await self._session.execute(text(
            "SELECT s.setl_id FROM settlements s JOIN reversals r "
            "ON r.fixmedins_code = s.fixmedins_code AND r.setl_id = s.setl_id "
            "WHERE s.fixmedins_code = :code AND s.business_date BETWEEN :start AND :end"),
            {"code": fixmedins_code, "start": start, "end": end})
        return set(rows.scalars())


class Statements:
    """The pieces of an institution's monthly statement, from what the other services published."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def settled(self, fixmedins_code: str, period: str) -> dict[str, tuple[dict[str, Any], datetime]]:
        """Per fund, the figures the monthly settlement fixed and when (plain values: read after the session)."""
        statement = select(ViewMonth.insutype, ViewMonth.figures, ViewMonth.settled_at).where(
            ViewMonth.fixmedins_code == fixmedins_code, ViewMonth.period == period)
        return {insutype: (figures, settled_at) for insutype, figures, settled_at in await self._session.execute(statement)}

    async def deductions(self, fixmedins_code: str, period: str) -> dict[str, Decimal]:
        statement = select(ViewDeduction.insutype, ViewDeduction.amount).where(
            ViewDeduction.fixmedins_code == fixmedins_code, ViewDeduction.period == period)
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for insutype, amount in await self._session.execute(statement):
            totals[insutype] += amount
        return totals

    async def paid(self, fixmedins_code: str, period: str) -> dict[str, Decimal]:
        statement = select(ViewPayment.insutype, ViewPayment.amount).where(
            ViewPayment.fixmedins_code == fixmedins_code, ViewPayment.period == period,
            ViewPayment.status == "paid")
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for insutype, amount in await self._session.execute(statement):
            if insutype is not None and amount is not None:
                totals[insutype] += amount
        return totals



