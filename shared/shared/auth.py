"""Bearer tokens. Operators hold the operator token; each institution holds its own, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from shared.problems import Problem


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "unauthorized", "Missing or invalid credentials",
                      "send Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


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
