"""A region's audit configuration (统筹区审核配置): the share of passed records sampled for review and its seed,
whether clear-cut violations are deducted at once or proposed to reviewers, and which rules run with which
parameters. Data an operator changes without a deploy; each change is a new version, never an edit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from audit.domain.library import Rule
from audit.domain.outcome import RuleSetting

log = logging.getLogger(__name__)

#: N art.13 leaves the share to the region; one in a hundred passed records until it says otherwise.
DEFAULT_SAMPLE_SHARE = Decimal("0.01")
DEFAULT_SAMPLE_SEED = 20250725  # the day the national procedure was issued

SampleShare = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]
Seed = Annotated[int, Field(ge=0, le=2**63 - 1)]


class RuleOverride(BaseModel):
    """A region's changes to one rule; what is left out keeps the rule's default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool | None = None
    #: False sends the rule's findings to reviewers even where it is clear-cut by default; True the reverse.
    clear_cut: bool | None = None
    params: dict[str, Any] = {}


class AuditConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sample_share: SampleShare = DEFAULT_SAMPLE_SHARE
    sample_seed: Seed = DEFAULT_SAMPLE_SEED
    #: True: a record only clear-cut rules found wrong is deducted at once (source "automatic"); False: it
    #: is proposed to reviewers like a suspicious one.
    auto_confirm: bool = True
    rules: dict[str, RuleOverride] = {}


class InvalidConfig(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class RegionAudit:
    """A region's configuration resolved against the rule library: what the consumer runs."""

    admdvs: str
    #: 0 while the region has never been configured (the defaults).
    version: int
    config: AuditConfig
    settings: list[RuleSetting]

    @property
    def enabled(self) -> list[RuleSetting]:
        return [s for s in self.settings if s.enabled]

    def describe(self) -> dict[str, Any]:
        return {
            "admdvs": self.admdvs, "version": self.version,
            "sample_share": f"{self.config.sample_share:.4f}", "sample_seed": self.config.sample_seed,
            "auto_confirm": self.config.auto_confirm,
            "rules": [{"rule_id": s.rule.rule_id, "family": s.rule.family, "severity": s.rule.severity,
                       "enabled": s.enabled, "clear_cut": s.is_clear_cut,
                       "params": (s.params or s.rule.defaults).model_dump(mode="json"),
                       "overridden": s.rule.rule_id in self.config.rules}
                      for s in self.settings],
        }


def resolve(admdvs: str, version: int, config: AuditConfig, library: Mapping[str, Rule], *,
            strict: bool = True) -> RegionAudit:
    """The region's rules with its overrides applied, each rule's parameters validated against its model.
    Raises ``InvalidConfig`` naming every field at fault (``rules.MED-LOS-01.params.norms.J18``); not
    ``strict`` (a stored version a later library no longer accepts), a rule whose override fails runs with its
    defaults and a rule no longer in the library is ignored — records are still audited, never refused."""
    errors: list[dict[str, Any]] = []
    settings = []
    for rule_id in config.rules:
        if rule_id not in library:
            errors.append({"field": f"rules.{rule_id}", "message": f"no rule {rule_id} in the library"})
    for rule in library.values():
        override = config.rules.get(rule.rule_id)
        if override is None:
            settings.append(RuleSetting(rule, params=rule.defaults))
            continue
        try:
            params = rule.params.model_validate({**rule.defaults.model_dump(), **override.params})
        except ValidationError as exc:
            errors += _errors(exc, f"rules.{rule.rule_id}.params.")
            continue
        settings.append(RuleSetting(rule, enabled=override.enabled is not False, clear_cut=override.clear_cut,
                                    params=params))
    if errors and strict:
        raise InvalidConfig(errors)
    if errors:
        log.error("region %s audit config v%d: %s; those rules run with their defaults", admdvs, version,
                  "; ".join(f"{e['field']}: {e['message']}" for e in errors))
        done = {s.rule.rule_id for s in settings}
        settings += [RuleSetting(rule, params=rule.defaults) for rule in library.values() if rule.rule_id not in done]
        settings.sort(key=lambda s: list(library).index(s.rule.rule_id))
    return RegionAudit(admdvs, version, config, settings)


def parse_override(body: Mapping[str, Any]) -> RuleOverride:
    """One rule's setting as an operator sends it; ``InvalidConfig`` names each field at fault."""
    try:
        return RuleOverride.model_validate(body)
    except ValidationError as exc:
        raise InvalidConfig(_errors(exc)) from exc


def parse(body: Mapping[str, Any], library: Mapping[str, Rule]) -> AuditConfig:
    """An operator's configuration, validated whole; ``InvalidConfig`` lists every field at fault."""
    try:
        config = AuditConfig.model_validate(body)
    except ValidationError as exc:
        raise InvalidConfig(_errors(exc)) from exc
    resolve("000000", 0, config, library)
    return config


def _errors(exc: ValidationError, prefix: str = "") -> list[dict[str, Any]]:
    out = []
    for error in exc.errors():
        path = ".".join(str(p) for p in error["loc"])
        field = prefix + path if path else prefix.rstrip(".") or "(body)"
        out.append({"field": field, "message": error["msg"].removeprefix("Value error, ")})
    return out
