"""The risk measures audit sent, as disbursement carried them out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import RiskMeasure
from disbursement.domain.lines import RatioCap


class RiskMeasures:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def seen(self, measure_ids: Iterable[Any]) -> set[Any]:
        """Measures already recorded: one sent twice (a replayed event under another id) is carried out once."""
        statement = select(RiskMeasure.measure_id).where(RiskMeasure.measure_id.in_(list(measure_ids)))  # type: ignore[attr-defined]
        return set((await self._session.execute(statement)).scalars())

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(RiskMeasure).on_conflict_do_nothing(), rows)

    async def caps(self, codes: Iterable[str]) -> dict[str, list[RatioCap]]:
        statement = select(RiskMeasure).where(
            RiskMeasure.fixmedins_code.in_(sorted(set(codes))),  # type: ignore[attr-defined]
            RiskMeasure.measure == "lower_ratio", RiskMeasure.outcome == "applied")
        caps: dict[str, list[RatioCap]] = defaultdict(list)
        for m in (await self._session.execute(statement)).scalars():
            assert m.effective_from is not None and m.ratio is not None
            caps[m.fixmedins_code].append(RatioCap(m.effective_from, m.ratio, m.taken_at))
        return caps

    async def of_institution(self, fixmedins_code: str) -> list[RiskMeasure]:
        statement = select(RiskMeasure).where(RiskMeasure.fixmedins_code == fixmedins_code).order_by(
            RiskMeasure.taken_at)  # type: ignore[arg-type]
        return list((await self._session.execute(statement)).scalars())
