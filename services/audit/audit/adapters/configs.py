from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class RegionVersions:
    """A region's configuration, version by version (the highest version is in force): the audit rules'
    (``audit_config_versions``) and the risk indicators' (``risk_config_versions``)."""

    def __init__(self, session: AsyncSession, table: str) -> None:
        self._session, self._table = session, table

    async def latest(self, regions: set[str]) -> dict[str, tuple[int, dict[str, Any]]]:
        if not regions:
            return {}
        result = await self._session.execute(text(f"""
            SELECT DISTINCT ON (admdvs) admdvs, version, config FROM {self._table}
            WHERE admdvs = ANY(CAST(:regions AS text[])) ORDER BY admdvs, version DESC
        """), {"regions": sorted(regions)})
        return {admdvs: (version, config) for admdvs, version, config in result}

    async def append(self, admdvs: str, config: dict[str, Any], at: datetime, **columns: str) -> int:
        """Record a new version (with the table's own ``columns``, such as who changed it); concurrent changes
        of one region queue behind each other, never collide."""
        await self._session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:lock || :admdvs))"),
                                    {"lock": f"{self._table}:", "admdvs": admdvs})
        names = "".join(f", {name}" for name in columns)
        values = "".join(f", :{name}" for name in columns)
        result = await self._session.execute(text(f"""
            INSERT INTO {self._table} (admdvs, version, config, created_at{names})
            SELECT CAST(:admdvs AS text), coalesce(max(version), 0) + 1, CAST(:config AS jsonb), :at{values}
            FROM {self._table} WHERE admdvs = :admdvs
            RETURNING version
        """), {"admdvs": admdvs, "config": json.dumps(config, ensure_ascii=False), "at": at, **columns})
        return int(result.scalar_one())
