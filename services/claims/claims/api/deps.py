"""What a route needs, as typed dependencies: the unit of work, the calling institution, the operator."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from claims.domain.institution import Institution
from claims.service.uow import ClaimsUnitOfWork
from shared.auth import bearer_token, require_operator, token_hash
from shared.problems import Problem
from shared.service import runtime_of


def _uow(request: Request) -> ClaimsUnitOfWork:
    return runtime_of(request).uow()


UowDep = Annotated[ClaimsUnitOfWork, Depends(_uow)]


async def _current_institution(request: Request, uow: UowDep) -> Institution:
    token = bearer_token(request)
    async with uow:
        institution = await uow.institutions.by_token_hash(token_hash(token))
    if institution is None:
        raise Problem(401, "unauthorized", "Missing or invalid credentials", "the token is not an institution's",
                      headers={"WWW-Authenticate": "Bearer"})
    return institution


CurrentInstitution = Annotated[Institution, Depends(_current_institution)]


def _operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


OperatorDep = Depends(_operator)
