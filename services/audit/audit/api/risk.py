"""Risk warnings (风险预警, N art.20-21, JL art.22-23): read them, act on them, and set each region's
indicators."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, ConfigDict, StringConstraints

from audit.api.deps import OperatorDep, UowDep
from audit.domain.config import InvalidConfig
from audit.service.risk import RiskConfigs
from audit.service.risk_measures import (
    Measure,
    MeasureRefused,
    region_risk,
    replace_risk_config,
    take_measure,
    warning_view,
    warnings_page,
)
from shared.auth import ActorDep
from shared.contracts.codes import Admdvs, Code, Text
from shared.contracts.events import Ratio
from shared.problems import Problem, not_found

router = APIRouter(tags=["risk"], dependencies=[OperatorDep])

_Name = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class MeasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: interview: 约谈提醒 (recorded, published); lower_ratio: the institution's disbursement ratio at most
    #: ``ratio`` for settlements of ``effective_from`` on; suspend: N art.21, nothing more paid from now;
    #: dismiss: looked at, no measure.
    measure: Literal["interview", "lower_ratio", "suspend", "dismiss"]
    reason: Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    taken_by: _Name
    ratio: Ratio | None = None
    effective_from: date | None = None
    #: Sending the same measure again with the same id records it once.
    request_id: uuid.UUID | None = None


def _risks(request: Request) -> RiskConfigs:
    return request.app.state.risk_configs  # type: ignore[no-any-return]


def _refused(exc: MeasureRefused) -> Problem:
    return Problem(exc.status, exc.slug, "The measure is refused", str(exc))


@router.get("/v1/risk/warnings")
async def get_warnings(
    uow: UowDep,
    admdvs: Annotated[Admdvs | None, Query()] = None,
    fixmedins_code: Annotated[Code | None, Query()] = None,
    level: Annotated[Literal["yellow", "red"] | None, Query()] = None,
    status: Annotated[Literal["open", "handled", "dismissed"] | None, Query()] = None,
    day_from: Annotated[date | None, Query()] = None,
    day_to: Annotated[date | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Warnings, newest first: institution, day, indicator, level (yellow: at ``warn``; red: at ``severe``),
    the value against its threshold and what it came from, and the measures taken."""
    return await warnings_page(uow, admdvs=admdvs, fixmedins_code=fixmedins_code, level=level, status=status,
                               day_from=day_from, day_to=day_to, limit=limit, offset=offset)


@router.get("/v1/risk/warnings/{warning_id}")
async def get_warning(warning_id: uuid.UUID, uow: UowDep) -> dict[str, Any]:
    """One warning with the records of its day that explain it (the largest fund payments first)."""
    view = await warning_view(warning_id, uow)
    if view is None:
        raise not_found(f"risk warning {warning_id}")
    return view


@router.post("/v1/risk/warnings/{warning_id}/measures")
async def post_measure(warning_id: uuid.UUID, body: MeasureIn, uow: UowDep) -> dict[str, Any]:
    """Act on a warning, with who and why (N art.20-21). A lowered ratio applies to lines computed from now
    for settlements of ``effective_from`` on — a line already computed keeps its ratio; a suspension holds
    the institution's payments from this moment (pending lines wait, not lost)."""
    try:
        return await take_measure(Measure(warning_id, body.measure, body.reason, body.taken_by, body.ratio,
                                          body.effective_from, body.request_id), uow)
    except MeasureRefused as exc:
        raise _refused(exc) from exc


@router.get("/v1/regions/{admdvs}/risk-indicators")
async def get_risk_indicators(admdvs: Admdvs, uow: UowDep, request: Request) -> dict[str, Any]:
    """The region's risk indicators in force (version 0: never configured, the defaults)."""
    return (await region_risk(admdvs, uow, _risks(request))).describe()


@router.put("/v1/regions/{admdvs}/risk-indicators")
async def put_risk_indicators(admdvs: Admdvs, uow: UowDep, request: Request, who: ActorDep,
                              body: dict[str, Any] = Body(..., examples=[{
                                  "indicators": {"fund_pay_jump": {"basis": "own_baseline", "warn": "2.5",
                                                                   "severe": "4"}},
                                  "high_cost_amount": "8000.00"}])) -> dict[str, Any]:
    """A new version of the region's indicators: each named indicator replaces its default whole (``basis``,
    ``warn``, ``severe``, ``min_records``, ``enabled``); applies to days judged from now on."""
    try:
        return (await replace_risk_config(admdvs, body, who or "operator", uow, _risks(request))).describe()
    except InvalidConfig as exc:
        raise Problem(422, "invalid-risk-config", "The risk indicators are not valid", str(exc),
                      errors=exc.errors) from exc
