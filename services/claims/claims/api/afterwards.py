"""Cancelling a settlement, declaring a month, reconciling, reading the monthly statement."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from claims.api.deps import CurrentInstitution, UowDep
from claims.domain.reconciliation import Theirs
from claims.service.afterwards import (
    Conflict,
    NotEnded,
    NotFound,
    Refused,
    declaration,
    declare,
    reconcile,
    reverse_settlement,
)
from claims.service.exports import statement_csv, statement_xlsx
from claims.service.statements import monthly_statement
from shared.contracts.codes import AwareMoment, BusinessDay, Code, Insutype, Period, Text
from shared.money import Amount
from shared.problems import Problem, not_found

router = APIRouter(prefix="/v1", tags=["institutions-work"])


class ReversalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Text, StringConstraints(min_length=1, max_length=500)]
    #: When it was cancelled at the institution, if earlier than now.
    reversed_at: AwareMoment | None = None


class FundTotals(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: Annotated[int, Field(ge=0, le=100_000_000)]
    medfee_sumamt: Amount
    fund_pay_sumamt: Amount


class DeclarationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period
    totals: Annotated[dict[Insutype, FundTotals], Field(min_length=1)]


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    setl_id: Code
    medfee_sumamt: Amount | None = None
    fund_pay_sumamt: Amount | None = None


class ReconciliationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Literal["day", "week", "dekad", "month"]
    #: Any day of the period being reconciled (for a month, any day of it).
    date: BusinessDay
    totals: dict[Insutype, FundTotals]
    records: Annotated[list[RecordIn], Field(max_length=100_000)] | None = None


@router.post("/settlements/{setl_id}/reversal", responses={404: {"description": "No such settlement of yours"},
                                                            422: {"description": "reversed_at is impossible"}})
async def post_reversal(setl_id: Code, body: ReversalIn, institution: CurrentInstitution, uow: UowDep) -> dict[str, Any]:
    """结算撤销 (N art.10): cancel a settlement. Its history is kept; what was paid for it is netted in the next
    payment or the monthly settlement. Asking again answers with the first cancellation."""
    try:
        return await reverse_settlement(institution, setl_id, body.reason, body.reversed_at, uow)
    except NotFound as exc:
        raise not_found(f"settlement {setl_id}") from exc
    except Refused as exc:
        raise Problem(422, "invalid-reversal", "The reversal cannot be right", str(exc)) from exc


@router.post("/declarations", responses={409: {"description": "The month was declared with other totals"}})
async def post_declaration(body: DeclarationIn, institution: CurrentInstitution, uow: UowDep,
                           response: Response) -> dict[str, Any]:
    """申报 (N art.12): a month's totals per fund. The answer says whether it is on time against the region's
    deadline, and compares the totals with what was uploaded. Declaring again with the same totals answers
    with the first declaration."""
    totals = {fund: t.model_dump() for fund, t in body.totals.items()}
    try:
        declared = await declare(institution, body.period, totals, uow)
    except NotEnded as exc:
        raise Problem(422, "period-not-ended", "The month has not ended", str(exc)) from exc
    except Conflict as exc:
        raise Problem(409, "declaration-conflict", "The month is declared already", str(exc),
                      declaration=exc.first) from exc
    response.status_code = 201 if declared.status in ("accepted", "late") else 200
    return {"status": declared.status, **declared.view}


@router.get("/declarations/{period}")
async def get_declaration(period: Period, institution: CurrentInstitution, uow: UowDep) -> dict[str, Any]:
    """A month's declaration against what is recorded now; before it is made, its deadline."""
    return await declaration(institution, period, uow)


@router.post("/reconciliations")
async def post_reconciliation(body: ReconciliationIn, institution: CurrentInstitution, uow: UowDep) -> dict[str, Any]:
    """对账 (N art.11, JL art.12): the institution's totals for a day, week, dekad or month (and, if it sends
    them, its records); the answer is agreed, or each difference."""
    totals = {fund: t.model_dump() for fund, t in body.totals.items()}
    records = [Theirs(r.setl_id, r.medfee_sumamt, r.fund_pay_sumamt) for r in body.records] \
        if body.records is not None else None
    return await reconcile(institution, body.scope, body.date, totals, records, uow)


@router.get("/statements/{period}", responses={200: {"content": {
    "text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
async def get_statement(period: Period, institution: CurrentInstitution, uow: UowDep, request: Request,
                        format: Annotated[Literal["json", "csv", "xlsx"] | None, Query()] = None) -> Any:
    """The month's statement per fund: payable, deductions, deposit, already paid, net, payment and what is
    carried forward — as settled, or provisional until then. ``?format=csv|xlsx`` (or Accept) downloads it."""
    statement = await monthly_statement(institution, period, uow)
    accept = request.headers.get("accept", "")
    wanted = format or ("csv" if "text/csv" in accept else "xlsx" if "spreadsheetml" in accept else "json")
    name = f"statement-{institution.fixmedins_code}-{period}"
    if wanted == "csv":
        return Response(statement_csv(statement), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}.csv"'})
    if wanted == "xlsx":
        return Response(statement_xlsx(statement),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"content-disposition": f'attachment; filename="{name}.xlsx"'})
    return statement
