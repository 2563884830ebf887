"""Signing in and out. The login form carries its own CSRF token (double-submit cookie), since there is no
session yet to hold one."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from console.api.web import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    NotSignedIn,
    Who,
    open_session,
    record,
    render,
    signed_in,
    uow_of,
)
from console.domain.forms import FormError, LoginForm, parse
from console.domain.passwords import DUMMY_HASH, verify_password
from console.domain.roles import Role
from shared.auth import token_hash

router = APIRouter(include_in_schema=False)


def _next(target: str | None) -> str:
    # Only a path of this console: never another site (an open redirect).
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _login_page(request: Request, status_code: int = 200, **context: object) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, status_code=status_code, login_csrf=token,
                      next=_next(request.query_params.get("next")), **context)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login")
async def login_page(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, data.get("csrf_token", "")):
        return _login_page(request, 403, error="csrf")
    try:
        credentials = parse(LoginForm, data)
    except FormError as exc:
        return _login_page(request, 422, errors=exc.errors, username=data.get("username", ""))
    async with uow_of(request) as uow:
        operator = await uow.operators.get(credentials.username)
    if not verify_password(operator.password_hash if operator else DUMMY_HASH, credentials.password) \
            or operator is None or not operator.active:
        return _login_page(request, 401, error="credentials", username=credentials.username)
    response = RedirectResponse(_next(data.get("next")), status_code=303)
    await open_session(request, operator, response)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    who = Who(operator.username, operator.display_name, frozenset(Role(r) for r in operator.roles), "")
    await record(request, who, "login", f"operator:{operator.username}")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    try:
        who = await signed_in(request)
    except NotSignedIn:
        return RedirectResponse("/login", status_code=303)
    form = await request.form()
    sent = form.get("csrf_token")
    if isinstance(sent, str) and hmac.compare_digest(sent, who.csrf_token):
        async with uow_of(request) as uow:
            await uow.sessions.end(token_hash(request.cookies.get(SESSION_COOKIE, "")))
            await uow.commit()
        await record(request, who, "logout", f"operator:{who.username}")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
