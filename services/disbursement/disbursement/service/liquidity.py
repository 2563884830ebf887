"""The liquidity forecast behind a fund request (请款, SX §4): per fund, this month's prepayment and settlement
needs projected to the month's end with a 90 % interval, visible before the 25th; replayed for a closed month
as it was on its ``as_of`` day, against what the month actually incurred."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from disbursement.domain.errors import OutOfRange
from disbursement.domain.liquidity import Projection, project_month
from disbursement.service.fund_requests import month_needs, schedule_of
from disbursement.service.runs.prepayment import month_bounds
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.contracts.codes import SHANGHAI
from shared.money import ZERO, money_text

#: The days before the month whose kind of day (working or not) informs the projection.
HISTORY_DAYS = 28


async def liquidity_forecast(admdvs: str, period: str, as_of: date | None, uow: DisbursementUnitOfWork,
                             calendar: WorkingDayCalendar) -> dict[str, Any]:
    now = datetime.now(UTC)
    today = now.astimezone(SHANGHAI).date()
    start, end = month_bounds(period)
    as_of = as_of or min(today, end)
    if not start <= as_of <= min(end, today):
        raise OutOfRange(f"as_of {as_of} is not a day of {period} up to today",
                      errors=[{"field": "as_of", "message": f"between {start} and {min(end, today)}"}])
    # What was known at the end of the as_of day (Beijing), or now when that is today.
    known_by = now if as_of == today else datetime.combine(as_of + timedelta(days=1), time(0), SHANGHAI)
    async with uow:
        in_force, needs = await month_needs(admdvs, period, uow)
        account = in_force.policy.personal_account
        seen = await uow.intake.daily_incurred(admdvs, start - timedelta(days=HISTORY_DAYS), as_of, known_by=known_by,
                                               personal_account=account)
        live = await uow.intake.daily_incurred(admdvs, start, end, known_by=now, personal_account=account)
    history = [start + timedelta(days=n) for n in range(-HISTORY_DAYS, (end - start).days + 1)]
    working = {d: calendar.is_working_day(d) for d in history}
    month_days = [d for d in history if d >= start]
    closed = today > end
    funds = {}
    for fund in sorted(set(seen) | set(needs)):
        incurred = project_month(seen.get(fund, {}), working=working, month_days=month_days, as_of=as_of)
        live_total = sum(live.get(fund, {}).values(), ZERO)
        funds[fund] = _fund_view(incurred, needs.get(fund, {}), live_total, closed=closed)
    left = [d for d in month_days if d > as_of]
    return {"admdvs": admdvs, "period": period, "as_of": as_of.isoformat(), "known_by": known_by.isoformat(),
            "policy_version": in_force.version, **schedule_of(in_force, period, calendar), "closed": closed,
            "days": {"observed": len(month_days) - len(left), "working_left": sum(working[d] for d in left),
                     "non_working_left": sum(not working[d] for d in left)},
            "interval": "90 %", "funds": funds}


def _fund_view(incurred: Projection, needs: dict[str, Decimal], live_total: Decimal, *,
               closed: bool) -> dict[str, Any]:
    """The projection of what the fund incurs, and of its needs in proportion to it (the share of the month's
    incurred amount each need is under the region's policy, from the records so far)."""
    view: dict[str, Any] = {"incurred": _range(incurred)}
    for need in ("prepayment", "settlement"):
        amount = needs.get(need, ZERO)
        share = amount / live_total if live_total else ZERO
        view[need] = _range(incurred.scaled(share))
    view["total"] = {k: money_text(Decimal(view["prepayment"][k]) + Decimal(view["settlement"][k]))
                     for k in ("expected", "low", "high")}
    if closed:
        error = incurred.expected - live_total
        view["actual"] = {"incurred": money_text(live_total), "error": money_text(error),
                          "error_share": f"{error / live_total:.4f}" if live_total else None,
                          "within_interval": incurred.low <= live_total <= incurred.high}
    return view


def _range(p: Projection) -> dict[str, str]:
    return {"observed": money_text(p.observed), "expected": money_text(p.expected), "low": money_text(p.low),
            "high": money_text(p.high)}
