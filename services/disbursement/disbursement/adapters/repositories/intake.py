from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Intake
from disbursement.domain.categories import category_of
from shared.money import ZERO


@dataclass(frozen=True)
class SettledRecord:
    fixmedins_code: str
    setl_id: str
    insutype: str
    med_type: str
    fund_pay_sumamt: Decimal
    reversed: bool


@dataclass
class MonthTotals:
    """A month's settlements of one institution and fund: the fund payments incurred (实际发生基金数), by
    benefit category, and how many records."""

    records: int = 0
    incurred: Decimal = ZERO
    by_category: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))


class IntakeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def merge(self, rows: list[dict[str, Any]]) -> None:
        """Upsert the columns each row brings, leaving the others as they are."""
        if not rows:
            return
        statement = insert(Intake)
        columns = [c for c in rows[0] if c not in ("fixmedins_code", "setl_id")]
        statement = statement.on_conflict_do_update(
            index_elements=["fixmedins_code", "setl_id"], set_={c: statement.excluded[c] for c in columns}
        )
        await self._session.execute(statement, rows)

    async def get(self, fixmedins_code: str, setl_id: str, *, for_update: bool = False) -> Intake | None:
        return await self._session.get(Intake, (fixmedins_code, setl_id), with_for_update=for_update)

    async def waiting(self, keys: Iterable[tuple[str, str]] | None = None, *, admdvs: str | None = None) -> list[Intake]:
        """Recorded, live, unsettled settlements that have no line yet (some of them, or all of a region)."""
        statement = select(Intake).where(
            Intake.line_id.is_(None), Intake.recorded_at.is_not(None),  # type: ignore[union-attr]
            Intake.reversed_at.is_(None), Intake.settled_run_id.is_(None),  # type: ignore[union-attr]
        )
        if keys is not None:
            wanted = list(set(keys))
            if not wanted:
                return []
            statement = statement.where(tuple_(Intake.fixmedins_code, Intake.setl_id).in_(wanted))
        if admdvs is not None:
            statement = statement.where(Intake.admdvs == admdvs)
        return list((await self._session.execute(statement.with_for_update())).scalars())

    async def month_totals(self, admdvs: str, start: date, end: date) -> dict[tuple[str, str], MonthTotals]:
        """Live (not cancelled) settlements of the region between two dates, per institution and fund."""
        rows = await self._session.execute(
            select(Intake.fixmedins_code, Intake.insutype, Intake.med_type, Intake.fund_pay_sumamt).where(
                Intake.admdvs == admdvs, Intake.business_date >= start, Intake.business_date <= end,  # type: ignore[operator]
                Intake.recorded_at.is_not(None), Intake.reversed_at.is_(None)))  # type: ignore[union-attr]
        totals: dict[tuple[str, str], MonthTotals] = defaultdict(MonthTotals)
        for code, insutype, med_type, fund_pay in rows:
            month = totals[(code, insutype)]
            month.records += 1
            month.incurred += fund_pay
            month.by_category[category_of(med_type)] += fund_pay
        return totals

    async def settle(self, run_id: uuid.UUID, admdvs: str, through: date) -> list[SettledRecord]:
        """Take every recorded, not yet settled settlement of the region up to ``through`` into this monthly
        settlement (late uploads of earlier months included); none is settled twice."""
        statement = (
            update(Intake)
            .where(Intake.admdvs == admdvs, Intake.settled_run_id.is_(None),  # type: ignore[union-attr]
                   Intake.recorded_at.is_not(None), Intake.business_date <= through)  # type: ignore[union-attr,operator]
            .values(settled_run_id=run_id)
            .returning(Intake.fixmedins_code, Intake.setl_id, Intake.insutype, Intake.med_type,
                       Intake.fund_pay_sumamt, Intake.reversed_at)
        )
        return [SettledRecord(code, setl, insutype, med_type, fund_pay, reversed_at is not None)
                for code, setl, insutype, med_type, fund_pay, reversed_at in await self._session.execute(statement)]

    async def counts(self, admdvs: str, business_date: date | None) -> dict[str, int]:
        """How far disbursement has caught up with a region's settlements (for operators and the demo)."""
        filters = "admdvs = :admdvs" + (" AND business_date = :day" if business_date else "")
        row = (await self._session.execute(text(
            "SELECT count(*) FILTER (WHERE recorded_at IS NOT NULL) AS recorded,"
            " count(*) FILTER (WHERE audited_at IS NOT NULL) AS audited,"
            " count(*) FILTER (WHERE line_id IS NOT NULL) AS with_line,"
            " count(*) FILTER (WHERE recorded_at IS NOT NULL AND line_id IS NULL AND reversed_at IS NULL"
            "   AND settled_run_id IS NULL) AS waiting,"
            " count(*) FILTER (WHERE reversed_at IS NOT NULL) AS reversed,"
            " count(*) FILTER (WHERE settled_run_id IS NOT NULL) AS settled,"
            f" (SELECT count(*) FROM lines WHERE {filters}) AS lines"
            f" FROM intake WHERE {filters}"
        ), {"admdvs": admdvs, "day": business_date})).one()
        return dict(row._mapping)
