"""Operators (admin) and the trail of every operator action (visible to every role)."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.api.web import Who, allowed, done, form_of, record, render, uow_of
from console.domain.forms import FormError, OperatorForm, parse
from console.domain.roles import Action
from console.operators import add_operator

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/trail")
async def trail_page(request: Request) -> Response:
    who = await allowed(request, Action.VIEW)
    page = request.query_params.get("page", "1")
    page_no = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    username = request.query_params.get("username") or None
    async with uow_of(request) as uow:
        rows, count = await uow.trail.page(username=username, limit=PAGE, offset=(page_no - 1) * PAGE)
    return render(request, "trail.html", who, actions=rows, count=count, page=page_no,
                  pages=max(1, math.ceil(count / PAGE)), username=username or "")


@router.get("/operators")
async def operators_page(request: Request) -> Response:
    who = await allowed(request, Action.MANAGE_OPERATORS)
    return await _operators(request, who)


async def _operators(request: Request, who: Who, status_code: int = 200, **context: object) -> Response:
    async with uow_of(request) as uow:
        operators = await uow.operators.all()
    return render(request, "operators.html", who, status_code, operators=operators, **context)


@router.post("/operators")
async def create_operator(request: Request) -> Response:
    who = await allowed(request, Action.MANAGE_OPERATORS)
    data = await form_of(request, who)
    try:
        form = parse(OperatorForm, data)
    except FormError as exc:
        return await _operators(request, who, 422, errors=exc.errors, sent=data)
    if not await add_operator(uow_of(request), username=form.username, display_name=form.display_name,
                              roles=frozenset(form.roles), password=form.password, created_by=who.username):
        return await _operators(request, who, 409, errors={"username": "taken"}, sent=data)
    await record(request, who, "create_operator", f"operator:{form.username}", roles=sorted(form.roles))
    return done("/operators", f"{form.display_name} ({form.username})")
