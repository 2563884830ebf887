"""The monthly paths: prepayment at the start of the month (按月预拨, path C) and the monthly settlement
that nets what the month really owes against what was already paid (月结算与轧差, N art.16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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


def settlement_due(period: str, rule: MonthlySettlement, calendar: WorkingDayCalendar) -> SettlementDue:
    """月结算时限 (N art.16): within 20 working days counted from the day after the declaration deadline in
    the following month; Zhenjiang splits it into 15 of review and 5 of payment (ZJ §3.1), Leshan pays within
    5 working days after the audit (LS §3.1)."""
    year, month = int(period[:4]), int(period[5:])
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    deadline = date(next_year, next_month, rule.declaration_deadline_day)
    review_due = calendar.add_working_days(deadline, rule.review_working_days)
    payment_due = calendar.add_working_days(review_due, rule.payment_working_days)
    total_due = calendar.add_working_days(deadline, rule.total_working_days)
    return SettlementDue(deadline, review_due, min(payment_due, total_due))


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
