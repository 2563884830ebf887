"""The review queue, its decisions and deductions, and the reversals heard."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import any_, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from audit.adapters.tables import Deduction, FindingDecision, FindingRow, Reversal
from audit.domain.review import AuditFinding


@dataclass(frozen=True)
class FindingFilter:
    status: str | None = None
    admdvs: str | None = None
    fixmedins_code: str | None = None
    rule_id: str | None = None
    kind: str | None = None
    after_seq: int | None = None


def _finding(row: FindingRow) -> AuditFinding:
    return AuditFinding(
        finding_id=row.finding_id, seq=row.seq, fixmedins_code=row.fixmedins_code, setl_id=row.setl_id,
        admdvs=row.admdvs, insutype=row.insutype, psn_no=row.psn_no, business_date=row.business_date,
        period=row.period, kind=row.kind, status=row.status,  # type: ignore[arg-type]
        vola_amt=row.vola_amt, fund_pay_sumamt=row.fund_pay_sumamt, rule_ids=list(row.rule_ids),
        created_at=row.created_at, decided_at=row.decided_at, confirmed_amt=row.confirmed_amt,
    )


class Findings:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # the queue -----------------------------------------------------------------------------------------------

    async def open(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """Put findings in the queue (one per settlement); returns the ids inserted now."""
        if not rows:
            return set()
        table = FindingRow.__table__  # the core table: a few rows need no ORM bulk machinery
        statement = insert(table).on_conflict_do_nothing().returning(table.c.finding_id)  # type: ignore[attr-defined]
        return set((await self._session.execute(statement, rows)).scalars())

    async def get(self, finding_id: uuid.UUID, *, for_update: bool = False) -> AuditFinding | None:
        statement = select(FindingRow).where(FindingRow.finding_id == finding_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).scalar_one_or_none()
        return _finding(row) if row else None

    async def page(self, where: FindingFilter, limit: int) -> list[AuditFinding]:
        statement = select(FindingRow).order_by(FindingRow.seq).limit(limit)
        if where.status:
            statement = statement.where(FindingRow.status == where.status)
        if where.admdvs:
            statement = statement.where(FindingRow.admdvs == where.admdvs)
        if where.fixmedins_code:
            statement = statement.where(FindingRow.fixmedins_code == where.fixmedins_code)
        if where.kind:
            statement = statement.where(FindingRow.kind == where.kind)
        if where.rule_id:
            statement = statement.where(literal(where.rule_id) == any_(FindingRow.rule_ids))
        if where.after_seq is not None:
            statement = statement.where(FindingRow.seq > where.after_seq)
        return [_finding(row) for row in (await self._session.execute(statement)).scalars()]

    async def decide(self, finding_id: uuid.UUID, status: str, decided_at: datetime,
                     confirmed_amt: Any = None) -> None:
        await self._session.execute(
            update(FindingRow).where(FindingRow.finding_id == finding_id)
            .values(status=status, decided_at=decided_at, confirmed_amt=confirmed_amt)
        )

    async def close_reversed(self, keys: list[tuple[str, str]],
                             at: datetime) -> list[tuple[uuid.UUID, tuple[str, str]]]:
        """Close the open findings of reversed settlements; returns their ids and settlements."""
        if not keys:
            return []
        result = await self._session.execute(
            update(FindingRow)
            .where(tuple_(FindingRow.fixmedins_code, FindingRow.setl_id).in_(keys), FindingRow.status == "open")
            .values(status="reversed", decided_at=at)
            .returning(FindingRow.finding_id, FindingRow.fixmedins_code, FindingRow.setl_id)
        )
        return [(finding_id, (code, setl_id)) for finding_id, code, setl_id in result]

    # decisions and deductions ---------------------------------------------------------------------------------

    async def record_decisions(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(FindingDecision.__table__), rows)  # type: ignore[arg-type]

    async def decisions(self, finding_id: uuid.UUID) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(FindingDecision).where(FindingDecision.finding_id == finding_id).order_by(FindingDecision.id))
        return [{"decision": d.decision, "amount": d.amount, "reviewer": d.reviewer, "reason": d.reason,
                 "decided_at": d.decided_at} for d in result.scalars()]

    async def add_deductions(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """Record deductions not recorded yet; returns the ids recorded now (each is published once)."""
        if not rows:
            return set()
        table = Deduction.__table__
        statement = insert(table).on_conflict_do_nothing().returning(table.c.deduction_id)  # type: ignore[attr-defined]
        return set((await self._session.execute(statement, rows)).scalars())

    async def deduction_of(self, finding_id: uuid.UUID) -> dict[str, Any] | None:
        row = (await self._session.execute(
            select(Deduction).where(Deduction.finding_id == finding_id))).scalar_one_or_none()
        return _deduction(row) if row else None

    async def deductions(self, *, fixmedins_code: str | None, admdvs: str | None, period: str | None,
                         limit: int, after: uuid.UUID | None) -> list[dict[str, Any]]:
        statement = select(Deduction).order_by(Deduction.deduction_id).limit(limit)
        if fixmedins_code:
            statement = statement.where(Deduction.fixmedins_code == fixmedins_code)
        if admdvs:
            statement = statement.where(Deduction.admdvs == admdvs)
        if period:
            statement = statement.where(Deduction.period == period)
        if after is not None:
            statement = statement.where(Deduction.deduction_id > after)
        return [_deduction(row) for row in (await self._session.execute(statement)).scalars()]

    # reversals ----------------------------------------------------------------------------------------------

    async def add_reversals(self, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """Record reversals; returns those heard for the first time."""
        if not rows:
            return []
        result = await self._session.execute(
            insert(Reversal).values(rows).on_conflict_do_nothing()
            .returning(Reversal.fixmedins_code, Reversal.setl_id))
        return [(code, setl_id) for code, setl_id in result]

    async def reversed_among(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        keys = list(keys)
        if not keys:
            return set()
        result = await self._session.execute(
            select(Reversal.fixmedins_code, Reversal.setl_id)
            .where(tuple_(Reversal.fixmedins_code, Reversal.setl_id).in_(keys)))
        return {(code, setl_id) for code, setl_id in result}


def _deduction(row: Deduction) -> dict[str, Any]:
    return {"deduction_id": row.deduction_id, "finding_id": row.finding_id, "fixmedins_code": row.fixmedins_code,
            "admdvs": row.admdvs, "setl_id": row.setl_id, "insutype": row.insutype, "period": row.period,
            "amount": row.amount, "rule_ids": list(row.rule_ids), "source": row.source,
            "confirmed_at": row.confirmed_at}
