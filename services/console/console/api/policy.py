"""Region policy: the versions in force, proposals with their diff against the latest, a new proposal (pack,
effective date, overrides), and a second person's approval or rejection — disbursement refuses the proposer."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from console.adapters.services import Refusal
from console.api.web import Who, allowed, done, form_of, page_status, record, refused, render, services_of
from console.domain.forms import FormError, PolicyForm, RejectionForm, parse
from console.domain.roles import Action

router = APIRouter(include_in_schema=False)
Admdvs = Annotated[str, Path(pattern=r"^\d{6}$")]


@router.get("/policy")
async def regions(request: Request) -> Response:
    who = await allowed(request, Action.VIEW)
    listing = await services_of(request).get("disbursement", "/v1/regions")
    return render(request, "regions.html", who, regions=listing["items"])


@router.get("/policy/{admdvs}")
async def region_page(request: Request, admdvs: Admdvs) -> Response:
    who = await allowed(request, Action.VIEW)
    return await _region(request, who, admdvs)


async def _region(request: Request, who: Who, admdvs: str, status_code: int = 200, **context: Any) -> Response:
    services = services_of(request)
    versions, proposals = (answer["items"] for answer in await asyncio.gather(
        services.get("disbursement", f"/v1/regions/{admdvs}/policy/versions"),
        services.get("disbursement", f"/v1/regions/{admdvs}/policy/proposals")))
    return render(request, "region.html", who, status_code, admdvs=admdvs, versions=list(reversed(versions)),
                  proposals=proposals, latest=versions[-1] if versions else None, **context)


@router.post("/policy/{admdvs}/proposals")
async def propose(request: Request, admdvs: Admdvs) -> Response:
    who = await allowed(request, Action.PROPOSE_POLICY)
    data = await form_of(request, who)
    try:
        body = parse(PolicyForm, data).body()
    except FormError as exc:
        return await _region(request, who, admdvs, 422, errors=exc.errors, sent=data)
    try:
        proposal = await services_of(request).put("disbursement", f"/v1/regions/{admdvs}/policy", body,
                                                  actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "propose_policy", f"policy:{admdvs}", exc)
        return await _region(request, who, admdvs, page_status(exc), refusal=exc, sent=data)
    await record(request, who, "propose_policy", f"policy:{admdvs}/proposal:{proposal['proposal_id']}",
                 against_version=proposal["against_version"], diff=proposal["diff"])
    return done(f"/policy/{admdvs}", f"{admdvs}: proposal {proposal['proposal_id'][:8]} awaits a second person")


@router.post("/policy/{admdvs}/proposals/{proposal_id}/approval")
async def approve(request: Request, admdvs: Admdvs, proposal_id: uuid.UUID) -> Response:
    who = await allowed(request, Action.DECIDE_POLICY)
    await form_of(request, who)
    target = f"policy:{admdvs}/proposal:{proposal_id}"
    try:
        version = await services_of(request).post(
            "disbursement", f"/v1/regions/{admdvs}/policy/proposals/{proposal_id}/approval",
            {"approved_by": who.actor}, actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "approve_policy", target, exc)
        return await _region(request, who, admdvs, page_status(exc), refusal=exc)
    await record(request, who, "approve_policy", target, version=version["version"],
                 lines_released=version["lines_released"])
    return done(f"/policy/{admdvs}", f"{admdvs}: version {version['version']} in force")


@router.post("/policy/{admdvs}/proposals/{proposal_id}/rejection")
async def reject(request: Request, admdvs: Admdvs, proposal_id: uuid.UUID) -> Response:
    who = await allowed(request, Action.DECIDE_POLICY)
    data = await form_of(request, who)
    try:
        form = parse(RejectionForm, data)
    except FormError as exc:
        return await _region(request, who, admdvs, 422, errors=exc.errors, sent=data)
    target = f"policy:{admdvs}/proposal:{proposal_id}"
    try:
        await services_of(request).post(
            "disbursement", f"/v1/regions/{admdvs}/policy/proposals/{proposal_id}/rejection",
            {"rejected_by": who.actor, "reason": form.reason}, actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "reject_policy", target, exc)
        return await _region(request, who, admdvs, page_status(exc), refusal=exc)
    await record(request, who, "reject_policy", target, reason=form.reason)
    return done(f"/policy/{admdvs}", f"{admdvs}: proposal {str(proposal_id)[:8]} rejected")
