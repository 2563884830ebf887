"""Setting a region's policy (区域政策): a new version from a pack and the region's overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from disbursement.domain.packs import resolve
from disbursement.domain.policy import Pack, VersionedPolicy
from disbursement.service.lines import compute_lines
from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts import topics
from shared.contracts.events import RegionPolicySet


async def set_policy(admdvs: str, pack: Pack, overrides: dict[str, Any], uow: DisbursementUnitOfWork) -> tuple[VersionedPolicy, int]:
    """Store a new version; settlements that were waiting for a policy get their lines now. Returns the
    version and how many lines it released."""
    policy = resolve(pack, overrides)  # ValidationError when the result is not a valid policy
    async with uow:
        version = await uow.policies.add(admdvs, policy, overrides)
        released = await compute_lines(uow, admdvs=admdvs)
        uow.outbox.add(topics.POLICY_SET, RegionPolicySet(
            admdvs=admdvs, version=version, pack=policy.pack, effective_from=policy.effective_from,
            policy=policy.model_dump(mode="json"), set_at=datetime.now(UTC)), key=admdvs)
        await uow.commit()
    return VersionedPolicy(admdvs=admdvs, version=version, policy=policy), released


async def current_policy(admdvs: str, uow: DisbursementUnitOfWork) -> VersionedPolicy | None:
    async with uow:
        versions = (await uow.policies.versions([admdvs])).get(admdvs, [])
    return versions[-1] if versions else None
