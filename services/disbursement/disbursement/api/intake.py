from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from disbursement.api.deps import OperatorDep, UowDep
from shared.contracts.codes import Admdvs

router = APIRouter(prefix="/v1/intake", tags=["intake"], dependencies=[OperatorDep])


@router.get("")
async def get_intake(uow: UowDep, admdvs: Annotated[Admdvs, Query()],
                     business_date: Annotated[date | None, Query()] = None) -> dict[str, object]:
    """How many of a region's settlements disbursement has heard of, heard audited, and given a line; the
    rest wait (for their audit, a review, or a policy). Tells whether a run made now would include them."""
    async with uow:
        counts = await uow.intake.counts(admdvs, business_date)
    return {"admdvs": admdvs, "business_date": business_date, **counts}
