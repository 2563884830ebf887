from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from audit.api.deps import OperatorDep, UowDep
from audit.service.review import list_deductions
from shared.contracts.codes import Admdvs, Code, Period

router = APIRouter(prefix="/v1/deductions", tags=["deductions"], dependencies=[OperatorDep])


@router.get("")
async def get_deductions(
    uow: UowDep,
    fixmedins_code: Annotated[Code | None, Query()] = None,
    admdvs: Annotated[Admdvs | None, Query()] = None,
    period: Annotated[Period | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[uuid.UUID | None, Query()] = None,
) -> dict[str, Any]:
    """Confirmed deductions (月度抵扣, N art.13), as published to the monthly settlement: what an operator
    reconciles an institution's statement with."""
    return await list_deductions(uow, fixmedins_code=fixmedins_code, admdvs=admdvs, period=period, limit=limit,
                                 after=cursor)
