"""Risk warnings (风险预警, N art.20-21, JL art.22-23): the open ones first, each with the records of its day
that explain it, and the measure an operator takes on it — an interview reminder (约谈提醒), a lowered ratio
from a date, a suspension, or a dismissal — with who and why."""

from __future__ import annotations

import math
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.adapters.services import Refusal
from console.api.web import Who, allowed, done, form_of, page_status, record, refused, render, services_of
from console.domain.forms import FormError, RiskMeasureForm, parse
from console.domain.roles import Action

router = APIRouter(include_in_schema=False)
PAGE = 25
LEVELS, STATUSES = ("", "red", "yellow"), ("open", "handled", "dismissed", "")
MEASURES = ("interview", "lower_ratio", "suspend", "dismiss")


@router.get("/risk")
async def warning_list(request: Request) -> Response:
    who = await allowed(request, Action.VIEW)
    query = request.query_params
    level = query.get("level", "") if query.get("level", "") in LEVELS else ""
    status = query.get("status", "open") if query.get("status", "open") in STATUSES else "open"
    admdvs = query.get("admdvs", "")
    admdvs = admdvs if admdvs.isdigit() and len(admdvs) == 6 else ""
    page = int(query["page"]) if query.get("page", "").isdigit() and 0 < int(query["page"]) < 10_000 else 1
    listing = await services_of(request).get("audit", "/v1/risk/warnings", {
        "level": level, "status": status, "admdvs": admdvs, "limit": PAGE, "offset": (page - 1) * PAGE})
    return render(request, "risk.html", who, warnings=listing["items"], total=listing["total"], page=page,
                  pages=max(1, math.ceil(listing["total"] / PAGE)), level=level, status=status, admdvs=admdvs,
                  levels=LEVELS, statuses=STATUSES)


@router.get("/risk/{warning_id}")
async def warning_page(request: Request, warning_id: uuid.UUID) -> Response:
    who = await allowed(request, Action.VIEW)
    return await _warning(request, who, warning_id)


async def _warning(request: Request, who: Who, warning_id: uuid.UUID, status_code: int = 200,
                   **context: Any) -> Response:
    warning = await services_of(request).get("audit", f"/v1/risk/warnings/{warning_id}")
    # A new id each time the form is shown; the same form sent twice is recorded once by audit.
    return render(request, "warning.html", who, status_code, warning=warning, measures=MEASURES,
                  request_id=context.pop("request_id", None) or uuid.uuid4(), **context)


@router.post("/risk/{warning_id}/measures")
async def take_measure(request: Request, warning_id: uuid.UUID) -> Response:
    who = await allowed(request, Action.TAKE_RISK_MEASURE)
    data = await form_of(request, who)
    try:
        form = parse(RiskMeasureForm, data)
        body = form.body(who.actor)
    except FormError as exc:
        return await _warning(request, who, warning_id, 422, errors=exc.errors, sent=data,
                              request_id=_same_request(data))
    target = f"risk-warning:{warning_id}"
    try:
        warning = await services_of(request).post("audit", f"/v1/risk/warnings/{warning_id}/measures", body,
                                                  actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "take_risk_measure", target, exc)
        return await _warning(request, who, warning_id, page_status(exc), refusal=exc, sent=data,
                              request_id=_same_request(data))
    await record(request, who, "take_risk_measure", target, measure=form.measure, reason=form.reason,
                 ratio=body.get("ratio"), effective_from=body.get("effective_from"),
                 fixmedins_code=warning["fixmedins_code"])
    return done(f"/risk/{warning_id}", f"{warning['fixmedins_code']} · {warning['indicator']}: {form.measure}")


def _same_request(data: dict[str, Any]) -> uuid.UUID | None:
    """The form's request id when it is one: nothing was recorded, so sending the mended form is still the
    same request."""
    try:
        return uuid.UUID(str(data.get("request_id")))
    except ValueError:
        return None
