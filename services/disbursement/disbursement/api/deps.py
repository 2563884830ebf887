from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from disbursement.service.uow import DisbursementUnitOfWork
from shared.auth import bearer_token, is_operator, require_operator, token_hash
from shared.calendar import WorkingDayCalendar, default_calendar
from shared.problems import Problem
from shared.service import runtime_of


async def _uow(request: Request) -> DisbursementUnitOfWork:
    return runtime_of(request).uow()


UowDep = Annotated[DisbursementUnitOfWork, Depends(_uow)]


async def _calendar() -> WorkingDayCalendar:
    return default_calendar()


CalendarDep = Annotated[WorkingDayCalendar, Depends(_calendar)]


async def _operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


OperatorDep = Depends(_operator)


async def _any_token(request: Request, uow: UowDep) -> None:
    """The operator's token or any registered institution's."""
    token = bearer_token(request)
    if is_operator(token, runtime_of(request).settings.operator_token.get_secret_value()):
        return
    async with uow:
        if await uow.institutions.known_token(token_hash(token)):
            return
    raise Problem(401, "unauthorized", "Missing or invalid credentials", "the token is not known here",
                  headers={"WWW-Authenticate": "Bearer"})


AnyTokenDep = Depends(_any_token)
