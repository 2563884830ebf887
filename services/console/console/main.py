"""Wiring: the console's app — server-rendered pages (Jinja2), its own small store, the services' APIs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from console.adapters.services import Refusal, Services
from console.adapters.uow import ConsoleUnitOfWork
from console.api import admin, auth, bank, books, institutions, policy, review, risk, runs, today
from console.api.web import Forbidden, NotSignedIn, page_status, render
from console.settings import ConsoleSettings
from shared.service import Runtime, service_app


def create_app(settings: ConsoleSettings) -> FastAPI:
    runtime = Runtime(settings, package="console", uow_class=ConsoleUnitOfWork, kafka=False)
    app = service_app(runtime, title="Jishi console", description="The agency's console (经办平台).",
                      routers=[auth.router, today.router, runs.router, review.router, risk.router, institutions.router,
                               policy.router, bank.router, books.router, admin.router])
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    services = Services(settings)
    app.state.services = services
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with inner(app):
            yield
        await services.close()

    app.router.lifespan_context = lifespan
    _pages_for_errors(app)
    return app


def _pages_for_errors(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def _sign_in(request: Request, exc: NotSignedIn) -> Response:
        if request.method != "GET":
            return render(request, "error.html", None, 401, reason="not signed in")
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", None, 403, reason=exc.reason)

    @app.exception_handler(Refusal)
    async def _refusal(request: Request, exc: Refusal) -> Response:
        return render(request, "error.html", None, page_status(exc), refusal=exc)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return render(request, "error.html", None, 422, reason=fields)
