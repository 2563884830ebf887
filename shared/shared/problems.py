"""RFC 9457 problem details: every error a client sees, with the field each complaint is about.

Services raise ``Problem`` (or a subclass of ``DomainError`` mapped to one); request validation failures,
unknown routes and oversized bodies come out in the same shape, so an institution's software parses one
error format. A 500 is a bug of ours, never the answer to bad input.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.calendar import CalendarNotLoaded
from shared.contracts.codes import WITHOUT_NUL
from shared.db import is_database_outage

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://jishi.example/problems/"
PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error with its HTTP status, a stable ``type`` slug and, where it helps, the fields at fault."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors, self.headers, self.extra = errors, headers, extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": PROBLEM_BASE + self.slug, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body

    def response(self, instance: str | None = None) -> JSONResponse:
        return JSONResponse(self.body(instance), status_code=self.status, headers=self.headers,
                            media_type=PROBLEM_JSON)


def not_found(what: str) -> Problem:
    return Problem(404, "not-found", "Not found", f"{what} does not exist or is not yours to see")


def require_ordered(date_from: date | None, date_to: date | None) -> None:
    """A range whose start comes after its end is refused (422) rather than answered as empty."""
    if date_from and date_to and date_from > date_to:
        raise Problem(422, "validation-error", "Invalid range", "date_from is after date_to",
                      errors=[{"field": "date_from", "message": "after date_to"}])


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors as ``{"field", "message"}`` pairs a person can act on."""
    out = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body",)]
        message = error.get("msg", "invalid")
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if error.get("type") == "string_pattern_mismatch" and (error.get("ctx") or {}).get("pattern") == WITHOUT_NUL:
            message = "must not contain the NUL character (\\u0000)"
        out.append({"field": ".".join(loc) or "(body)", "message": message})
    return out


_STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Missing or invalid credentials"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "The request is not valid"),
    429: ("too-many-requests", "Too many requests"),
    503: ("unavailable", "Service unavailable"),
}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return exc.response(request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(list(exc.errors()))
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        if malformed:
            problem = Problem(400, "malformed-json", "The body is not valid JSON", errors[0]["message"], errors=errors)
        else:
            problem = Problem(422, "validation-error", "The request is not valid",
                              "; ".join(f"{e['field']}: {e['message']}" for e in errors[:10]), errors=errors)
        return problem.response(request.url.path)

    @app.exception_handler(CalendarNotLoaded)
    async def _calendar(request: Request, exc: CalendarNotLoaded) -> JSONResponse:
        # A deadline in a year whose official calendar is not loaded is refused, never guessed.
        return Problem(422, "calendar-not-loaded", "Working-day calendar not loaded", str(exc),
                       year=exc.year).response(request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title = _STATUS_SLUGS.get(exc.status_code, ("error", "Error"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        return Problem(exc.status_code, slug, title, detail, headers=getattr(exc, "headers", None)).response(
            request.url.path
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return Problem(500, "internal-error", "Internal error", "logged on our side; nothing was changed").response(
            request.url.path
        )

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if not is_database_outage(exc):
            return await _unexpected(request, exc)
        # A dropped connection, a restart, a lost race, a pool with no connection free in time: the request may
        # go again as it is. Had it reached its commit, settlements and runs are idempotent (contract.md), so the
        # same request is answered as replayed.
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return Problem(503, "database-unavailable", "Database unavailable",
                       "the database could not be reached; send the same request again",
                       headers={"Retry-After": "1"}).response(request.url.path)

    app.add_exception_handler(sqlalchemy.exc.DBAPIError, _database)
    app.add_exception_handler(sqlalchemy.exc.TimeoutError, _database)  # the pool ran dry: overloaded (contract.md)


class BodyLimit:
    """Refuse a body over ``max_bytes`` with 413 before it is read into memory (Content-Length or stream)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._too_large(scope, send)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._too_large(scope, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        problem = Problem(413, "payload-too-large", "Request body too large",
                          f"the limit is {self.max_bytes} bytes; send fewer records per request")
        await problem.response(scope.get("path"))(scope, _no_receive, send)


class _TooLarge(Exception):
    pass


async def _no_receive() -> Message:  # pragma: no cover - a JSONResponse never reads the request
    return {"type": "http.disconnect"}
