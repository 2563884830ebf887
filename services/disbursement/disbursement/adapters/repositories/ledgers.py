"""What operators and other services add to the months: deductions, special cases, assessments, declarations."""

from __future__ import annotations

import uuid
import zlib
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import (
    Assessment,
    ConsistencyCheck,
    Declaration,
    Deduction,
    FundRequest,
    SpecialCase,
    SpecialCasePrepayment,
)
from shared.money import ZERO


class Deductions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(Deduction).on_conflict_do_nothing(), rows)

    async def apply(self, run_id: uuid.UUID, admdvs: str, through_period: str) -> dict[tuple[str, str], Decimal]:
        """Every unapplied deduction of the region up to this period, applied by this settlement once. An
        audit deduction on a settlement since cancelled deducts nothing: the cancellation took back all of it."""
        rows = await self._session.execute(text(
            "UPDATE deductions d SET applied_run_id = :run WHERE d.admdvs = :admdvs AND d.applied_run_id IS NULL "
            "AND d.period <= :period RETURNING d.fixmedins_code, d.insutype, d.amount, "
            "d.source <> 'reversal' AND EXISTS (SELECT 1 FROM intake i WHERE i.fixmedins_code = d.fixmedins_code "
            "AND i.setl_id = d.setl_id AND i.reversed_at IS NOT NULL) AS voided"
        ), {"run": run_id, "admdvs": admdvs, "period": through_period})
        totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for code, insutype, amount, voided in rows:
            if not voided:
                totals[(code, insutype)] += amount
        return totals

    async def applied_for(self, fixmedins_code: str, setl_id: str) -> Decimal:
        """The audit deductions already taken from what a settlement was paid."""
        statement = select(Deduction.amount).where(
            Deduction.fixmedins_code == fixmedins_code, Deduction.setl_id == setl_id,
            Deduction.applied_run_id.is_not(None), Deduction.source != "reversal")  # type: ignore[union-attr]
        return sum((amount for amount in (await self._session.execute(statement)).scalars()), ZERO)

    async def confirmed(self, admdvs: str, period: str) -> dict[tuple[str, str], Decimal]:
        """Deductions confirmed so far for a month's settlements, applied or not."""
        statement = select(Deduction.fixmedins_code, Deduction.insutype, Deduction.amount).where(
            Deduction.admdvs == admdvs, Deduction.period == period)
        totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for code, insutype, amount in await self._session.execute(statement):
            totals[(code, insutype)] += amount
        return totals


class SpecialCases:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, case: SpecialCase) -> None:
        self._session.add(case)

    async def get(self, case_id: uuid.UUID, *, for_update: bool = False) -> SpecialCase | None:
        return await self._session.get(SpecialCase, case_id, with_for_update=for_update)

    async def unpaid(self, admdvs: str, review_period: str) -> list[SpecialCase]:
        """The review period's cases settled on approval that no run has taken yet, pending ones included."""
        statement = select(SpecialCase).where(SpecialCase.admdvs == admdvs, SpecialCase.review_period == review_period,
                                              SpecialCase.clearing == "on_approval",
                                              SpecialCase.run_id.is_(None)).with_for_update()  # type: ignore[union-attr]
        return list((await self._session.execute(statement)).scalars())

    async def open_to_prepay(self, admdvs: str, period: str) -> list[SpecialCase]:
        """Cases of the year cleared at year end, reviewed by ``period`` and neither rejected nor cleared."""
        statement = select(SpecialCase).where(
            SpecialCase.admdvs == admdvs, SpecialCase.clearing == "year_end",
            SpecialCase.review_period.like(f"{period[:4]}-%"), SpecialCase.review_period <= period,  # type: ignore[attr-defined]
            SpecialCase.status != "rejected", SpecialCase.cleared_run_id.is_(None),  # type: ignore[union-attr]
        ).order_by(SpecialCase.created_at).with_for_update()
        return list((await self._session.execute(statement)).scalars())

    async def prepaid_periods(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
        if not case_ids:
            return {}
        rows = await self._session.execute(select(SpecialCasePrepayment.case_id, SpecialCasePrepayment.period).where(
            SpecialCasePrepayment.case_id.in_(case_ids)))  # type: ignore[attr-defined]
        out: dict[uuid.UUID, set[str]] = defaultdict(set)
        for case_id, period in rows:
            out[case_id].add(period)
        return out

    async def add_prepayments(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(SpecialCasePrepayment).on_conflict_do_nothing(), rows)

    async def prepayments_of(self, case_id: uuid.UUID) -> list[SpecialCasePrepayment]:
        statement = select(SpecialCasePrepayment).where(SpecialCasePrepayment.case_id == case_id).order_by(
            SpecialCasePrepayment.period)
        return list((await self._session.execute(statement)).scalars())

    async def prepayments_of_cases(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[SpecialCasePrepayment]]:
        if not case_ids:
            return {}
        statement = select(SpecialCasePrepayment).where(
            SpecialCasePrepayment.case_id.in_(case_ids)).order_by(SpecialCasePrepayment.period)  # type: ignore[attr-defined]
        out: dict[uuid.UUID, list[SpecialCasePrepayment]] = defaultdict(list)
        for row in (await self._session.execute(statement)).scalars():
            out[row.case_id].append(row)
        return out

    async def to_clear(self, admdvs: str, year: int) -> list[SpecialCase]:
        statement = select(SpecialCase).where(
            SpecialCase.admdvs == admdvs, SpecialCase.review_period.like(f"{year}-%"),  # type: ignore[attr-defined]
            SpecialCase.clearing == "year_end", SpecialCase.cleared_run_id.is_(None),  # type: ignore[union-attr]
        ).with_for_update()
        return list((await self._session.execute(statement)).scalars())

    async def listing(self, *, admdvs: str | None, fixmedins_code: str | None, status: str | None,
                      review_period: str | None, limit: int) -> list[SpecialCase]:
        statement = select(SpecialCase).order_by(SpecialCase.created_at.desc()).limit(limit)  # type: ignore[attr-defined]
        for column, value in ((SpecialCase.admdvs, admdvs), (SpecialCase.fixmedins_code, fixmedins_code),
                              (SpecialCase.status, status), (SpecialCase.review_period, review_period)):
            if value is not None:
                statement = statement.where(column == value)
        return list((await self._session.execute(statement)).scalars())


class Assessments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, row: dict[str, Any]) -> None:
        statement = insert(Assessment).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=["admdvs", "fixmedins_code", "insutype", "year"],
            set_={"adjustment": statement.excluded.adjustment, "note": statement.excluded.note,
                  "recorded_at": statement.excluded.recorded_at})
        await self._session.execute(statement)

    async def of_year(self, admdvs: str, year: int) -> dict[tuple[str, str], Assessment]:
        statement = select(Assessment).where(Assessment.admdvs == admdvs, Assessment.year == year)
        return {(a.fixmedins_code, a.insutype): a for a in (await self._session.execute(statement)).scalars()}


class Declarations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(Declaration).on_conflict_do_nothing(), rows)

    async def of_period(self, admdvs: str, period: str) -> dict[str, Declaration]:
        statement = select(Declaration).where(Declaration.admdvs == admdvs, Declaration.period == period).order_by(
            Declaration.declared_at)
        return {d.fixmedins_code: d for d in (await self._session.execute(statement)).scalars()}



class ConsistencyChecks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, rows: list[dict[str, Any]]) -> None:
        """Keep the latest check of each region and month, whatever order the checks arrive in."""
        if not rows:
            return
        statement = insert(ConsistencyCheck)
        statement = statement.on_conflict_do_update(
            index_elements=["admdvs", "period"],
            set_={c: statement.excluded[c] for c in ("agreed", "differences", "checked_at")},
            where=ConsistencyCheck.checked_at < statement.excluded.checked_at,
        )
        await self._session.execute(statement, rows)

    async def get(self, admdvs: str, period: str) -> ConsistencyCheck | None:
        return await self._session.get(ConsistencyCheck, (admdvs, period))


class FundRequests:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, admdvs: str, period: str, *, for_update: bool = False) -> FundRequest | None:
        statement = select(FundRequest).where(FundRequest.admdvs == admdvs, FundRequest.period == period)
        if for_update:
            statement = statement.with_for_update()
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def lock(self, admdvs: str, period: str) -> None:
        """One request per region and month, however many operators ask at once."""
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": zlib.crc32(f"fund-request:{admdvs}:{period}".encode())})

    def add(self, request: FundRequest) -> None:
        self._session.add(request)
