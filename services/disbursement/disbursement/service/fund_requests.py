"""Fund requests to finance (请款, SX §4): what the agency must request for a month, per fund, as of now; and
the request itself, recorded once when it is made and published for finance's books."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from disbursement.adapters.tables import FundRequest
from disbursement.domain.errors import NoPolicy, Refused
from disbursement.domain.fund_requests import fund_request_dates
from disbursement.domain.monthly import deposit_reservation, monthly_prepayment
from disbursement.domain.policy import VersionedPolicy
from disbursement.domain.versions import policy_in_force
from disbursement.service.runs.prepayment import month_bounds
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import FundRequested
from shared.money import ZERO, money_text


async def fund_request(admdvs: str, period: str, uow: DisbursementUnitOfWork,
                       calendar: WorkingDayCalendar) -> dict[str, Any]:
    """SX §4: this month's prepayment and settlement funds — next month's prepayment from this month's
    amounts (path C), and this month's settlement: its payable less deductions, the deposit and what the
    daily path already advanced — estimated from what has been recorded so far; the request already made, if
    one was; the dates where the region's policy has a request schedule."""
    async with uow:
        in_force, funds = await month_needs(admdvs, period, uow)
        made = await uow.fund_requests.get(admdvs, period)
        request = _request_view(made) if made else None
    return {"admdvs": admdvs, "period": period, "policy_version": in_force.version,
            **schedule_of(in_force, period, calendar), "funds": _funds_view(funds),
            "request": request}


async def record_fund_request(admdvs: str, period: str, requested_by: str, uow: DisbursementUnitOfWork,
                              calendar: WorkingDayCalendar) -> tuple[bool, dict[str, Any]]:
    """The request made now, with the estimate of this moment per fund, once per region and month: asking
    again answers the first request. (created, the request)."""
    async with uow:
        await uow.fund_requests.lock(admdvs, period)
        made = await uow.fund_requests.get(admdvs, period)
        if made is not None:
            return False, _request_view(made)
        in_force, funds = await month_needs(admdvs, period, uow)
        asked = {fund: f["prepayment"] + f["settlement"] for fund, f in sorted(funds.items())}
        if not any(amount > 0 for amount in asked.values()):
            raise Refused(f"nothing to request for {period} in region {admdvs}: no fund needs money yet",
                          errors=[{"field": "period", "message": "every fund's estimate is 0.00"}])
        schedule = schedule_of(in_force, period, calendar)
        request_by = schedule["request_by"]
        request = FundRequest(request_id=uuid.uuid4(), admdvs=admdvs, period=period,
                              funds={k: money_text(v) for k, v in asked.items()},
                              request_by=date.fromisoformat(request_by) if request_by else None,
                              requested_by=requested_by, requested_at=datetime.now(UTC),
                              policy_version=in_force.version)
        uow.fund_requests.add(request)
        uow.outbox.add(topics.FUND_REQUESTED, FundRequested(
            request_id=request.request_id, admdvs=admdvs, period=period, funds=asked, request_by=request.request_by,
            requested_by=requested_by, requested_at=request.requested_at), key=admdvs)
        view = _request_view(request)
        await uow.commit()
    return True, view


async def month_needs(admdvs: str, period: str,
                      uow: DisbursementUnitOfWork) -> tuple[VersionedPolicy, dict[str, dict[str, Decimal]]]:
    """Per fund, the month's prepayment and settlement needs from what has been recorded so far."""
    start, end = month_bounds(period)
    in_force = policy_in_force((await uow.policies.versions([admdvs])).get(admdvs, []), end)
    if in_force is None:
        raise NoPolicy(f"region {admdvs} has no policy in force in {period}")
    policy = in_force.policy
    totals = await uow.intake.month_totals(admdvs, start, end, personal_account=policy.personal_account)
    deducted = await uow.deductions.confirmed(admdvs, period)
    daily = await uow.lines.advanced(admdvs, period)
    funds: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for (code, insutype), month in totals.items():
        payable = month.incurred - deducted.get((code, insutype), ZERO)
        fund = funds[insutype]
        if policy.prepayment is not None and insutype in policy.prepayment.ratios:
            base = month.incurred if policy.prepayment.basis == "incurred" else payable
            fund["prepayment"] += monthly_prepayment(base, policy.prepayment.ratios[insutype])
        deposit = deposit_reservation(policy.quality_deposit_share, payable)
        fund["settlement"] += max(payable - deposit - daily.get((code, insutype), ZERO), ZERO)
    return in_force, funds


def schedule_of(in_force: VersionedPolicy, period: str, calendar: WorkingDayCalendar) -> dict[str, Any]:
    """SX §4's dates where the region's policy has a request schedule; none where it has not (the other seeds
    leave the request to local practice), rather than Shanxi's dates passed off as the region's."""
    schedule = in_force.policy.fund_requests
    if schedule is None:
        return {"request_by": None, "transfer_by": None, "schedule": None}
    dates = fund_request_dates(period, schedule, calendar)
    return {"request_by": dates.request_by.isoformat(), "transfer_by": dates.transfer_by.isoformat(),
            "schedule": schedule.model_dump()}


def _funds_view(funds: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, str]]:
    return {insutype: {"prepayment": money_text(f["prepayment"]), "settlement": money_text(f["settlement"]),
                       "total": money_text(f["prepayment"] + f["settlement"])} for insutype, f in sorted(funds.items())}


def _request_view(request: FundRequest) -> dict[str, Any]:
    return {"request_id": str(request.request_id), "admdvs": request.admdvs, "period": request.period,
            "funds": request.funds, "request_by": request.request_by.isoformat() if request.request_by else None,
            "late": request.request_by is not None and request.requested_at.astimezone(SHANGHAI).date() > request.request_by,
            "requested_by": request.requested_by, "requested_at": request.requested_at.isoformat(),
            "policy_version": request.policy_version}
