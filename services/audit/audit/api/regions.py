from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from audit.api.deps import ConfigsDep, OperatorDep, UowDep
from audit.domain.config import InvalidConfig
from audit.service.configs import change_rule, region_config, replace_config
from shared.contracts.codes import Admdvs
from shared.problems import Problem, not_found

router = APIRouter(prefix="/v1/regions", tags=["regions"], dependencies=[OperatorDep])

_EXAMPLE = {"sample_share": "0.05", "sample_seed": 7, "auto_confirm": False,
            "rules": {"MED-LOS-01": {"params": {"norms": {"J18": 10}}}, "MGT-AVG-01": {"enabled": False},
                      "MGT-DUP-01": {"params": {"scope": "institution"}}}}


def _invalid(exc: InvalidConfig) -> Problem:
    return Problem(422, "invalid-audit-config", "The audit configuration is not valid", str(exc), errors=exc.errors)


@router.get("/{admdvs}/audit-config")
async def get_audit_config(admdvs: Admdvs, uow: UowDep, configs: ConfigsDep) -> dict[str, Any]:
    """The region's audit configuration in force (version 0: never configured, the defaults): the random
    sample's share and seed (N art.13), whether clear-cut violations are deducted at once, and every rule
    with its parameters as the region runs it."""
    return (await region_config(admdvs, uow, configs)).describe()


@router.put("/{admdvs}/audit-config")
async def put_audit_config(admdvs: Admdvs, uow: UowDep, configs: ConfigsDep,
                           body: dict[str, Any] = Body(..., examples=[_EXAMPLE])) -> dict[str, Any]:
    """A new version of the region's configuration, whole: a setting left out takes its default, except
    ``sample_seed``, which stays the region's. ``rules`` maps a rule id to ``enabled``, ``clear_cut`` and
    ``params`` (see ``GET /v1/rules`` for each rule's parameters). Applies to records audited from now on."""
    try:
        return (await replace_config(admdvs, body, uow, configs)).describe()
    except InvalidConfig as exc:
        raise _invalid(exc) from exc


@router.put("/{admdvs}/audit-config/rules/{rule_id}")
async def put_rule_setting(admdvs: Admdvs, rule_id: str, uow: UowDep, configs: ConfigsDep,
                           body: dict[str, Any] = Body(..., examples=[{"params": {"days": 30}}])) -> dict[str, Any]:
    """A new version with one rule's setting replaced (``enabled``, ``clear_cut``, ``params``)."""
    if rule_id not in configs.library:
        raise not_found(f"rule {rule_id}")
    try:
        return (await change_rule(admdvs, rule_id, body, uow, configs)).describe()
    except InvalidConfig as exc:
        raise _invalid(exc) from exc
