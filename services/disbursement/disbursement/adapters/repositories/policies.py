from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Policy
from disbursement.domain.policy import RegionPolicy, VersionedPolicy


class Policies:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, admdvs: str, policy: RegionPolicy, overrides: dict[str, Any]) -> int:
        # One writer per region at a time, so versions are consecutive.
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": zlib.crc32(f"policy:{admdvs}".encode())})
        latest = await self._session.scalar(select(func.max(Policy.version)).where(Policy.admdvs == admdvs))
        version = (latest or 0) + 1
        self._session.add(Policy(admdvs=admdvs, version=version, pack=policy.pack,
                                 effective_from=policy.effective_from, body=policy.model_dump(mode="json"),
                                 overrides=overrides, created_at=func.now()))
        await self._session.flush()
        return version

    async def versions(self, regions: Iterable[str]) -> dict[str, list[VersionedPolicy]]:
        wanted = list(set(regions))
        out: dict[str, list[VersionedPolicy]] = defaultdict(list)
        if not wanted:
            return out
        statement = select(Policy).where(Policy.admdvs.in_(wanted)).order_by(Policy.version)  # type: ignore[attr-defined]
        for row in (await self._session.execute(statement)).scalars():
            out[row.admdvs].append(VersionedPolicy(admdvs=row.admdvs, version=row.version,
                                                   policy=RegionPolicy.model_validate(row.body)))
        return out

    async def regions(self) -> list[str]:
        return list((await self._session.execute(select(Policy.admdvs).distinct())).scalars())
