from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Line
from disbursement.domain.ids import PAYMENT_ID_SQL
from shared.money import ZERO


@dataclass(frozen=True)
class ClaimedLine:
    line_id: uuid.UUID
    setl_id: str
    fixmedins_code: str
    insutype: str
    period: str
    amount: Decimal


class Lines:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(Line), rows)

    async def of_settlement(self, fixmedins_code: str, setl_id: str) -> list[Line]:
        statement = select(Line).where(Line.fixmedins_code == fixmedins_code, Line.setl_id == setl_id)
        return list((await self._session.execute(statement)).scalars())

    async def claim_for_run(self, run_id: uuid.UUID, admdvs: str, business_date: date,
                            institutions: Iterable[str]) -> list[ClaimedLine]:
        """Take every unordered line of these institutions up to the business date (late uploads of earlier
        days included) for this run, and name its payment, in one statement: a line is claimed by exactly
        one run."""
        codes = list(institutions)
        if not codes:
            return []
        statement = text(
            f"UPDATE lines SET run_id = CAST(:run AS uuid), payment_id = {PAYMENT_ID_SQL} "
            "WHERE admdvs = :admdvs AND run_id IS NULL AND business_date <= :day AND fixmedins_code = ANY(:codes) "
            "RETURNING line_id, setl_id, fixmedins_code, insutype, period, amount"
        )
        rows = await self._session.execute(statement, {"run": str(run_id), "run_text": str(run_id), "admdvs": admdvs,
                                                       "day": business_date, "codes": codes})
        return [ClaimedLine(*row) for row in rows]

    async def close_for_settlement(self, run_id: uuid.UUID) -> dict[tuple[str, str], Decimal]:
        """For the records a monthly settlement takes in: lines no daily run claimed are closed by the
        settlement (never paid on their own again), and what daily runs did claim is returned as already
        paid, per institution and fund."""
        await self._session.execute(text(
            "UPDATE lines l SET run_id = :run FROM intake i WHERE i.settled_run_id = :run "
            "AND l.fixmedins_code = i.fixmedins_code AND l.setl_id = i.setl_id AND l.run_id IS NULL"
        ), {"run": run_id})
        rows = await self._session.execute(text(
            "SELECT l.fixmedins_code, l.insutype, sum(l.amount) FROM lines l "
            "JOIN intake i ON l.fixmedins_code = i.fixmedins_code AND l.setl_id = i.setl_id "
            "WHERE i.settled_run_id = :run AND l.run_id <> :run GROUP BY l.fixmedins_code, l.insutype"
        ), {"run": run_id})
        return {(code, insutype): amount for code, insutype, amount in rows}

    async def of_payments(self, payment_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, uuid.UUID, Decimal]]]:
        """(setl_id, line_id, amount) of the lines each payment carries, its own and those carried in."""
        ids = list(payment_ids)
        out: dict[uuid.UUID, list[tuple[str, uuid.UUID, Decimal]]] = defaultdict(list)
        if not ids:
            return out
        rows = await self._session.execute(text(
            "WITH RECURSIVE carriers(payment_id, origin) AS ("
            "  SELECT payment_id, payment_id FROM payments WHERE payment_id = ANY(:ids)"
            "  UNION ALL SELECT c.payment_id, p.payment_id FROM payments p JOIN carriers c ON p.carried_into = c.origin"
            ") SELECT c.payment_id, l.setl_id, l.line_id, l.amount FROM carriers c JOIN lines l ON l.payment_id = c.origin"
        ), {"ids": ids})
        for payment_id, setl_id, line_id, amount in rows:
            out[payment_id].append((setl_id, line_id, amount))
        return out

    async def advanced(self, admdvs: str, period: str) -> dict[tuple[str, str], Decimal]:
        """What daily runs have taken of a month's lines so far, per institution and fund."""
        rows = await self._session.execute(text(
            "SELECT fixmedins_code, insutype, sum(amount) FROM lines WHERE admdvs = :a AND period = :p "
            "AND run_id IS NOT NULL GROUP BY fixmedins_code, insutype"), {"a": admdvs, "p": period})
        return {(code, insutype): amount for code, insutype, amount in rows}

    async def total_of(self, fixmedins_code: str, setl_id: str) -> Decimal:
        statement = select(Line.amount).where(Line.fixmedins_code == fixmedins_code, Line.setl_id == setl_id)
        return sum((amount for amount in (await self._session.execute(statement)).scalars()), ZERO)
