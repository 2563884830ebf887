"""The review queue (人工复核, N art.13): a finding with the fee lines that prove it; a reviewer confirms it with
the amount to deduct (it lands in the month's settlement, JL art.13) or dismisses it with a reason."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.adapters.services import Refusal
from console.api.web import Who, allowed, done, form_of, page_status, record, refused, render, services_of
from console.domain.forms import DecisionForm, FormError, parse
from console.domain.roles import Action

router = APIRouter(include_in_schema=False)
STATUSES = ("open", "confirmed", "dismissed", "reversed")


@router.get("/review")
async def queue(request: Request) -> Response:
    who = await allowed(request, Action.VIEW)
    status = request.query_params.get("status") or "open"
    status = status if status in STATUSES else "open"
    cursor = request.query_params.get("cursor") or None
    page = await services_of(request).get("audit", "/v1/findings", {
        "status": status, "admdvs": request.query_params.get("admdvs"), "limit": 25, "cursor": cursor})
    return render(request, "review.html", who, findings=page["items"], next_cursor=page["next_cursor"],
                  status=status, statuses=STATUSES, admdvs=request.query_params.get("admdvs", ""))


@router.get("/review/{finding_id}")
async def finding_page(request: Request, finding_id: uuid.UUID) -> Response:
    who = await allowed(request, Action.VIEW)
    return await _finding(request, who, finding_id)


async def _finding(request: Request, who: Who, finding_id: uuid.UUID, status_code: int = 200,
                   **context: Any) -> Response:
    finding = await services_of(request).get("audit", f"/v1/findings/{finding_id}")
    return render(request, "finding.html", who, status_code, finding=finding, **context)


@router.post("/review/{finding_id}/decision")
async def decide(request: Request, finding_id: uuid.UUID) -> Response:
    who = await allowed(request, Action.DECIDE_FINDING)
    data = await form_of(request, who)
    try:
        form = parse(DecisionForm, data)
    except FormError as exc:
        return await _finding(request, who, finding_id, 422, errors=exc.errors, sent=data)
    body = {"decision": form.decision, "reviewer": who.actor, "reason": form.reason,
            **({"amount": f"{form.amount:.2f}"} if form.amount is not None and form.decision == "confirm" else {})}
    try:
        finding = await services_of(request).post("audit", f"/v1/findings/{finding_id}/decision", body,
                                                  actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "decide_finding", f"finding:{finding_id}", exc)
        return await _finding(request, who, finding_id, page_status(exc), refusal=exc, sent=data)
    await record(request, who, "decide_finding", f"finding:{finding_id}", decision=form.decision,
                 amount=body.get("amount"), reason=form.reason, setl_id=finding["setl_id"])
    return done(f"/review/{finding_id}", f"{finding['setl_id']}: {finding['status']}")
