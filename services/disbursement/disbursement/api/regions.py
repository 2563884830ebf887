from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body
from pydantic import ValidationError

from disbursement.api.deps import OperatorDep, UowDep
from disbursement.domain.packs import PACKS
from disbursement.domain.policy import VersionedPolicy
from disbursement.service.policies import current_policy, set_policy
from shared.contracts.codes import Admdvs
from shared.problems import Problem, field_errors, not_found

router = APIRouter(prefix="/v1/regions", tags=["regions"], dependencies=[OperatorDep])

_EXAMPLE = {"pack": "zhenjiang", "effective_from": "2025-06-01",
            "prepayment": {"ratios": {"310": "0.60", "390": "0.50"}}}


@router.put("/{admdvs}/policy", status_code=200)
async def put_policy(admdvs: Admdvs, uow: UowDep,
                     body: dict[str, Any] = Body(..., examples=[_EXAMPLE])) -> dict[str, Any]:
    """A new version of the region's policy: a shipped pack (national, jilin, shanxi, zhenjiang, leshan), the
    date it takes effect, and any of the pack's settings to override. Returns the resolved policy."""
    overrides = dict(body)
    pack = overrides.pop("pack", None)
    if pack not in PACKS:
        raise Problem(422, "validation-error", "The request is not valid", f"pack must be one of {', '.join(PACKS)}",
                      errors=[{"field": "pack", "message": f"must be one of {', '.join(PACKS)}"}])
    try:
        versioned, released = await set_policy(admdvs, pack, overrides, uow)
    except ValidationError as exc:
        errors = field_errors(list(exc.errors()))
        raise Problem(422, "invalid-policy", "The policy is not valid",
                      "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors) from exc
    return {**_out(versioned), "lines_released": released}


@router.get("/{admdvs}/policy")
async def get_policy(admdvs: Admdvs, uow: UowDep) -> dict[str, Any]:
    """The region's latest policy version, fully resolved."""
    versioned = await current_policy(admdvs, uow)
    if versioned is None:
        raise not_found(f"a policy for region {admdvs}")
    return _out(versioned)


def _out(versioned: VersionedPolicy) -> dict[str, Any]:
    return {"admdvs": versioned.admdvs, "version": versioned.version, **versioned.policy.model_dump(mode="json")}
