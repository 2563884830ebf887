"""What operators read and do about risk (风险预警处置, N art.20-21, JL art.22-23): the warnings with the
records that explain them, the regions' indicators, and the measures — an interview reminder (约谈提醒), a
lowered ratio, a suspension, or a dismissal — each recorded with who and why, once. A lowered ratio and a
suspension go to disbursement as ``audit.risk-measure-taken``, in the same transaction as the record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from audit.adapters.tables import RiskMeasure, RiskWarning
from audit.domain.config import InvalidConfig
from audit.domain.risk import RiskConfig
from audit.service.risk import RegionRisk, RiskConfigs
from audit.service.uow import AuditUnitOfWork
from shared.contracts import topics
from shared.contracts.events import RiskMeasureTaken
from shared.problems import field_errors

#: The measures published (disbursement carries out the ratio and the suspension; a dismissal stays here), and
#: the warning's status after each.
_PUBLISHED = {"interview", "lower_ratio", "suspend"}
_STATUS_AFTER = {"interview": "handled", "lower_ratio": "handled", "suspend": "handled", "dismiss": "dismissed"}


class MeasureRefused(Exception):
    def __init__(self, status: int, slug: str, message: str) -> None:
        super().__init__(message)
        self.status, self.slug = status, slug


@dataclass(frozen=True)
class Measure:
    warning_id: uuid.UUID
    measure: str
    reason: str
    taken_by: str
    ratio: Decimal | None = None
    effective_from: date | None = None
    request_id: uuid.UUID | None = None


async def take_measure(m: Measure, uow: AuditUnitOfWork) -> dict[str, Any]:
    """Record the measure and, for one disbursement carries out, publish it. The same ``request_id`` again
    returns the first result; with other content it is refused (409)."""
    if (m.measure == "lower_ratio") != (m.ratio is not None and m.effective_from is not None):
        raise MeasureRefused(422, "validation-error", "ratio and effective_from come with lower_ratio, and only "
                                                      "with it")
    now = datetime.now(UTC)
    measure_id = m.request_id or uuid.uuid4()
    async with uow:
        warning = await uow.risk.warning(m.warning_id, for_update=True)
        if warning is None:
            raise MeasureRefused(404, "not-found", f"risk warning {m.warning_id} does not exist")
        row = {"measure_id": measure_id, "warning_id": m.warning_id, "measure": m.measure, "ratio": m.ratio,
               "effective_from": m.effective_from, "actor": m.taken_by, "reason": m.reason, "taken_at": now}
        if not await uow.risk.add_measure(row):
            return await _replayed(m, measure_id, warning, uow)
        await uow.risk.set_status(m.warning_id, _STATUS_AFTER[m.measure])
        if m.measure in _PUBLISHED:
            uow.outbox.add(topics.RISK_MEASURE_TAKEN, RiskMeasureTaken(
                measure_id=measure_id, warning_id=m.warning_id, fixmedins_code=warning.fixmedins_code,
                admdvs=warning.admdvs, measure=m.measure, ratio=m.ratio,  # type: ignore[arg-type]
                effective_from=m.effective_from, actor=m.taken_by, reason=m.reason, taken_at=now),
                key=warning.fixmedins_code)
        await uow.session.flush()
        view = await _view(warning, uow, with_records=False)
        await uow.commit()
    return view


async def _replayed(m: Measure, measure_id: uuid.UUID, warning: RiskWarning,
                    uow: AuditUnitOfWork) -> dict[str, Any]:
    first = next((x for x in (await uow.risk.measures([m.warning_id]))[m.warning_id]
                  if x.measure_id == measure_id), None)
    if first is None or (first.measure, first.ratio, first.effective_from, first.actor, first.reason) != (
            m.measure, m.ratio, m.effective_from, m.taken_by, m.reason):
        raise MeasureRefused(409, "conflict", f"request {measure_id} was already used for another measure")
    return await _view(warning, uow, with_records=False)


async def warnings_page(uow: AuditUnitOfWork, *, limit: int, offset: int, **where: Any) -> dict[str, Any]:
    async with uow:
        total, rows = await uow.risk.warnings(limit=limit, offset=offset, **where)
        measures = await uow.risk.measures([w.warning_id for w in rows])
        return {"total": total, "limit": limit, "offset": offset,
                "items": [summary(w, measures[w.warning_id]) for w in rows]}


async def warning_view(warning_id: uuid.UUID, uow: AuditUnitOfWork) -> dict[str, Any] | None:
    async with uow:
        warning = await uow.risk.warning(warning_id)
        return None if warning is None else await _view(warning, uow, with_records=True)


async def _view(warning: RiskWarning, uow: AuditUnitOfWork, *, with_records: bool) -> dict[str, Any]:
    measures = (await uow.risk.measures([warning.warning_id]))[warning.warning_id]
    current = await uow.risk.warning(warning.warning_id)
    view = summary(current or warning, measures)
    if with_records:
        view["records"] = await uow.risk.explaining(warning)
    return view


def summary(w: RiskWarning, measures: list[RiskMeasure]) -> dict[str, Any]:
    return {
        "warning_id": str(w.warning_id), "fixmedins_code": w.fixmedins_code, "admdvs": w.admdvs,
        "day": w.day.isoformat(), "indicator": w.indicator, "basis": w.basis, "level": w.level,
        "value": f"{w.value:.4f}", "threshold": f"{w.threshold:.4f}", "figure": f"{w.figure:.4f}",
        "reference": None if w.reference is None else f"{w.reference:.4f}", "records_that_day": w.records,
        "config_version": w.config_version, "status": w.status, "raised_at": w.raised_at.isoformat(),
        "updated_at": w.updated_at.isoformat(),
        "measures": [{"measure_id": str(m.measure_id), "measure": m.measure,
                      "ratio": None if m.ratio is None else f"{m.ratio:.4f}",
                      "effective_from": m.effective_from.isoformat() if m.effective_from else None,
                      "taken_by": m.actor, "reason": m.reason, "taken_at": m.taken_at.isoformat()}
                     for m in measures],
    }


async def region_risk(admdvs: str, uow: AuditUnitOfWork, risks: RiskConfigs) -> RegionRisk:
    async with uow:
        return (await risks.in_force(uow, {admdvs}))[admdvs]


async def replace_risk_config(admdvs: str, body: dict[str, Any], changed_by: str, uow: AuditUnitOfWork,
                              risks: RiskConfigs) -> RegionRisk:
    """A new version of the region's indicators; applies to days judged from now on. ``InvalidConfig`` names
    every field at fault; nothing is stored then."""
    try:
        config = RiskConfig.of(body)
    except ValidationError as exc:
        raise InvalidConfig(field_errors(exc.errors())) from exc
    async with uow:
        version = await uow.risk_configs.append(admdvs, config.model_dump(mode="json"), datetime.now(UTC),
                                                changed_by=changed_by)
        await uow.commit()
    return RegionRisk(admdvs, version, config)
