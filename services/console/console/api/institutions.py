"""Institutions: the registry (claims), each one's enrollment state and history (disbursement), suspend or
resume with a reason (N art.20-21), and token rotation, the new token shown once."""

from __future__ import annotations

import asyncio
import math
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from console.adapters.services import Refusal
from console.api.web import Who, allowed, done, form_of, page_status, record, refused, render, services_of
from console.domain.forms import EnrollmentForm, FormError, parse
from console.domain.roles import Action

router = APIRouter(include_in_schema=False)
PAGE = 25
Code = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,30}$")]


@router.get("/institutions")
async def registry(request: Request) -> Response:
    who = await allowed(request, Action.VIEW)
    admdvs = request.query_params.get("admdvs") or None
    admdvs = admdvs if admdvs and admdvs.isdigit() and len(admdvs) == 6 else None
    page = _page(request.query_params.get("page"))
    listing = await services_of(request).get("claims", "/v1/institutions",
                                             {"admdvs": admdvs, "limit": PAGE, "offset": (page - 1) * PAGE})
    return render(request, "institutions.html", who, institutions=listing["items"], count=listing["count"],
                  page=page, pages=max(1, math.ceil(listing["count"] / PAGE)), admdvs=admdvs or "")


@router.get("/institutions/{code}")
async def institution_page(request: Request, code: Code) -> Response:
    who = await allowed(request, Action.VIEW)
    return await _institution(request, who, code)


async def _institution(request: Request, who: Who, code: str, status_code: int = 200, **context: Any) -> Response:
    services = services_of(request)
    institution, enrollment = await asyncio.gather(services.get("claims", f"/v1/institutions/{code}"),
                                                   services.get("disbursement", f"/v1/enrollments/{code}"))
    return render(request, "institution.html", who, status_code, institution=institution, enrollment=enrollment,
                  **context)


@router.post("/institutions/{code}/enrollment")
async def change_enrollment(request: Request, code: Code) -> Response:
    who = await allowed(request, Action.CHANGE_ENROLLMENT)
    data = await form_of(request, who)
    try:
        form = parse(EnrollmentForm, data)
    except FormError as exc:
        return await _institution(request, who, code, 422, errors=exc.errors, sent=data)
    body = {"action": form.action, "reason": f"{form.reason}（{who.actor}）"}
    try:
        state = await services_of(request).post("disbursement", f"/v1/enrollments/{code}", body, actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "change_enrollment", f"institution:{code}", exc)
        return await _institution(request, who, code, page_status(exc), refusal=exc, sent=data)
    await record(request, who, "change_enrollment", f"institution:{code}", action=form.action, reason=form.reason,
                 state=state["state"])
    return done(f"/institutions/{code}", f"{code}: {state['state']}")


@router.post("/institutions/{code}/token")
async def rotate_token(request: Request, code: Code) -> Response:
    who = await allowed(request, Action.ROTATE_TOKEN)
    await form_of(request, who)
    try:
        rotated = await services_of(request).post("claims", f"/v1/institutions/{code}/token", None, actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "rotate_token", f"institution:{code}", exc)
        return await _institution(request, who, code, page_status(exc), refusal=exc)
    await record(request, who, "rotate_token", f"institution:{code}")
    # Shown on this answer only, never stored by the console nor put in a redirect.
    return await _institution(request, who, code, new_token=rotated["token"])


def _page(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 100_000 else 1
