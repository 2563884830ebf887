from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from disbursement.api.deps import OperatorDep, UowDep
from disbursement.api.errors import problem
from disbursement.domain.errors import DisbursementError
from disbursement.domain.packs import PACKS
from disbursement.domain.policy import VersionedPolicy
from disbursement.service import policies
from shared.auth import ActorDep
from shared.contracts.codes import Admdvs, Text
from shared.problems import Problem, field_errors, not_found

router = APIRouter(prefix="/v1/regions", tags=["regions"], dependencies=[OperatorDep])

_EXAMPLE = {"pack": "zhenjiang", "effective_from": "2025-06-01",
            "prepayment": {"ratios": {"310": "0.60", "390": "0.50"}}}
_Name = Annotated[Text, StringConstraints(min_length=1, max_length=100)]


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approved_by: _Name


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rejected_by: _Name
    reason: Annotated[Text, StringConstraints(min_length=1, max_length=500)]


@router.get("")
async def get_regions(uow: UowDep) -> dict[str, Any]:
    """Every region with a policy, and its latest version."""
    async with uow:
        regions = sorted(await uow.policies.regions())
        versions = await uow.policies.versions(regions)
    return {"items": [{"admdvs": r, "version": versions[r][-1].version, "pack": versions[r][-1].policy.pack,
                       "effective_from": versions[r][-1].policy.effective_from.isoformat()} for r in regions]}


@router.put("/{admdvs}/policy", status_code=202, responses={202: {"description": "Proposed; awaits approval"}})
async def put_policy(admdvs: Admdvs, uow: UowDep, who: ActorDep,
                     body: dict[str, Any] = Body(..., examples=[_EXAMPLE])) -> dict[str, Any]:
    """Propose a new version of the region's policy: a shipped pack (national, jilin, shanxi, zhenjiang, leshan),
    the date it takes effect, and any of the pack's settings to override. The proposer is named in
    ``X-Jishi-Actor``; the change is in force once another person approves it (four eyes). Returns the proposal
    with the resolved policy and its diff against the latest version."""
    overrides = dict(body)
    pack = overrides.pop("pack", None)
    if pack not in PACKS:
        raise Problem(422, "validation-error", "The request is not valid", f"pack must be one of {', '.join(PACKS)}",
                      errors=[{"field": "pack", "message": f"must be one of {', '.join(PACKS)}"}])
    try:
        return await policies.propose_policy(admdvs, pack, overrides, who, uow)
    except ValidationError as exc:
        errors = field_errors(list(exc.errors()))
        raise Problem(422, "invalid-policy", "The policy is not valid",
                      "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors) from exc
    except DisbursementError as exc:
        raise problem(exc) from exc


@router.get("/{admdvs}/policy")
async def get_policy(admdvs: Admdvs, uow: UowDep) -> dict[str, Any]:
    """The region's latest policy version in force, fully resolved."""
    versioned = await policies.current_policy(admdvs, uow)
    if versioned is None:
        raise not_found(f"a policy for region {admdvs}")
    return _out(versioned)


@router.get("/{admdvs}/policy/versions")
async def get_policy_versions(admdvs: Admdvs, uow: UowDep) -> dict[str, Any]:
    """Every version of the region's policy, oldest first, with who proposed and who approved each."""
    return {"admdvs": admdvs, "items": await policies.policy_versions(admdvs, uow)}


@router.get("/{admdvs}/policy/proposals")
async def get_proposals(admdvs: Admdvs, uow: UowDep, status: Annotated[
        str | None, Query(pattern="^(proposed|approved|rejected)$")] = None) -> dict[str, Any]:
    """The region's proposals, newest first; ``status=proposed`` for those awaiting a second person."""
    return {"admdvs": admdvs, "items": await policies.proposals(admdvs, uow, status=status)}


@router.get("/{admdvs}/policy/proposals/{proposal_id}")
async def get_proposal(admdvs: Admdvs, proposal_id: uuid.UUID, uow: UowDep) -> dict[str, Any]:
    found = await policies.proposal(admdvs, proposal_id, uow)
    if found is None:
        raise not_found(f"policy proposal {proposal_id} of region {admdvs}")
    return found


@router.post("/{admdvs}/policy/proposals/{proposal_id}/approval")
async def post_approval(admdvs: Admdvs, proposal_id: uuid.UUID, body: ApprovalIn, uow: UowDep) -> dict[str, Any]:
    """The second person puts the proposal in force (403 for its proposer, 409 once rejected); approving it
    again returns the same version."""
    try:
        versioned, released = await policies.approve_policy(admdvs, proposal_id, body.approved_by, uow)
    except DisbursementError as exc:
        raise problem(exc) from exc
    return {**_out(versioned), "proposal_id": str(proposal_id), "lines_released": released}


@router.post("/{admdvs}/policy/proposals/{proposal_id}/rejection")
async def post_rejection(admdvs: Admdvs, proposal_id: uuid.UUID, body: RejectionIn, uow: UowDep) -> dict[str, Any]:
    """The second person sends the proposal back with a reason; nothing changes in force."""
    try:
        return await policies.reject_policy(admdvs, proposal_id, body.rejected_by, body.reason, uow)
    except DisbursementError as exc:
        raise problem(exc) from exc


def _out(versioned: VersionedPolicy) -> dict[str, Any]:
    return {"admdvs": versioned.admdvs, "version": versioned.version, **versioned.policy.model_dump(mode="json")}
