"""Setting a region's policy (区域政策): one operator proposes a version from a pack and the region's overrides,
another approves it (four eyes, N art.22), and only then is it a version in force."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from disbursement.adapters.tables import PolicyProposal
from disbursement.domain.errors import Conflict, NotFound, Refused
from disbursement.domain.packs import resolve
from disbursement.domain.policy import Pack, RegionPolicy, VersionedPolicy
from disbursement.domain.policy_diff import policy_diff
from disbursement.domain.signatures import second_pair_of_eyes, signatory
from disbursement.service.lines import compute_lines
from disbursement.service.uow import DisbursementUnitOfWork
from shared.auth import ACTOR_HEADER
from shared.contracts import topics
from shared.contracts.events import RegionPolicySet


async def propose_policy(admdvs: str, pack: Pack, overrides: dict[str, Any], proposed_by: str | None,
                         uow: DisbursementUnitOfWork) -> dict[str, Any]:
    """A proposal awaiting a second person, with what it changes against the version in force. Proposing the
    same change again while it waits returns the waiting proposal (a retried request makes no second one)."""
    policy = resolve(pack, overrides)  # ValidationError when the result is not a valid policy
    if proposed_by is None:
        raise Refused(f"name who proposes the change in the {ACTOR_HEADER} header: another person approves it "
                      "(four eyes)", errors=[{"field": ACTOR_HEADER, "message": "required"}])
    proposed_by = signatory(proposed_by)
    body = policy.model_dump(mode="json")
    async with uow:
        current = await _in_force(uow, admdvs)
        waiting = await uow.policy_proposals.waiting(admdvs, proposed_by, pack, overrides)
        proposal = waiting or PolicyProposal(
            proposal_id=uuid.uuid4(), admdvs=admdvs, pack=pack, effective_from=policy.effective_from,
            overrides=overrides, body=body, proposed_by=proposed_by, proposed_at=datetime.now(UTC), status="proposed")
        if waiting is None:
            uow.policy_proposals.add(proposal)
        view = proposal_view(proposal, current)
        await uow.commit()
    return view


async def approve_policy(admdvs: str, proposal_id: uuid.UUID, approved_by: str,
                         uow: DisbursementUnitOfWork) -> tuple[VersionedPolicy, int]:
    """The second person puts the proposal in force as the next version; approving it again returns that
    version. The maker cannot approve (403), a rejected proposal cannot be (409)."""
    approved_by = signatory(approved_by)
    async with uow:
        proposal = await _locked(uow, admdvs, proposal_id)
        if proposal.status == "approved":
            assert proposal.version is not None
            versions = (await uow.policies.versions([admdvs]))[admdvs]
            return next(v for v in versions if v.version == proposal.version), 0
        if proposal.status == "rejected":
            raise Conflict(f"proposal {proposal_id} was rejected by {proposal.decided_by}; propose again")
        second_pair_of_eyes(proposal.proposed_by, approved_by, f"policy proposal {proposal_id}",
                            field="approved_by")
        policy = RegionPolicy.model_validate(proposal.body)
        versioned, released = await _put_in_force(uow, admdvs, policy, proposal.overrides,
                                                  proposed_by=proposal.proposed_by, approved_by=approved_by)
        proposal.status, proposal.decided_by, proposal.decided_at = "approved", approved_by, datetime.now(UTC)
        proposal.version = versioned.version
        await uow.commit()
    return versioned, released


async def reject_policy(admdvs: str, proposal_id: uuid.UUID, rejected_by: str, reason: str,
                        uow: DisbursementUnitOfWork) -> dict[str, Any]:
    """The checker sends a proposal back with a reason; nothing changes in force."""
    rejected_by = signatory(rejected_by)
    async with uow:
        proposal = await _locked(uow, admdvs, proposal_id)
        if proposal.status == "approved":
            raise Conflict(f"proposal {proposal_id} is in force as version {proposal.version}; propose a new one")
        if proposal.status == "proposed":
            second_pair_of_eyes(proposal.proposed_by, rejected_by, f"policy proposal {proposal_id}",
                                field="rejected_by")
            proposal.status, proposal.decided_by = "rejected", rejected_by
            proposal.decided_at, proposal.reason = datetime.now(UTC), reason
        view = proposal_view(proposal, await _in_force(uow, admdvs))
        await uow.commit()
    return view


async def _locked(uow: DisbursementUnitOfWork, admdvs: str, proposal_id: uuid.UUID) -> PolicyProposal:
    """The proposal, locked until the decision commits (two checkers at once: the second sees the first's)."""
    proposal = await uow.policy_proposals.get(admdvs, proposal_id, for_update=True)
    if proposal is None:
        raise NotFound(f"policy proposal {proposal_id} of region {admdvs}")
    return proposal


async def proposals(admdvs: str, uow: DisbursementUnitOfWork, *, status: str | None) -> list[dict[str, Any]]:
    async with uow:
        current = await _in_force(uow, admdvs)
        return [proposal_view(p, current) for p in await uow.policy_proposals.of_region(admdvs, status=status)]


async def proposal(admdvs: str, proposal_id: uuid.UUID, uow: DisbursementUnitOfWork) -> dict[str, Any] | None:
    async with uow:
        found = await uow.policy_proposals.get(admdvs, proposal_id)
        return proposal_view(found, await _in_force(uow, admdvs)) if found else None


def proposal_view(p: PolicyProposal, current: VersionedPolicy | None) -> dict[str, Any]:
    """A proposal and, while it waits, its diff against the latest version (what approving it changes)."""
    return {
        "proposal_id": str(p.proposal_id), "admdvs": p.admdvs, "status": p.status, "pack": p.pack,
        "effective_from": p.effective_from.isoformat(), "overrides": p.overrides,
        "proposed_by": p.proposed_by, "proposed_at": p.proposed_at.isoformat(),
        "decided_by": p.decided_by, "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        "reason": p.reason, "version": p.version,
        "against_version": current.version if current else None,
        "diff": policy_diff(current.policy.model_dump(mode="json") if current else None, p.body),
        "policy": p.body,
    }


async def set_policy(admdvs: str, pack: Pack, overrides: dict[str, Any], uow: DisbursementUnitOfWork, *,
                     proposed_by: str | None = None, approved_by: str | None = None) -> tuple[VersionedPolicy, int]:
    """Store a new version in force at once: for a test or bench that stands in for both people. Returns the
    version and how many lines it released."""
    policy = resolve(pack, overrides)
    async with uow:
        versioned, released = await _put_in_force(uow, admdvs, policy, overrides, proposed_by=proposed_by,
                                                  approved_by=approved_by)
        await uow.commit()
    return versioned, released


async def _put_in_force(uow: DisbursementUnitOfWork, admdvs: str, policy: RegionPolicy, overrides: dict[str, Any],
                        *, proposed_by: str | None, approved_by: str | None) -> tuple[VersionedPolicy, int]:
    """Settlements that were waiting for a policy get their lines now."""
    version = await uow.policies.add(admdvs, policy, overrides, proposed_by=proposed_by, approved_by=approved_by)
    released = await compute_lines(uow, admdvs=admdvs)
    uow.outbox.add(topics.POLICY_SET, RegionPolicySet(
        admdvs=admdvs, version=version, pack=policy.pack, effective_from=policy.effective_from,
        policy=policy.model_dump(mode="json"), set_at=datetime.now(UTC)), key=admdvs)
    return VersionedPolicy(admdvs=admdvs, version=version, policy=policy), released


async def current_policy(admdvs: str, uow: DisbursementUnitOfWork) -> VersionedPolicy | None:
    async with uow:
        return await _in_force(uow, admdvs)


async def policy_versions(admdvs: str, uow: DisbursementUnitOfWork) -> list[dict[str, Any]]:
    """Every version, oldest first, with who proposed and who approved it."""
    async with uow:
        return await uow.policies.history(admdvs)


async def _in_force(uow: DisbursementUnitOfWork, admdvs: str) -> VersionedPolicy | None:
    versions = (await uow.policies.versions([admdvs])).get(admdvs, [])
    return versions[-1] if versions else None
