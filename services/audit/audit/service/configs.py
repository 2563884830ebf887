"""Regions' audit configurations: read, changed by an operator (a new version each time), resolved for the
consumer once per version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from audit.domain.config import AuditConfig, InvalidConfig, RegionAudit, parse, parse_override, resolve
from audit.domain.library import Rule
from audit.service.uow import AuditUnitOfWork


class RegionConfigs:
    """The configurations in force, resolved against the library and cached per (region, version): the
    consumer asks once per batch which versions are in force (one query) and validates a version once."""

    def __init__(self, library: Mapping[str, Rule]) -> None:
        self.library = library
        self._resolved: dict[tuple[str, int], RegionAudit] = {}

    async def in_force(self, uow: AuditUnitOfWork, regions: set[str]) -> dict[str, RegionAudit]:
        latest = await uow.configs.latest(regions)
        return {admdvs: self._resolve(admdvs, *latest.get(admdvs, (0, {}))) for admdvs in regions}

    def _resolve(self, admdvs: str, version: int, raw: dict[str, Any]) -> RegionAudit:
        key = (admdvs, version)
        if key not in self._resolved:
            self._resolved[key] = resolve(admdvs, version, _stored(raw), self.library, strict=False)
        return self._resolved[key]


def _stored(raw: dict[str, Any]) -> AuditConfig:
    try:
        return AuditConfig.model_validate(raw)
    except ValueError:
        # Written by an earlier version of this service and no longer readable whole: keep what still is.
        known = {k: v for k, v in raw.items() if k in AuditConfig.model_fields and k != "rules"}
        return AuditConfig.model_validate(known)


async def region_config(admdvs: str, uow: AuditUnitOfWork, configs: RegionConfigs) -> RegionAudit:
    async with uow:
        return (await configs.in_force(uow, {admdvs}))[admdvs]


async def replace_config(admdvs: str, body: Mapping[str, Any], uow: AuditUnitOfWork,
                         configs: RegionConfigs) -> RegionAudit:
    """A new version of the region's configuration, whole: what the body leaves out takes its default, except
    the sample's seed, which stays the region's until the operator gives another (so the sample goes on
    being drawn the same way). Raises ``InvalidConfig`` naming every field at fault; nothing is stored then."""
    async with uow:
        current = (await configs.in_force(uow, {admdvs}))[admdvs]
        body = dict(body)
        body.setdefault("sample_seed", current.config.sample_seed)
        config = parse(body, configs.library)
        region = await _append(admdvs, config, uow, configs)
        await uow.commit()
    return region


async def change_rule(admdvs: str, rule_id: str, override: Mapping[str, Any], uow: AuditUnitOfWork,
                      configs: RegionConfigs) -> RegionAudit:
    """A new version with one rule's setting replaced (enabled, clear_cut, params); the rest unchanged."""
    if rule_id not in configs.library:
        raise InvalidConfig([{"field": "rule_id", "message": f"no rule {rule_id} in the library"}])
    async with uow:
        current = (await configs.in_force(uow, {admdvs}))[admdvs]
        setting = parse_override(override)
        body = current.config.model_dump(mode="json")
        body["rules"] = {**body["rules"], rule_id: setting.model_dump(mode="json", exclude_none=True)}
        config = parse(body, configs.library)
        region = await _append(admdvs, config, uow, configs)
        await uow.commit()
    return region


async def _append(admdvs: str, config: AuditConfig, uow: AuditUnitOfWork, configs: RegionConfigs) -> RegionAudit:
    stored = config.model_dump(mode="json", exclude_none=True)
    version = await uow.configs.append(admdvs, stored, datetime.now(UTC))
    return resolve(admdvs, version, config, configs.library)
