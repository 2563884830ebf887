from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from disbursement.api.deps import CalendarDep, OperatorDep, UowDep
from disbursement.api.errors import problem
from disbursement.domain.errors import DisbursementError
from disbursement.service.runs.daily import daily_disbursement
from disbursement.service.runs.prepayment import monthly_prepayment_run
from disbursement.service.runs.scheduled import due_on
from disbursement.service.runs.settlement import monthly_settlement_run
from disbursement.service.runs.signing import sign_off
from disbursement.service.runs.special import annual_clearing_run, special_cases_run
from disbursement.service.runs.view import run_view, runs_listing
from shared.auth import ActorDep
from shared.contracts.codes import SHANGHAI, Admdvs, BusinessDay, Period, ReviewPeriod, Text
from shared.problems import not_found
from shared.service import runtime_of

router = APIRouter(prefix="/v1/runs", tags=["runs"], dependencies=[OperatorDep])


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DailyRunIn(_In):
    admdvs: Admdvs
    business_date: BusinessDay


class MonthRunIn(_In):
    admdvs: Admdvs
    period: Period


class SpecialRunIn(_In):
    admdvs: Admdvs
    #: "2025-09" for a monthly review, "2025-Q3" for a quarterly one (JL art.16).
    period: ReviewPeriod


class ClearingIn(_In):
    admdvs: Admdvs
    year: Annotated[int, Field(ge=2000, le=2100)]


class SignOffIn(_In):
    signed_by: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    note: Annotated[Text, StringConstraints(max_length=500)] | None = None


class ScheduledIn(_In):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    #: The day the scheduler asks about; today in Beijing when absent.
    on: BusinessDay | None = Field(default=None, alias="date")


async def _guarded(work: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return await work
    except DisbursementError as exc:
        raise problem(exc) from exc


@router.post("/daily-disbursement")
async def post_daily_disbursement(body: DailyRunIn, uow: UowDep, calendar: CalendarDep,
                                  who: ActorDep) -> dict[str, Any]:
    """The day's batch (日拨付汇总表, JL art.11): per institution, fund and month, what the batch's records earn,
    what was postponed earlier (N art.18), and the payment ordered now. Running it again returns the same run."""
    return await _guarded(daily_disbursement(body.admdvs, body.business_date, uow, calendar,
                                             prepared_by=who))


@router.post("/monthly-prepayment")
async def post_monthly_prepayment(body: MonthRunIn, uow: UowDep, calendar: CalendarDep,
                                  who: ActorDep) -> dict[str, Any]:
    """按月预拨 (SX §3, ZJ §3.2): a ratio of last month's amount to each enrolled institution; awaits signature."""
    return await _guarded(monthly_prepayment_run(body.admdvs, body.period, uow, calendar, prepared_by=who))


@router.post("/monthly-settlement")
async def post_monthly_settlement(body: MonthRunIn, uow: UowDep, calendar: CalendarDep,
                                  who: ActorDep) -> dict[str, Any]:
    """月结算 (N art.16): payable − deductions − deposit − already paid + carried in; awaits signature."""
    return await _guarded(monthly_settlement_run(body.admdvs, body.period, uow, calendar, prepared_by=who))


@router.post("/special-cases")
async def post_special_cases(body: SpecialRunIn, uow: UowDep, calendar: CalendarDep,
                             who: ActorDep) -> dict[str, Any]:
    """特例单议 (N art.16, JL art.16): the review period's approved cases as a supplement; awaits signature."""
    return await _guarded(special_cases_run(body.admdvs, body.period, uow, calendar, prepared_by=who))


@router.post("/annual-clearing")
async def post_annual_clearing(body: ClearingIn, uow: UowDep, calendar: CalendarDep,
                               who: ActorDep) -> dict[str, Any]:
    """年度清算 (N art.17): deposits, year-end special cases, the assessment and carried balances."""
    return await _guarded(annual_clearing_run(body.admdvs, body.year, uow, calendar, prepared_by=who))


@router.post("/scheduled")
async def post_scheduled(request: Request, calendar: CalendarDep, who: ActorDep,
                         body: Annotated[ScheduledIn | None, Body()] = None) -> dict[str, Any]:
    """Start what is due on a date (today in Beijing when absent) in every region; for a scheduler that cannot
    know the working-day calendar. Idempotent: a retried call pays nothing twice."""
    day = (body.on if body else None) or datetime.now(SHANGHAI).date()
    runtime = runtime_of(request)
    runs = await due_on(day, runtime.uow, calendar, prepared_by=who or "scheduler")
    return {"date": day.isoformat(), "runs": runs}


@router.get("")
async def get_runs(uow: UowDep, admdvs: Admdvs | None = None, run_type: Annotated[str | None, Query(
        pattern="^(daily-disbursement|monthly-prepayment|monthly-settlement|special-cases|annual-clearing)$")] = None,
        status: Annotated[str | None, Query(pattern="^(computed|ordered|postponed)$")] = None,
        due_from: BusinessDay | None = None, due_to: BusinessDay | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
    """Runs, newest first, without their lines: filter by region, type, status and due date; ``count`` is how
    many match in all."""
    return await runs_listing(uow, limit=limit, offset=offset, admdvs=admdvs, run_type=run_type, status=status,
                              due_from=due_from, due_to=due_to)


@router.post("/{run_id}/sign-off")
async def post_sign_off(run_id: uuid.UUID, body: SignOffIn, uow: UowDep, calendar: CalendarDep) -> dict[str, Any]:
    """签字: the operator signs the summary and its payments go to the bank. Signing again returns the run."""
    return await _guarded(sign_off(run_id, body.signed_by, uow, calendar))


@router.get("/{run_id}")
async def get_run(run_id: uuid.UUID, uow: UowDep, calendar: CalendarDep) -> dict[str, Any]:
    """What a run computed, per institution and fund, and what became of each payment."""
    view = await run_view(run_id, uow, calendar)
    if view is None:
        raise not_found(f"run {run_id}")
    return view

