"""Watching institutions as their records are audited (实时监测, N art.20, JL art.22): each batch adds its
records to their institutions' days, reads each touched day against its baseline and its peers, and raises
or updates the warnings — in the audit's own transaction, so a record is counted exactly once.

Risk lives in audit because audit already reads every settlement and its outcome as it arrives, per
institution (the partition key), and keeps the history the indicators need; a service of its own would
consume the same two topics again to rebuild the same state."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from audit.domain.risk import DayFigures, RiskConfig, readings, supersedes
from audit.service.uow import AuditUnitOfWork

log = logging.getLogger(__name__)

#: Warning ids are derived from what they warn about, so two replicas raising the same warning agree.
_WARNINGS = uuid.UUID("5b0c7f3e-2a7d-4d0e-9a51-2f3b8e6d1c40")


def warning_id_of(fixmedins_code: str, day: date, indicator: str) -> uuid.UUID:
    return uuid.uuid5(_WARNINGS, f"{fixmedins_code}/{day.isoformat()}/{indicator}")


@dataclass(frozen=True)
class RegionRisk:
    admdvs: str
    #: 0 while the region has never been configured (the defaults).
    version: int
    config: RiskConfig

    def describe(self) -> dict[str, Any]:
        return {"admdvs": self.admdvs, "version": self.version, **self.config.model_dump(mode="json")}


class RiskConfigs:
    """The regions' indicators in force, parsed once per (region, version). Not ``watching``: a deployment
    that watches risk elsewhere (``AUDIT_RISK_WATCH=false``); nothing is counted or judged, and ``bench/audit.py
    --no-risk`` measures the indicators' cost against it."""

    def __init__(self, *, watching: bool = True) -> None:
        self.watching = watching
        self._parsed: dict[tuple[str, int], RegionRisk] = {}

    async def in_force(self, uow: AuditUnitOfWork, regions: set[str]) -> dict[str, RegionRisk]:
        latest = await uow.risk_configs.latest(regions)
        return {admdvs: self._parse(admdvs, *latest.get(admdvs, (0, {}))) for admdvs in regions}

    def _parse(self, admdvs: str, version: int, raw: dict[str, Any]) -> RegionRisk:
        key = (admdvs, version)
        if key not in self._parsed:
            try:
                config = RiskConfig.of(raw)
            except ValidationError:
                # stored by an earlier version of this service and no longer valid whole: the defaults watch on
                log.error("region %s risk config v%d no longer valid; the defaults apply", admdvs, version)
                config = RiskConfig()
            self._parsed[key] = RegionRisk(admdvs, version, config)
        return self._parsed[key]


def tally(records: Iterable[tuple[str, str, date, DayFigures]]) -> dict[tuple[str, date], tuple[str, DayFigures]]:
    """A batch's records (institution, region, day, figures of one record) summed per institution and day."""
    days: dict[tuple[str, date], tuple[str, DayFigures]] = {}
    for code, admdvs, day, figures in records:
        _, before = days.get((code, day), (admdvs, DayFigures()))
        days[(code, day)] = (admdvs, before + figures)
    return days


async def watch(uow: AuditUnitOfWork, batch: dict[tuple[str, date], tuple[str, DayFigures]],
                risks: Mapping[str, RegionRisk], now: datetime) -> int:
    """Count the batch on its days and judge each day touched; returns how many warnings were raised or
    updated."""
    if not batch:
        return 0
    counted = await uow.risk.count(batch)
    return await judge(uow, {key: (batch[key][0], figures) for key, figures in counted.items()}, risks, now)


async def judge(uow: AuditUnitOfWork, days: dict[tuple[str, date], tuple[str, DayFigures]],
                risks: Mapping[str, RegionRisk], now: datetime) -> int:
    if not days:
        return 0
    longest = max(r.config.baseline_days for r in risks.values())
    baselines = await uow.risk.baselines(days, longest)
    regions = await uow.risk.region_days({(admdvs, day) for (_, day), (admdvs, _) in days.items()})
    found = []
    for (code, day), (admdvs, figures) in days.items():
        region = risks[admdvs]
        peers = _less(regions.get((admdvs, day), figures), figures)
        baseline = baselines.get((code, day), [])[: region.config.baseline_days]
        for reading in readings(figures, baseline=baseline, peers=peers, config=region.config):
            found.append((code, admdvs, day, figures, region, reading))
    if not found:
        return 0
    before = await uow.risk.levels((code, day, r.indicator) for code, _, day, _, _, r in found)
    rows = [{
        "warning_id": warning_id_of(code, day, r.indicator), "fixmedins_code": code, "admdvs": admdvs, "day": day,
        "indicator": r.indicator, "basis": r.basis, "level": r.level, "value": r.value, "figure": r.figure,
        "reference": r.reference, "threshold": r.threshold, "records": figures.records,
        "config_version": region.version, "at": now,
    } for code, admdvs, day, figures, region, r in found
        if r.level is not None and supersedes(r.level, before.get((code, day, r.indicator)))]
    await uow.risk.save_warnings(rows)
    for row in rows:
        if before.get((row["fixmedins_code"], row["day"], row["indicator"])) != row["level"]:
            log.warning("risk warning %s %s: %s %s on %s = %s (threshold %s)", row["level"], row["warning_id"],
                        row["fixmedins_code"], row["indicator"], row["day"], row["value"], row["threshold"])
    return len(rows)


def _less(region: DayFigures, own: DayFigures) -> DayFigures:
    return DayFigures(*(getattr(region, f) - getattr(own, f) for f in DayFigures.__dataclass_fields__))


async def watch_reversals(uow: AuditUnitOfWork, keys: list[tuple[str, str]], risks: RiskConfigs) -> None:
    """Reversals newly heard count on their settlements' days, which are judged again."""
    if not risks.watching:
        return
    days = await uow.risk.count_reversals(keys)
    if days:
        regions = await risks.in_force(uow, {admdvs for admdvs, _ in days.values()})
        await judge(uow, days, regions, datetime.now(UTC))
