from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Payment, Run


def undelivered_past_due(today: str, *, one_run: bool = False) -> str:
    """SQL for the runs past their due date (``today``: an SQL expression for the Beijing date) whose money has
    not reached the institution: a payment still awaiting a signature or the bank (computed, ordered), or
    postponed (N art.18) or rejected by the bank and taken over by no later payment yet, or by one that is itself
    undelivered — followed along ``carried_into`` however often it was carried (a national-day week postpones
    seven batches one into the next). A payment held while its institution is suspended (N art.21) is withheld
    by decision, not late. With ``one_run``, only the run ``:run_id``."""
    only = " AND p.run_id = :run_id" if one_run else ""
    return f"""
WITH RECURSIVE carried(run_id, status, carried_into) AS (
    SELECT p.run_id, p.status, p.carried_into FROM payments p JOIN runs r ON r.run_id = p.run_id
    WHERE r.due_date < {today} AND p.status IN ('computed', 'ordered', 'postponed', 'failed'){only}
    UNION ALL
    SELECT c.run_id, q.status, q.carried_into FROM carried c JOIN payments q ON q.payment_id = c.carried_into
    WHERE c.status IN ('postponed', 'failed')
)
SELECT DISTINCT run_id FROM carried
WHERE status IN ('computed', 'ordered') OR (status IN ('postponed', 'failed') AND carried_into IS NULL)"""


_BEIJING_TODAY = "(now() AT TIME ZONE 'Asia/Shanghai')::date"

#: jishi_runs_late: every run past its due date that is unsigned or whose money has not reached the
#: institution, postponed runs included (LS §3.2, N art.18), by run type.
RUNS_LATE_SQL = (
    f"SELECT r.run_type, count(*) FROM runs r WHERE r.due_date < {_BEIJING_TODAY}"
    f" AND (r.status = 'computed' OR r.run_id IN ({undelivered_past_due(_BEIJING_TODAY)})) GROUP BY r.run_type")


class Runs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_region(self, admdvs: str) -> None:
        """One run per region at a time: the second waits, then finds the first's result."""
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": zlib.crc32(f"runs:{admdvs}".encode())})

    async def find(self, run_type: str, admdvs: str, run_key: str) -> Run | None:
        statement = select(Run).where(Run.run_type == run_type, Run.admdvs == admdvs, Run.run_key == run_key)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def get(self, run_id: uuid.UUID, *, for_update: bool = False) -> Run | None:
        return await self._session.get(Run, run_id, with_for_update=for_update)

    def add(self, run: Run) -> None:
        self._session.add(run)

    async def listing(self, *, admdvs: str | None, run_type: str | None, status: str | None,
                      due_from: date | None, due_to: date | None, limit: int, offset: int) -> tuple[list[Run], int]:
        """A page of runs, newest first, and how many match in all."""
        where = [column == value for column, value in ((Run.admdvs, admdvs), (Run.run_type, run_type),
                                                       (Run.status, status)) if value is not None]
        if due_from is not None:
            where.append(Run.due_date >= due_from)  # type: ignore[arg-type]
        if due_to is not None:
            where.append(Run.due_date <= due_to)  # type: ignore[arg-type]
        count = await self._session.scalar(select(func.count()).select_from(Run).where(*where))
        statement = (select(Run).where(*where).order_by(Run.computed_at.desc(), Run.run_id)  # type: ignore[attr-defined]
                     .limit(limit).offset(offset))
        return list((await self._session.execute(statement)).scalars()), int(count or 0)

    async def of_type(self, run_type: str, admdvs: str) -> list[Run]:
        statement = select(Run).where(Run.run_type == run_type, Run.admdvs == admdvs).order_by(Run.run_key)
        return list((await self._session.execute(statement)).scalars())


class Payments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def to_carry(self, admdvs: str, institutions: Iterable[str] | None, *,
                       settlement_negatives: bool, postponed_due_by: date | None = None) -> list[Payment]:
        """Earlier payments of these institutions (all of the region's when None) that still owe something,
        locked so that exactly one run carries each: whatever was not paid — postponed, failed at the bank,
        held while suspended (N art.18) — and a negative remainder. A negative net of a monthly settlement (or a
        clearing) is deducted from a later settlement only (SX §3), never from a prepayment or a daily batch.
        With ``postponed_due_by``, a postponed batch not yet due by that day is left for the daily run of its due
        date (N art.18): a monthly run made on a weekend does not take Saturday's batch into a payment that waits
        for its own signature and due date."""
        owed_back = Payment.carried_forward != 0
        if not settlement_negatives:
            owed_back = owed_back & Payment.run_type.notin_(("monthly-settlement", "annual-clearing"))  # type: ignore[attr-defined]
        statement = (
            select(Payment)
            .where(Payment.admdvs == admdvs, Payment.carried_into.is_(None),  # type: ignore[union-attr]
                   (Payment.status.in_(("postponed", "failed", "held"))) | owed_back)  # type: ignore[attr-defined]
            .with_for_update(of=Payment)
        )
        if postponed_due_by is not None:
            not_yet_due = (Payment.status == "postponed") & (Run.due_date > postponed_due_by)  # type: ignore[operator]
            statement = statement.join(Run, Run.run_id == Payment.run_id).where(~not_yet_due)
        if institutions is not None:
            codes = list(institutions)
            if not codes:
                return []
            statement = statement.where(Payment.fixmedins_code.in_(codes))  # type: ignore[attr-defined]
        return list((await self._session.execute(statement)).scalars())

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(Payment), rows)

    async def mark_carried(self, carried_into: dict[uuid.UUID, uuid.UUID]) -> None:
        for payment_id, into in carried_into.items():
            await self._session.execute(
                update(Payment).where(Payment.payment_id == payment_id, Payment.carried_into.is_(None))  # type: ignore[union-attr]
                .values(carried_into=into)
            )

    async def carried_into(self, payment_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """For each payment, the earlier payments it took over (N art.18)."""
        ids = list(payment_ids)
        if not ids:
            return {}
        rows = await self._session.execute(select(Payment.carried_into, Payment.payment_id).where(
            Payment.carried_into.in_(ids)))  # type: ignore[union-attr]
        out: dict[uuid.UUID, list[uuid.UUID]] = {}
        for into, payment_id in rows:
            out.setdefault(into, []).append(payment_id)
        return out

    async def undelivered_past_due(self, run_id: uuid.UUID, today: date) -> bool:
        """Whether this run, past its due date on ``today``, still has money that has not reached the
        institution (see ``undelivered_past_due``)."""
        statement = text(f"SELECT EXISTS ({undelivered_past_due(':today', one_run=True)})")
        return bool((await self._session.execute(statement, {"today": today, "run_id": run_id})).scalar_one())

    async def of_run(self, run_id: uuid.UUID) -> list[Payment]:
        statement = select(Payment).where(Payment.run_id == run_id).order_by(
            Payment.fixmedins_code, Payment.insutype, Payment.period)
        return list((await self._session.execute(statement)).scalars())

    async def release(self, run_id: uuid.UUID, held: set[str], at: datetime) -> list[Payment]:
        """A signed run's payments go out: ordered, or held for a suspended institution (N art.21)."""
        payments = await self.of_run(run_id)
        for payment in payments:
            if payment.status == "computed":
                payment.status = "held" if payment.fixmedins_code in held else "ordered"
                payment.ordered_at = at
        return payments

    async def of_year(self, admdvs: str, run_type: str, year: int) -> list[Payment]:
        statement = select(Payment).where(Payment.admdvs == admdvs, Payment.run_type == run_type,
                                          Payment.period.like(f"{year}-%"))  # type: ignore[attr-defined]
        return list((await self._session.execute(statement)).scalars())

    async def listing(self, *, admdvs: str | None, fixmedins_code: str | None, period: str | None,
                      run_type: str | None, status: str | None, limit: int) -> list[Payment]:
        statement = select(Payment).order_by(Payment.ordered_at.desc()).limit(limit)  # type: ignore[attr-defined]
        for column, value in ((Payment.admdvs, admdvs), (Payment.fixmedins_code, fixmedins_code),
                              (Payment.period, period), (Payment.run_type, run_type), (Payment.status, status)):
            if value is not None:
                statement = statement.where(column == value)
        return list((await self._session.execute(statement)).scalars())

    async def settle(self, payment_id: uuid.UUID, *, status: str, voucher_no: str, at: Any,
                     reason: str | None = None) -> bool:
        """ordered → paid | failed, once; a late or duplicate outcome changes nothing."""
        result = await self._session.execute(
            update(Payment).where(Payment.payment_id == payment_id, Payment.status == "ordered")
            .values(status=status, voucher_no=voucher_no, settled_at=at, reason=reason)
            .returning(Payment.payment_id)
        )
        return result.first() is not None
