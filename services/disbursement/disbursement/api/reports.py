from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from disbursement.api.deps import CalendarDep, OperatorDep, UowDep
from disbursement.api.errors import problem
from disbursement.domain.errors import DisbursementError
from disbursement.service.care_to_cash import care_to_cash_report
from disbursement.service.fund_requests import fund_request, record_fund_request
from disbursement.service.liquidity import liquidity_forecast
from disbursement.service.runs.view import payment_view
from shared.contracts.codes import Admdvs, Code, Period, Text
from shared.problems import require_ordered

router = APIRouter(prefix="/v1", tags=["reports"], dependencies=[OperatorDep])


@router.get("/disbursements")
async def get_disbursements(uow: UowDep, admdvs: Annotated[Admdvs | None, Query()] = None,
                            fixmedins_code: Annotated[Code | None, Query()] = None,
                            period: Annotated[Period | None, Query()] = None,
                            run_type: Annotated[Text | None, Query(max_length=30)] = None,
                            status: Annotated[Literal["computed", "ordered", "paid", "failed", "postponed", "held",
                                                      "nothing"] | None, Query()] = None,
                            limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
    """Payments, newest first, with what became of each: the voucher, the bank's answer, the later payment
    that carried it."""
    async with uow:
        payments = await uow.payments.listing(admdvs=admdvs, fixmedins_code=fixmedins_code, period=period,
                                              run_type=run_type, status=status, limit=limit)
        return {"count": len(payments), "payments": [payment_view(p) for p in payments]}


@router.get("/fund-requests")
async def get_fund_requests(uow: UowDep, calendar: CalendarDep, admdvs: Annotated[Admdvs, Query()],
                            period: Annotated[Period, Query()]) -> dict[str, Any]:
    """请款 (SX §4): per fund, what to request from finance for the month's prepayment and settlement, by when
    to request it and when finance must transfer."""
    try:
        return await fund_request(admdvs, period, uow, calendar)
    except DisbursementError as exc:
        raise problem(exc) from exc


@router.get("/liquidity-forecast")
async def get_liquidity_forecast(uow: UowDep, calendar: CalendarDep, admdvs: Annotated[Admdvs, Query()],
                                 period: Annotated[Period, Query()],
                                 as_of: Annotated[date | None, Query()] = None) -> dict[str, Any]:
    """请款 (SX §4), ahead of the 25th: per fund, the month's incurred amount and its prepayment and settlement
    needs projected to the month's end with a 90 % interval, from the days recorded so far (working days and
    the others apart). ``as_of`` (default today) replays the forecast as it was known at the end of that day;
    for a closed month ``actual`` sets it against what the month incurred."""
    try:
        return await liquidity_forecast(admdvs, period, as_of, uow, calendar)
    except DisbursementError as exc:
        raise problem(exc) from exc


class FundRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    admdvs: Admdvs
    period: Period
    requested_by: Annotated[Text, StringConstraints(min_length=1, max_length=100)]


@router.post("/fund-requests", status_code=201)
async def post_fund_request(body: FundRequestIn, uow: UowDep, calendar: CalendarDep,
                            response: Response) -> dict[str, Any]:
    """请款 (SX §4): record the request made to finance now, per fund at this moment's estimate, and publish it
    (``disbursement.fund-requested``) for finance's transfer to name. Once per region and month: asking again
    answers the first request (200)."""
    try:
        created, view = await record_fund_request(body.admdvs, body.period, body.requested_by, uow, calendar)
    except DisbursementError as exc:
        raise problem(exc) from exc
    if not created:
        response.status_code = 200
    return view


@router.get("/reports/care-to-cash")
async def get_care_to_cash(uow: UowDep, admdvs: Annotated[Admdvs | None, Query()] = None,
                           date_from: Annotated[date | None, Query()] = None,
                           date_to: Annotated[date | None, Query()] = None,
                           by: Annotated[Literal["region", "institution", "insutype"], Query()] = "institution",
                           ) -> dict[str, Any]:
    """Days from care to cash — the reform's "days instead of months": for the records cared for (business
    date) in the range and already paid, the days from their business date to the bank's receipt (Beijing
    days): overall, per region, institution or fund (``by``), and week by week of care. Mean, median, p90, p99,
    max and the buckets 0, 1, 2-3, 4-7, 8-14, 15-30, 31+ days. A record paid through a payment that was
    postponed or failed first counts at the receipt of the payment that finally paid it (N art.18)."""
    require_ordered(date_from, date_to)
    return await care_to_cash_report(uow, by=by, admdvs=admdvs, date_from=date_from, date_to=date_to)
