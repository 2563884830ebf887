from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from accounting.service.reports import trial_balance
from accounting.service.uow import AccountingUnitOfWork
from shared.auth import require_operator
from shared.contracts.codes import Insutype, Period
from shared.service import runtime_of


def _operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


def _uow(request: Request) -> AccountingUnitOfWork:
    return runtime_of(request).uow()


router = APIRouter(prefix="/v1", tags=["books"], dependencies=[Depends(_operator)])


@router.get("/trial-balance")
async def get_trial_balance(uow: Annotated[AccountingUnitOfWork, Depends(_uow)],
                            period: Annotated[Period | None, Query()] = None,
                            fund: Annotated[Insutype | None, Query()] = None) -> dict[str, Any]:
    """科目余额表: balances up to and including ``period`` (all when absent), per fund; debits = credits."""
    return await trial_balance(uow, period=period, fund=fund)
