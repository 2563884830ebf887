from __future__ import annotations

import uuid
import zlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Policy, PolicyProposal
from disbursement.domain.policy import RegionPolicy, VersionedPolicy


class Policies:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, admdvs: str, policy: RegionPolicy, overrides: dict[str, Any], *,
                  proposed_by: str | None = None, approved_by: str | None = None) -> int:
        # One writer per region at a time, so versions are consecutive.
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": zlib.crc32(f"policy:{admdvs}".encode())})
        latest = await self._session.scalar(select(func.max(Policy.version)).where(Policy.admdvs == admdvs))
        version = (latest or 0) + 1
        self._session.add(Policy(admdvs=admdvs, version=version, pack=policy.pack,
                                 effective_from=policy.effective_from, body=policy.model_dump(mode="json"),
                                 overrides=overrides, created_at=func.now(), proposed_by=proposed_by,
                                 approved_by=approved_by))
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

    async def history(self, admdvs: str) -> list[dict[str, Any]]:
        statement = select(Policy).where(Policy.admdvs == admdvs).order_by(Policy.version)
        return [{"version": row.version, "pack": row.pack, "effective_from": row.effective_from.isoformat(),
                 "created_at": row.created_at.isoformat(), "proposed_by": row.proposed_by,
                 "approved_by": row.approved_by, "overrides": row.overrides, "policy": row.body}
                for row in (await self._session.execute(statement)).scalars()]

    async def regions(self) -> list[str]:
        return list((await self._session.execute(select(Policy.admdvs).distinct())).scalars())


class PolicyProposals:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, proposal: PolicyProposal) -> None:
        self._session.add(proposal)

    async def get(self, admdvs: str, proposal_id: uuid.UUID, *, for_update: bool = False) -> PolicyProposal | None:
        found = await self._session.get(PolicyProposal, proposal_id, with_for_update=for_update)
        return found if found is not None and found.admdvs == admdvs else None

    async def waiting(self, admdvs: str, proposed_by: str, pack: str, overrides: dict[str, Any]) -> PolicyProposal | None:
        """The same person's identical proposal still waiting, if any."""
        statement = select(PolicyProposal).where(
            PolicyProposal.admdvs == admdvs, PolicyProposal.status == "proposed",
            PolicyProposal.proposed_by == proposed_by, PolicyProposal.pack == pack,
            PolicyProposal.overrides == sa.cast(overrides, JSONB))
        return (await self._session.execute(statement)).scalars().first()

    async def of_region(self, admdvs: str, *, status: str | None) -> list[PolicyProposal]:
        statement = select(PolicyProposal).where(PolicyProposal.admdvs == admdvs)
        if status is not None:
            statement = statement.where(PolicyProposal.status == status)
        statement = statement.order_by(PolicyProposal.proposed_at.desc())  # type: ignore[attr-defined]
        return list((await self._session.execute(statement)).scalars())
