"""The monthly paths: prepayment at the start of the month (按月预拨, path C) and the monthly settlement
that nets what the month really owes against what was already paid (月结算与轧差, N art.16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from disbursement.domain.policy import DueRule, MonthlySettlement
from shared.calendar import WorkingDayCalendar
from shared.money import ZERO, to_fen


def monthly_prepayment(base: Decimal, ratio: Decimal) -> Decimal:
    """按月预拨 (SX §3, ZJ §3.2): a ratio of last month's amount, half-up to the fen. The base is last
    month's payable amount (SX §3) or its incurred fund payments (ZJ §3.2), as the region's policy says."""
    return to_fen(max(base, ZERO) * ratio)


def prepayment_due(year: int, month: int, rule: DueRule, calendar: WorkingDayCalendar) -> date:
    """When the month's prepayment is due: the n-th working day of the month ("within the first 3 working
    days", SX §3) or the last working day before day n ("before the 10th", ZJ §3.2)."""
    if rule.kind == "nth_working_day":
        return calendar.nth_working_day_of_month(year, month, rule.n)
    return calendar.last_working_day_before(date(year, month, rule.n))


@dataclass(frozen=True)
class SettlementDue:
    declaration_deadline: date
    review_due: date
    payment_due: date


def declaration_deadline(period: str, rule: MonthlySettlement) -> date:
    """The last day institutions may declare the month (申报截止), in the following month."""
    year, month = int(period[:4]), int(period[5:])
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(next_year, next_month, rule.declaration_deadline_day)


def settlement_due(period: str, rule: MonthlySettlement, calendar: WorkingDayCalendar,
                   audit_ended: date | None = None) -> SettlementDue:
    """月结算时限: ``total_working_days`` counted from the day after the declaration deadline (N art.16) or from
    the start of the next month (ZJ §3.1 "次月20个工作日内"), the first ``review_working_days`` for review;
    payment follows the review days (ZJ §3.1: 15 + 5) or, where the region says so, the day the month's audit
    actually ended (LS §3.1: 5 working days after audit), never past the total."""
    deadline = declaration_deadline(period, rule)
    year, month = int(period[:4]), int(period[5:])
    month_end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    anchor = month_end if rule.counted_from == "next_month_start" else deadline
    review_due = calendar.add_working_days(anchor, rule.review_working_days)
    total_due = calendar.add_working_days(anchor, rule.total_working_days)
    if rule.payment_from == "audit_ended":
        # Not yet known (no run yet): the total is the due date. Declarations are audited once they are in, so
        # the days never start before the deadline.
        payment_due = total_due if audit_ended is None else \
            calendar.add_working_days(max(audit_ended, deadline), rule.payment_working_days)
    else:
        payment_due = calendar.add_working_days(review_due, rule.payment_working_days)
    return SettlementDue(deadline, review_due, min(payment_due, total_due))


@dataclass(frozen=True)
class MonthAudit:
    """Where the audit of what a monthly settlement would take in stands (N art.13, SX §3)."""

    not_audited: int
    under_review: int
    #: The Beijing date of the month's last audit outcome, a reviewer's decision included.
    ended_on: date | None

    @property
    def ended(self) -> bool:
        return self.not_audited == 0 and self.under_review == 0


def settlement_not_ready(period: str, today: date, deadline: date, audit: MonthAudit,
                         open_review: str) -> list[dict[str, str]]:
    """Why the month cannot be settled yet, one entry a reason; empty when it can. The month must have ended,
    its declarations closed (N art.16 counts from the day after the deadline), and — unless the region settles
    open records later — its audit ended (SX §3 "待完成…月度审核…后，再…轧差清算", ZJ §3.1)."""
    year, month = int(period[:4]), int(period[5:])
    reasons = []
    if today < date(year + (month == 12), month % 12 + 1, 1):
        reasons.append({"field": "period", "message": f"{period} has not ended (today is {today})"})
    if today <= deadline:
        reasons.append({"field": "declaration_deadline",
                        "message": f"declarations for {period} are open until {deadline} (N art.12, art.16)"})
    if open_review == "wait" and not audit.ended:
        reasons.append({"field": "audit", "message": (
            f"the audit has not ended: {audit.not_audited} settlement(s) not yet audited, {audit.under_review} "
            "under manual review (GET /v1/findings?status=open on audit); the month is netted after its audit "
            "(SX §3)")})
    return reasons


def deposit_reservation(share: Decimal, settled: Decimal) -> Decimal:
    """保证金预留 (SX §3): the quality deposit reserved from what the month settles, half-up to the fen."""
    return to_fen(max(settled, ZERO) * share)


@dataclass(frozen=True)
class SettlementFigures:
    """One line of the monthly settlement (contract.md): what the month owes and what is ordered now."""

    payable: Decimal
    deductions: Decimal
    deposit_reserved: Decimal
    already_paid: Decimal
    carried_in: Decimal

    @property
    def net(self) -> Decimal:
        return self.payable - self.deductions - self.deposit_reserved - self.already_paid + self.carried_in

    @property
    def payment(self) -> Decimal:
        return max(self.net, ZERO)

    @property
    def carried_forward(self) -> Decimal:
        """A negative net is owed back: deducted first from next month's payable, then month after month
        until covered (SX §3)."""
        return min(self.net, ZERO)


def net_settlement(*, payable: Decimal, deductions: Decimal, already_paid: Decimal, carried_in: Decimal,
                   deposit_share: Decimal) -> SettlementFigures:
    """月结算支付金额 = 月应付金额 − 已拨付 (ZJ §3.3), after the month's confirmed audit deductions (N art.13)
    and the quality-deposit reservation (SX §3), with any negative net of earlier months carried in (SX §3)."""
    deposit = deposit_reservation(deposit_share, payable - deductions)
    return SettlementFigures(payable, deductions, deposit, already_paid, carried_in)
