"""What every console route needs: the signed-in operator (session cookie), the role an action needs, the CSRF
token of a form, the language, and a page rendered with all of it."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from console.adapters.repositories import Account
from console.adapters.services import Refusal, Services
from console.adapters.tables import Session
from console.adapters.uow import ConsoleUnitOfWork
from console.domain.display import beijing, yuan
from console.domain.roles import NEEDS, Action, Role, may
from console.settings import ConsoleSettings
from shared.auth import token_hash
from shared.service import runtime_of

SESSION_COOKIE, LANG_COOKIE, FLASH_COOKIE, LOGIN_CSRF_COOKIE = "jishi_session", "jishi_lang", "jishi_flash", "jishi_login_csrf"
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
TEMPLATES.env.filters.update(yuan=yuan, beijing=beijing)


@dataclass(frozen=True)
class Who:
    username: str
    display_name: str
    roles: frozenset[Role]
    csrf_token: str

    @property
    def actor(self) -> str:
        """How the services record this person: a name a reader recognises, made unique by the login."""
        return f"{self.display_name} ({self.username})"

    def may(self, action: Action | str) -> bool:
        return may(self.roles, Action(action))


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def settings_of(request: Request) -> ConsoleSettings:
    settings: ConsoleSettings = runtime_of(request).settings  # type: ignore[assignment]
    return settings


def uow_of(request: Request) -> ConsoleUnitOfWork:
    uow: ConsoleUnitOfWork = runtime_of(request).uow()
    return uow


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def lang_of(request: Request) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return wanted if wanted in ("zh", "en") else "zh"


async def signed_in(request: Request) -> Who:
    """The operator of this browser's session, or NotSignedIn (a page redirects to the login)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotSignedIn
    async with uow_of(request) as uow:
        found = await uow.sessions.live(token_hash(token), datetime.now(UTC))
    if found is None:
        raise NotSignedIn
    csrf_token, operator = found
    return Who(operator.username, operator.display_name, frozenset(Role(r) for r in operator.roles), csrf_token)


async def allowed(request: Request, action: Action) -> Who:
    who = await signed_in(request)
    if not who.may(action):
        raise Forbidden(f"{who.username} has no role that may {action.value} "
                        f"(needs one of: {', '.join(sorted(r.value for r in NEEDS[action]))})")
    return who


async def form_of(request: Request, who: Who) -> dict[str, Any]:
    """The posted form, once its CSRF token matches the session's (synchroniser token); else Forbidden."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, who.csrf_token):
        raise Forbidden("the form's CSRF token is missing or wrong: reload the page and send it again")
    data: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        data[key] = values if key == "roles" else (values[0] if values else "")
    return data


def render(request: Request, template: str, who: Who | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    flash = unquote(request.cookies.get(FLASH_COOKIE, "")) or None

    def tr(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    response = TEMPLATES.TemplateResponse(request, template, {
        "who": who, "lang": lang, "_": tr, "flash": flash, "path": request.url.path, "Action": Action,
        "default_admdvs": settings_of(request).default_admdvs, **context}, status_code=status_code)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True, path="/")
    return response


def done(to: str, message: str) -> RedirectResponse:
    """After a form that changed something: back to a page (POST-redirect-GET), with a line saying what."""
    response = RedirectResponse(to, status_code=303)
    response.set_cookie(FLASH_COOKIE, quote(message), max_age=60, httponly=True, samesite="strict", path="/")
    return response


async def record(request: Request, who: Who, action: str, target: str, *, outcome: str = "ok",
                 **details: Any) -> None:
    """A line of the append-only trail: who did what to what, and what the service answered."""
    async with uow_of(request) as uow:
        uow.trail.add(username=who.username, display_name=who.display_name, action=action, target=target,
                      outcome=outcome, details=details, at=datetime.now(UTC))
        await uow.commit()


async def refused(request: Request, who: Who, action: str, target: str, exc: Refusal) -> None:
    await record(request, who, action, target, outcome="refused", status=exc.status, title=exc.title,
                 detail=exc.detail)


async def open_session(request: Request, operator: Account, response: Response) -> None:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    settings = settings_of(request)
    async with uow_of(request) as uow:
        await uow.sessions.purge(now)
        uow.sessions.add(Session(token_hash=token_hash(token), username=operator.username,
                                 csrf_token=secrets.token_urlsafe(32), created_at=now,
                                 expires_at=now + timedelta(hours=settings.session_hours)))
        await uow.commit()
    response.set_cookie(SESSION_COOKIE, token, max_age=int(settings.session_hours * 3600), httponly=True,
                        samesite="strict", secure=settings.secure_cookies, path="/")


def page_status(exc: Refusal) -> int:
    """A page's status follows the service's refusal (403 for four eyes, 409, 422); a service down is 502."""
    return exc.status if 400 <= exc.status < 500 else 502
