"""Runs: the list (filter, page), a run's summary per institution × fund with its totals, its sign-off, and
the summary as XLSX or PDF. A clerk prepares, an approver signs; disbursement refuses the maker's signature."""

from __future__ import annotations

import math
import uuid
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.adapters.documents import summary_pdf, summary_xlsx, title_of
from console.adapters.services import Refusal
from console.api.web import Who, allowed, done, form_of, page_status, record, refused, render, services_of
from console.domain.forms import FormError, PrepareRunForm, RunFilter, SignForm, parse
from console.domain.roles import Action

router = APIRouter(include_in_schema=False)
PAGE = 20


@router.get("/runs")
async def runs_page(request: Request) -> Response:
    who = await allowed(request, Action.VIEW)
    return await _runs(request, who)


async def _runs(request: Request, who: Who, status_code: int = 200, **context: Any) -> Response:
    try:
        wanted = parse(RunFilter, dict(request.query_params))
    except FormError as exc:
        wanted, context = RunFilter(), {**context, "filter_errors": exc.errors}
    listing = await services_of(request).get("disbursement", "/v1/runs", {
        "admdvs": wanted.admdvs, "run_type": wanted.run_type, "status": wanted.status,
        "limit": PAGE, "offset": (wanted.page - 1) * PAGE})
    pages = max(1, math.ceil(listing["count"] / PAGE))
    return render(request, "runs.html", who, status_code, runs=listing["items"], count=listing["count"],
                  page=wanted.page, pages=pages, wanted=wanted, **context)


@router.post("/runs")
async def prepare_run(request: Request) -> Response:
    who = await allowed(request, Action.PREPARE_RUN)
    data = await form_of(request, who)
    try:
        form = parse(PrepareRunForm, data)
        body = form.body()
    except FormError as exc:
        return await _runs(request, who, 422, prepare_errors=exc.errors, prepare=data)
    try:
        run = await services_of(request).post("disbursement", f"/v1/runs/{form.run_type}", body, actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "prepare_run", f"runs:{form.run_type}:{form.admdvs}", exc)
        return await _runs(request, who, page_status(exc), refusal=exc, prepare=data)
    await record(request, who, "prepare_run", f"run:{run['run_id']}", run_type=form.run_type, asked=body,
                 status=run["status"], total=run["total"], policy_version=run["policy_version"])
    return done(f"/runs/{run['run_id']}", f"{title_of(run)}: {run['status']}")


@router.get("/runs/{run_id}")
async def run_page(request: Request, run_id: uuid.UUID) -> Response:
    who = await allowed(request, Action.VIEW)
    return await _run(request, who, run_id)


async def _run(request: Request, who: Who, run_id: uuid.UUID, status_code: int = 200, **context: Any) -> Response:
    run = await services_of(request).get("disbursement", f"/v1/runs/{run_id}")
    # What the lines pay once signed (carried-in amounts included), exact: Decimal over the API's strings.
    to_pay = sum((Decimal(line["payment"]) for line in run["lines"]), Decimal("0.00"))
    settles = any("deductions" in line for line in run["lines"])
    return render(request, "run.html", who, status_code, run=run, title=title_of(run), to_pay=to_pay,
                  settles=settles, **context)


@router.post("/runs/{run_id}/sign-off")
async def sign_run(request: Request, run_id: uuid.UUID) -> Response:
    who = await allowed(request, Action.SIGN_RUN)
    data = await form_of(request, who)
    try:
        form = parse(SignForm, data)
    except FormError as exc:
        return await _run(request, who, run_id, 422, sign_errors=exc.errors)
    body = {"signed_by": who.actor, **({"note": form.note} if form.note else {})}
    try:
        run = await services_of(request).post("disbursement", f"/v1/runs/{run_id}/sign-off", body, actor=who.actor)
    except Refusal as exc:
        await refused(request, who, "sign_run", f"run:{run_id}", exc)
        return await _run(request, who, run_id, page_status(exc), refusal=exc)
    await record(request, who, "sign_run", f"run:{run_id}", status=run["status"], payment_total=run["payment_total"],
                 prepared_by=run.get("prepared_by"), policy_version=run["policy_version"])
    return done(f"/runs/{run_id}", f"{title_of(run)}: {run['status']} ({who.actor})")


@router.get("/runs/{run_id}/summary.xlsx")
async def run_xlsx(request: Request, run_id: uuid.UUID) -> Response:
    await allowed(request, Action.VIEW)
    run = await services_of(request).get("disbursement", f"/v1/runs/{run_id}")
    return Response(summary_xlsx(run), headers={"content-disposition": f'attachment; filename="{run_id}.xlsx"'},
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/runs/{run_id}/summary.pdf")
async def run_pdf(request: Request, run_id: uuid.UUID) -> Response:
    await allowed(request, Action.VIEW)
    run = await services_of(request).get("disbursement", f"/v1/runs/{run_id}")
    return Response(summary_pdf(run), media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{run_id}.pdf"'})

