from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, exists, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Declaration, Intake
from disbursement.domain.categories import PERSONAL_ACCOUNT, category_of
from disbursement.domain.monthly import MonthAudit
from shared.bulk import one_per_key, upsert_rows
from shared.contracts.codes import SHANGHAI
from shared.money import ZERO

#: 个人账户支出 less 个人账户共济 (ZJ §2), zero for a record uploaded without them.
_PERSONAL_ACCOUNT = (func.coalesce(Intake.acct_pay, 0) - func.coalesce(Intake.acct_mulaid_pay, 0)).label("account")


_GIVE_LINES = text("""
UPDATE intake SET line_id = l.line_id
FROM unnest(CAST(:codes AS text[]), CAST(:setl_ids AS text[]), CAST(:line_ids AS uuid[])) AS l(code, setl_id, line_id)
WHERE intake.fixmedins_code = l.code AND intake.setl_id = l.setl_id
""")


@dataclass(frozen=True)
class SettledRecord:
    fixmedins_code: str
    setl_id: str
    insutype: str
    med_type: str
    fund_pay_sumamt: Decimal
    #: 个人账户支出 less its mutual aid (个人账户共济): what the personal account settles, where it does (ZJ §2).
    personal_account: Decimal
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
        await upsert_rows(self._session, Intake.__table__, rows, keys=["fixmedins_code", "setl_id"])  # type: ignore[attr-defined]

    async def get(self, fixmedins_code: str, setl_id: str, *, for_update: bool = False) -> Intake | None:
        return await self._session.get(Intake, (fixmedins_code, setl_id), with_for_update=for_update)

    async def waiting(self, keys: Iterable[tuple[str, str]] | None = None, *,
                      admdvs: str | None = None) -> list[Row[Any]]:
        """Recorded, live, unsettled settlements that have no line yet (some of them, or all of a region), locked
        for the caller's transaction. Plain rows, read fresh: a line is computed from what the database holds
        now, not from an object loaded earlier in the session (and a row costs a fraction of an ORM object)."""
        statement = select(*Intake.__table__.columns).where(  # type: ignore[attr-defined]
            Intake.line_id.is_(None), Intake.recorded_at.is_not(None),  # type: ignore[union-attr]
            Intake.reversed_at.is_(None), Intake.settled_run_id.is_(None),  # type: ignore[union-attr]
        )
        if admdvs is not None:
            statement = statement.where(Intake.admdvs == admdvs)
        statement = statement.with_for_update()
        if keys is not None:
            wanted = list(keys)
            if not wanted:
                return []
            statement = one_per_key(statement, (Intake.fixmedins_code, Intake.setl_id), wanted)  # each key once
        return list((await self._session.execute(statement)).all())

    async def give_lines(self, lines: dict[tuple[str, str], uuid.UUID]) -> None:
        """Each settlement's line, in one statement for the batch."""
        if lines:
            await self._session.execute(_GIVE_LINES, {"codes": [code for code, _ in lines],
                                                      "setl_ids": [setl_id for _, setl_id in lines],
                                                      "line_ids": list(lines.values())})

    async def month_totals(self, admdvs: str, start: date, end: date, *,
                           personal_account: bool) -> dict[tuple[str, str], MonthTotals]:
        """Live (not cancelled) settlements of the region between two dates, per institution and fund; with the
        personal account's part where the region settles it with the employee fund (ZJ §2)."""
        rows = await self._session.execute(
            select(Intake.fixmedins_code, Intake.insutype, Intake.med_type, Intake.fund_pay_sumamt,
                   _PERSONAL_ACCOUNT).where(
                Intake.admdvs == admdvs, Intake.business_date >= start, Intake.business_date <= end,  # type: ignore[operator]
                Intake.recorded_at.is_not(None), Intake.reversed_at.is_(None)))  # type: ignore[union-attr]
        totals: dict[tuple[str, str], MonthTotals] = defaultdict(MonthTotals)
        for code, insutype, med_type, fund_pay, account in rows:
            month = totals[(code, insutype)]
            month.records += 1
            month.incurred += fund_pay
            month.by_category[category_of(med_type)] += fund_pay
            if personal_account and account:
                month.incurred += account
                month.by_category[PERSONAL_ACCOUNT] += account
        return totals

    async def daily_incurred(self, admdvs: str, start: date, end: date, *, known_by: datetime,
                             personal_account: bool) -> dict[str, dict[date, Decimal]]:
        """Per fund and business date, what the region's live settlements incurred, as known at ``known_by``:
        recorded by then and not reversed by then (a forecast made on the 20th is replayed as it was)."""
        amount = Intake.fund_pay_sumamt + (_PERSONAL_ACCOUNT if personal_account else 0)
        rows = await self._session.execute(
            select(Intake.insutype, Intake.business_date, func.sum(amount)).where(
                Intake.admdvs == admdvs, Intake.business_date >= start, Intake.business_date <= end,  # type: ignore[operator]
                Intake.recorded_at <= known_by,  # type: ignore[operator]
                Intake.reversed_at.is_(None) | (Intake.reversed_at > known_by))  # type: ignore[union-attr,operator]
            .group_by(Intake.insutype, Intake.business_date))
        days: dict[str, dict[date, Decimal]] = defaultdict(dict)
        for insutype, day, total in rows:
            days[insutype][day] = total
        return days

    async def month_audit(self, admdvs: str, start: date, through: date) -> MonthAudit:
        """How far the audit of what a settlement through ``through`` would take in has gone, and when the
        month's last outcome came (a reviewer's decision is the latest ``audited_at``)."""
        row = (await self._session.execute(text(
            "SELECT count(*) FILTER (WHERE audited_at IS NULL AND settled_run_id IS NULL AND reversed_at IS NULL),"
            " count(*) FILTER (WHERE under_review AND settled_run_id IS NULL AND reversed_at IS NULL),"
            " max(audited_at) FILTER (WHERE business_date >= :start)"
            " FROM intake WHERE admdvs = :admdvs AND recorded_at IS NOT NULL AND business_date <= :through"
        ), {"admdvs": admdvs, "start": start, "through": through})).one()
        not_audited, under_review, last = row
        return MonthAudit(not_audited, under_review, last.astimezone(SHANGHAI).date() if last else None)

    async def settle(self, run_id: uuid.UUID, admdvs: str, through: date, *,
                     undeclared: str) -> list[SettledRecord]:
        """Take every recorded, not yet settled settlement of the region up to ``through`` into this monthly
        settlement (late uploads of earlier months included); none is settled twice. A record still unaudited
        or under review is left for a later settlement, which takes it as its review decides (N art.13); so is
        one of an institution that has not declared its month, where the region holds those (N art.12)."""
        decided = Intake.reversed_at.is_not(None) | (Intake.audited_at.is_not(None) & ~Intake.under_review)  # type: ignore[union-attr,operator]
        statement = (
            update(Intake)
            .where(Intake.admdvs == admdvs, Intake.settled_run_id.is_(None),  # type: ignore[union-attr]
                   Intake.recorded_at.is_not(None), Intake.business_date <= through, decided)  # type: ignore[union-attr,operator]
            .values(settled_run_id=run_id)
            .returning(Intake.fixmedins_code, Intake.setl_id, Intake.insutype, Intake.med_type,
                       Intake.fund_pay_sumamt, _PERSONAL_ACCOUNT, Intake.reversed_at)
        )
        if undeclared == "hold":
            statement = statement.where(exists().where(
                Declaration.fixmedins_code == Intake.fixmedins_code, Declaration.admdvs == Intake.admdvs,
                Declaration.period == func.to_char(Intake.business_date, "YYYY-MM")))
        return [SettledRecord(code, setl, insutype, med_type, fund_pay, account or ZERO, reversed_at is not None)
                for code, setl, insutype, med_type, fund_pay, account, reversed_at
                in await self._session.execute(statement)]

    async def counts(self, admdvs: str, business_date: date | None) -> dict[str, int]:
        """How far disbursement has caught up with a region's settlements (for operators and the demo)."""
        filters = "admdvs = :admdvs" + (" AND business_date = :day" if business_date else "")
        row = (await self._session.execute(text(
            "SELECT count(*) FILTER (WHERE recorded_at IS NOT NULL) AS recorded,"
            " count(*) FILTER (WHERE audited_at IS NOT NULL) AS audited,"
            " count(*) FILTER (WHERE under_review) AS under_review,"
            " count(*) FILTER (WHERE line_id IS NOT NULL) AS with_line,"
            " count(*) FILTER (WHERE recorded_at IS NOT NULL AND line_id IS NULL AND reversed_at IS NULL"
            "   AND settled_run_id IS NULL) AS waiting,"
            " count(*) FILTER (WHERE reversed_at IS NOT NULL) AS reversed,"
            " count(*) FILTER (WHERE settled_run_id IS NOT NULL) AS settled,"
            f" (SELECT count(*) FROM lines WHERE {filters}) AS lines,"
            " (SELECT count(*) FROM declarations WHERE admdvs = :admdvs) AS declarations"
            f" FROM intake WHERE {filters}"
        ), {"admdvs": admdvs, "day": business_date})).one()
        return dict(row._mapping)
