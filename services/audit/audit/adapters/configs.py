from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class AuditConfigs:
    """Regions' audit configurations, version by version (the highest version is in force)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def latest(self, regions: set[str]) -> dict[str, tuple[int, dict[str, Any]]]:
        if not regions:
            return {}
        result = await self._session.execute(text("""
            SELECT DISTINCT ON (admdvs) admdvs, version, config FROM audit_config_versions
            WHERE admdvs = ANY(CAST(:regions AS text[])) ORDER BY admdvs, version DESC
        """), {"regions": sorted(regions)})
        return {admdvs: (version, config) for admdvs, version, config in result}

    async def append(self, admdvs: str, config: dict[str, Any], at: datetime) -> int:
        """Record a new version; concurrent changes of one region queue behind each other, never collide."""
        await self._session.execute(text("SELECT pg_advisory_xact_lock(hashtext('audit-config:' || :admdvs))"),
                                    {"admdvs": admdvs})
        result = await self._session.execute(text("""
            INSERT INTO audit_config_versions (admdvs, version, config, created_at)
            SELECT CAST(:admdvs AS text), coalesce(max(version), 0) + 1, CAST(:config AS jsonb), :at
            FROM audit_config_versions WHERE admdvs = :admdvs
            RETURNING version
        """), {"admdvs": admdvs, "config": json.dumps(config, ensure_ascii=False), "at": at})
        return int(result.scalar_one())

