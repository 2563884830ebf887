"""What the agency must request from finance (请款, SX §4) for a month, per fund, as of now."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from disbursement.domain.errors import NoPolicy
from disbursement.domain.fund_requests import fund_request_dates
from disbursement.domain.monthly import deposit_reservation, monthly_prepayment
from disbursement.domain.versions import policy_in_force
from disbursement.service.runs.prepayment import month_bounds
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.money import ZERO, money_text


async def fund_request(admdvs: str, period: str, uow: DisbursementUnitOfWork,
                       calendar: WorkingDayCalendar) -> dict[str, Any]:
    """SX §4: this month's prepayment and settlement funds — next month's prepayment from this month's
    amounts (path C), and this month's settlement: its payable less deductions, the deposit and what the
    daily path already advanced — estimated from what has been recorded so far."""
    start, end = month_bounds(period)
    dates = fund_request_dates(period, calendar)
    async with uow:
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
    return {
        "admdvs": admdvs, "period": period, "policy_version": in_force.version,
        "request_by": dates.request_by.isoformat(), "transfer_by": dates.transfer_by.isoformat(),
        "funds": {insutype: {"prepayment": money_text(f["prepayment"]), "settlement": money_text(f["settlement"]),
                             "total": money_text(f["prepayment"] + f["settlement"])}
                  for insutype, f in sorted(funds.items())},
    }

