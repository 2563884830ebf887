from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from accounting.service.uow import AccountingUnitOfWork
from shared.auth import require_operator
from shared.service import runtime_of


async def _operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


async def _uow(request: Request) -> AccountingUnitOfWork:
    return runtime_of(request).uow()


OperatorDep = Depends(_operator)
UowDep = Annotated[AccountingUnitOfWork, Depends(_uow)]
