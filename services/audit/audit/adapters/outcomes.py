from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from audit.adapters.tables import AuditOutcome


class Outcomes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
        """Insert outcomes not recorded yet; returns the (fixmedins_code, setl_id) inserted."""
        if not rows:
            return set()
        statement = (insert(AuditOutcome).on_conflict_do_nothing()
                     .returning(AuditOutcome.fixmedins_code, AuditOutcome.setl_id))
        return {(r.fixmedins_code, r.setl_id) for r in await self._session.execute(statement, rows)}

    async def stored(self, fixmedins_code: str, setl_id: str) -> dict[str, Any] | None:
        """What the automatic audit recorded of a settlement: its rule findings, the record as received, and
        the sample's seed and share and the configuration version it was judged under."""
        row = (await self._session.execute(
            select(AuditOutcome.status, AuditOutcome.findings, AuditOutcome.record, AuditOutcome.sampled,
                   AuditOutcome.sample_seed, AuditOutcome.sample_share, AuditOutcome.config_version,
                   AuditOutcome.audited_at)
            .where(tuple_(AuditOutcome.fixmedins_code, AuditOutcome.setl_id) == (fixmedins_code, setl_id))
        )).first()
        return dict(row._mapping) if row else None
