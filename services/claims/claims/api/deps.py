"""What a route needs, as typed dependencies: the unit of work, the calling institution, the operator."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request

from claims.domain.institution import Institution
from claims.service.uow import ClaimsUnitOfWork
from shared.auth import bearer_token, require_operator, token_hash
from shared.problems import Problem
from shared.service import runtime_of


# Dependencies are coroutines even when they await nothing: FastAPI runs a plain ``def`` one in its thread
# pool, a thread hop on every request of the hottest path.
async def _uow(request: Request) -> ClaimsUnitOfWork:
    return runtime_of(request).uow()


UowDep = Annotated[ClaimsUnitOfWork, Depends(_uow)]


#: How long a token looked up is trusted before it is looked up again: a revoked token stops working within
#: this on the other replicas (at once on the one that revoked it).
TOKEN_TTL_S = 5.0


async def _current_institution(request: Request, uow: UowDep) -> Institution:
    token = bearer_token(request)
    digest = token_hash(token)
    cache: dict[str, tuple[float, Institution | None]] = request.app.state.__dict__.setdefault("tokens", {})
    now = time.monotonic()
    cached = cache.get(digest)
    if cached is not None and now - cached[0] < TOKEN_TTL_S:
        institution = cached[1]
    else:
        async with uow:
            institution = await uow.institutions.by_token_hash(digest)
        if len(cache) > 10_000:
            cache.clear()
        cache[digest] = (now, institution)
    if institution is None:
        raise Problem(401, "unauthorized", "Missing or invalid credentials", "the token is not an institution's",
                      headers={"WWW-Authenticate": "Bearer"})
    return institution


CurrentInstitution = Annotated[Institution, Depends(_current_institution)]


def forget_tokens(request: Request) -> None:
    """After a token changes, look every token up again (this replica at once; others within the TTL)."""
    request.app.state.__dict__.setdefault("tokens", {}).clear()


async def _operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


OperatorDep = Depends(_operator)
