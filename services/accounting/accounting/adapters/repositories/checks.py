"""The consistency check's state: the differences standing now, the check as last published, and the
operators' explanations (append-only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounting.adapters.tables import ConsistencyCheck, ConsistencyExplanation, ConsistencyItem
from accounting.domain.consistency import Difference


class Checks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def replace(self, months: Iterable[tuple[str, str, str, str]], found: Sequence[Difference]) -> None:
        """The differences of these (region, institution, fund, month) are now ``found``."""
        keys = list(set(months))
        if keys:
            await self._session.execute(delete(ConsistencyItem).where(tuple_(
                ConsistencyItem.admdvs, ConsistencyItem.fixmedins_code, ConsistencyItem.insutype,
                ConsistencyItem.period).in_(keys)))
        if found:
            await self._session.execute(insert(ConsistencyItem), [
                {"admdvs": d.admdvs, "period": d.period, "fixmedins_code": d.fixmedins_code, "insutype": d.insutype,
                 "kind": d.kind, "difference_id": d.difference_id, "business": d.business, "bank": d.bank,
                 "books": d.books, "records": d.records} for d in found])

    async def items(self, admdvs: str, period: str) -> list[ConsistencyItem]:
        statement = select(ConsistencyItem).where(ConsistencyItem.admdvs == admdvs, ConsistencyItem.period == period) \
            .order_by(ConsistencyItem.fixmedins_code, ConsistencyItem.insutype, ConsistencyItem.kind)
        return list((await self._session.execute(statement)).scalars())

    async def item(self, difference_id: uuid.UUID) -> ConsistencyItem | None:
        statement = select(ConsistencyItem).where(ConsistencyItem.difference_id == difference_id)
        return (await self._session.execute(statement)).scalar()

    async def explanations(self, difference_ids: Iterable[uuid.UUID]) -> list[ConsistencyExplanation]:
        ids = list(difference_ids)
        if not ids:
            return []
        statement = select(ConsistencyExplanation).where(
            ConsistencyExplanation.difference_id.in_(ids)).order_by(ConsistencyExplanation.explained_at)  # type: ignore[attr-defined]
        return list((await self._session.execute(statement)).scalars())

    async def explain(self, row: dict[str, Any]) -> None:
        await self._session.execute(insert(ConsistencyExplanation).values(**row))

    async def last(self, admdvs: str, period: str) -> ConsistencyCheck | None:
        return await self._session.get(ConsistencyCheck, (admdvs, period))

    async def checks_of(self, period: str, admdvs: str | None) -> list[ConsistencyCheck]:
        statement = select(ConsistencyCheck).where(ConsistencyCheck.period == period).order_by(ConsistencyCheck.admdvs)
        if admdvs is not None:
            statement = statement.where(ConsistencyCheck.admdvs == admdvs)
        return list((await self._session.execute(statement)).scalars())

    async def save(self, row: dict[str, Any]) -> None:
        statement = insert(ConsistencyCheck).values(**row)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=["admdvs", "period"],
            set_={k: getattr(statement.excluded, k) for k in ("agreed", "digest", "differences", "checked_at")}))
