from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from disbursement.api.deps import CalendarDep, OperatorDep, UowDep
from disbursement.domain.errors import DisbursementError
from disbursement.service.runs import daily_disbursement, run_view
from shared.contracts.codes import Admdvs
from shared.problems import Problem, not_found

router = APIRouter(prefix="/v1/runs", tags=["runs"], dependencies=[OperatorDep])


class DailyRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    admdvs: Admdvs
    business_date: date


@router.post("/daily-disbursement")
async def post_daily_disbursement(body: DailyRunIn, uow: UowDep, calendar: CalendarDep) -> dict[str, Any]:
    """The day's batch (日拨付汇总表): per institution, fund and month, what the day's records earn, what was
    postponed earlier, and the payment ordered now. Running it again returns the same run."""
    try:
        return await daily_disbursement(body.admdvs, body.business_date, uow, calendar)
    except DisbursementError as exc:
        raise Problem(422, exc.slug, "The run cannot be made", str(exc)) from exc


@router.get("/{run_id}")
async def get_run(run_id: uuid.UUID, uow: UowDep, calendar: CalendarDep) -> dict[str, Any]:
    """What a run computed, per institution and fund, and what became of each payment."""
    view = await run_view(run_id, uow, calendar)
    if view is None:
        raise not_found(f"run {run_id}")
    return view
