from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from bank_gateway.adapters.bank_link import BankLink, BankUnavailable
from bank_gateway.service.uow import BankGatewayUnitOfWork
from shared.auth import require_operator
from shared.problems import Problem
from shared.service import runtime_of


async def operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


async def _uow(request: Request) -> BankGatewayUnitOfWork:
    return runtime_of(request).uow()


async def _uow_factory(request: Request) -> Callable[[], BankGatewayUnitOfWork]:
    return runtime_of(request).uow


async def _link(request: Request) -> BankLink:
    return request.app.state.bank_link  # type: ignore[no-any-return]


UowDep = Annotated[BankGatewayUnitOfWork, Depends(_uow)]
UowFactoryDep = Annotated[Callable[[], BankGatewayUnitOfWork], Depends(_uow_factory)]
BankLinkDep = Annotated[BankLink, Depends(_link)]


def bank_unavailable(exc: BankUnavailable) -> Problem:
    return Problem(503, "bank-unavailable", "The bank did not answer",
                   f"nothing was changed; try again shortly ({exc})", headers={"Retry-After": "5"})
