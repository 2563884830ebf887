"""Bearer tokens. Operators hold the operator token; each institution holds its own, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import Depends, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.problems import Problem


def _bearer(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _no_token() -> Problem:
    return Problem(401, "unauthorized", "Missing or invalid credentials", "send Authorization: Bearer <token>",
                   headers={"WWW-Authenticate": "Bearer"})


def bearer_token(request: Request) -> str:
    token = _bearer(request.headers.get("authorization", ""))
    if token is None:
        raise _no_token()
    return token


class TokenFirst:
    """Every ``/v1/`` path needs a token (contract.md: "No token: 401"): a request without one is answered 401
    before its body is read, so it never learns from a 400 or 422 what the body should have been."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            if _bearer(header) is None:
                return await _no_token().response(scope["path"])(scope, receive, send)
        await self.app(scope, receive, send)


def is_operator(token: str, operator_token: str) -> bool:
    return hmac.compare_digest(token.encode(), operator_token.encode())


def require_operator(request: Request, operator_token: str) -> None:
    if not is_operator(bearer_token(request), operator_token):
        raise Problem(401, "unauthorized", "Missing or invalid credentials",
                      "this endpoint needs the operator token", headers={"WWW-Authenticate": "Bearer"})


def new_token(prefix: str) -> str:
    """A token with 256 bits of randomness; a prefix tells a reader whose it is (``inst_`` / ``op_``)."""
    return f"{prefix}{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    # A plain SHA-256 is enough: the token is 256 random bits, so there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


#: Who, behind the operator token, asked for an action (the console's signed-in operator; a machine names its
#: job). Percent-encoded UTF-8, since a header carries Latin-1 only and names are Chinese.
ACTOR_HEADER = "X-Jishi-Actor"


async def actor(request: Request) -> str | None:
    """The person or job named in ``X-Jishi-Actor``, decoded; None when the caller named no one. A name that
    is blank, over 100 characters or holds control characters is refused (422), not recorded."""
    raw = request.headers.get(ACTOR_HEADER)
    if raw is None:
        return None
    try:
        name = unquote(raw, errors="strict").strip()
    except UnicodeDecodeError:
        name = ""
    if not name or len(name) > 100 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise Problem(422, "validation-error", "The request is not valid",
                      f"{ACTOR_HEADER} must name a person or job: percent-encoded UTF-8, 1 to 100 characters",
                      errors=[{"field": ACTOR_HEADER, "message": "names no one"}])
    return name


def actor_header(name: str) -> dict[str, str]:
    """The header that names ``name`` as the actor, for a client of the services."""
    return {ACTOR_HEADER: quote(name, safe="")}



#: A route's ``who``: the actor its caller named, or None.
ActorDep = Annotated[str | None, Depends(actor)]
