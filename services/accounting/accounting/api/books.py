"""The books for operators: reports (JSON, or XLSX with ``?format=xlsx`` or the XLSX Accept header), finance's
transfers, reversals and closing a month."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from accounting.api.deps import OperatorDep, UowDep
from accounting.api.xlsx import advances_xlsx, journal_xlsx, trial_balance_xlsx, wants_xlsx
from accounting.domain.chart import chart
from accounting.service import operations, reports
from shared.contracts.codes import BIGINT_MAX, Admdvs, Code, Insutype, Period, Text
from shared.money import Amount
from shared.problems import Problem, not_found

router = APIRouter(prefix="/v1", tags=["books"], dependencies=[OperatorDep])
Format = Annotated[Literal["json", "xlsx"] | None, Query(description="xlsx for a workbook download")]
Person = Annotated[Text, Field(min_length=1, max_length=100)]
Reason = Annotated[Text, Field(min_length=1, max_length=500)]


@router.get("/trial-balance")
async def get_trial_balance(request: Request, uow: UowDep, period: Annotated[Period | None, Query()] = None,
                            fund: Annotated[Insutype | None, Query()] = None, format: Format = None) -> Any:
    """科目余额表: balances up to and including ``period`` (all when absent), per fund; debits = credits."""
    report = await reports.trial_balance(uow, period=period, fund=fund)
    return trial_balance_xlsx(report) if wants_xlsx(request, format) else report


@router.get("/journal")
async def get_journal(request: Request, uow: UowDep, period: Annotated[Period | None, Query()] = None,
                      fund: Annotated[Insutype | None, Query()] = None,
                      account: Annotated[str | None, Query(pattern=r"^\d{4,10}$")] = None,
                      fixmedins_code: Annotated[Code | None, Query()] = None,
                      limit: Annotated[int, Query(ge=1, le=5000)] = 200,
                      cursor: Annotated[int | None, Query(ge=0, le=BIGINT_MAX, description="next_cursor of the page before")] = None,
                      format: Format = None) -> Any:
    """序时账: entries in the order they were posted, with their legs; ``next_cursor`` pages on."""
    report = await reports.journal(uow, period=period, fund=fund, account=account, fixmedins_code=fixmedins_code,
                                   cursor=cursor, limit=limit)
    return journal_xlsx(report) if wants_xlsx(request, format) else report


@router.get("/entries/{entry_id}")
async def get_entry(uow: UowDep, entry_id: uuid.UUID) -> dict[str, Any]:
    found = await reports.entry(uow, entry_id)
    if found is None:
        raise Problem(404, "not-found", "No such journal entry", f"no journal entry {entry_id}")
    return found


@router.get("/ledger/{account}")
async def get_ledger(uow: UowDep, account: Annotated[str, Path(pattern=r"^\d{4,10}$")],
                     period: Annotated[Period | None, Query()] = None, fund: Annotated[Insutype | None, Query()] = None,
                     fixmedins_code: Annotated[Code | None, Query()] = None) -> dict[str, Any]:
    """总账/明细账: an account and its details, leg by leg, with the running balance."""
    if account not in chart():
        raise Problem(404, "not-found", "No such account", f"account {account} is not in the chart")
    return await reports.general_ledger(uow, account, period=period, fund=fund, fixmedins_code=fixmedins_code)


@router.get("/sub-ledger/advances")
async def get_advances(request: Request, uow: UowDep, fund: Annotated[Insutype | None, Query()] = None,
                       fixmedins_code: Annotated[Code | None, Query()] = None,
                       period: Annotated[Period | None, Query()] = None, format: Format = None) -> Any:
    """暂付款—即时结算预拨 per institution × month: advanced, written off, open; the control account beside."""
    report = await reports.advances(uow, fund=fund, fixmedins_code=fixmedins_code, period=period)
    return advances_xlsx(report) if wants_xlsx(request, format) else report


class FundTransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: The fund request it answers (``request_id`` of ``POST /v1/fund-requests`` on disbursement, SX §4).
    request_id: uuid.UUID
    admdvs: Admdvs
    fund: Insutype
    period: Period
    amount: Amount
    reference: Annotated[Text, Field(min_length=1, max_length=100)]
    value_date: date

    @field_validator("amount")
    @classmethod
    def _positive(cls, amount: Any) -> Any:
        if amount <= 0:
            raise ValueError("a transfer moves a positive amount")
        return amount


@router.post("/fund-transfers", status_code=201)
async def post_fund_transfer(body: FundTransferIn, uow: UowDep, response: Response) -> dict[str, Any]:
    """财政拨付 (SX §4): finance transferred a fund request's money: Dr 支出户存款 / Cr 财政专户存款. The same
    reference again answers the first entry (200); with other content it is a 409."""
    try:
        created, entry = await operations.record_fund_transfer(uow, **body.model_dump())
    except operations.Conflict as exc:
        raise Problem(409, "conflict", "Fund transfer already recorded differently", str(exc), errors=exc.errors) from exc
    except operations.Refused as exc:
        raise Problem(422, "unanswered-fund-request", "Not a transfer for that request", str(exc),
                      errors=exc.errors) from exc
    if not created:
        response.status_code = 200
    return entry


@router.get("/fund-requests/{request_id}")
async def get_fund_request(request_id: uuid.UUID, uow: UowDep) -> dict[str, Any]:
    """A fund request (SX §4) as the books heard it, and finance's transfers against it, per fund."""
    view = await operations.fund_request_view(uow, request_id)
    if view is None:
        raise not_found(f"fund request {request_id}")
    return view


class ReversalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason
    reversed_by: Person


@router.post("/entries/{entry_id}/reversal", status_code=201)
async def post_reversal(entry_id: uuid.UUID, body: ReversalIn, uow: UowDep, response: Response) -> dict[str, Any]:
    """冲销: the entry's mirror in the open period, naming the entry; asked again, the same reversal (200)."""
    try:
        created, entry = await operations.reverse_entry(uow, entry_id, reason=body.reason,
                                                        reversed_by=body.reversed_by)
    except operations.NotFound as exc:
        raise Problem(404, "not-found", "No such journal entry", str(exc)) from exc
    if not created:
        response.status_code = 200
    return entry


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closed_by: Person
    reason: Reason = "月末结账"


@router.get("/periods")
async def get_periods(uow: UowDep) -> dict[str, Any]:
    return await operations.periods(uow)


@router.post("/periods/{period}/close")
async def post_close(period: Annotated[Period, Path()], body: CloseIn, uow: UowDep) -> dict[str, Any]:
    """结账: from now the database refuses any entry booked in ``period``; later facts go to the open month."""
    try:
        return await operations.close_period(uow, period, closed_by=body.closed_by, reason=body.reason)
    except operations.Conflict as exc:
        raise Problem(409, "period-not-over", "The month is not over", str(exc), errors=exc.errors) from exc
