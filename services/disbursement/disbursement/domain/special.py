"""Special cases (特例单议, N art.16, JL art.16) and the annual clearing (年度清算, N art.17, SX §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from disbursement.domain.monthly import settlement_due
from disbursement.domain.policy import MonthlySettlement, SpecialCases
from shared.calendar import WorkingDayCalendar
from shared.money import ZERO, to_fen


def review_period_end(review_period: str) -> date:
    """The last day of a review period: "2025-09" (N art.16, monthly) or "2025-Q3" (JL art.16, quarterly)."""
    year = int(review_period[:4])
    month = int(review_period[-1]) * 3 if "Q" in review_period else int(review_period[5:])
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def special_cases_due(review_period: str, rule: SpecialCases, settlement: MonthlySettlement,
                      calendar: WorkingDayCalendar) -> date:
    """When the review period's special cases are paid (N art.16 "根据评议结果及时予以结算", JL art.16 "及时予以
    补充结算"): with the settlement of the period's last month, or counted from the period's last day, as the
    region's ``special_cases.due`` says."""
    end = review_period_end(review_period)
    if rule.due == "after_period_end":
        return calendar.add_working_days(end, settlement.total_working_days)
    return settlement_due(f"{end:%Y-%m}", settlement, calendar).payment_due


def case_prepayment(base: Decimal, share: Decimal, prepaid: Decimal) -> Decimal:
    """One month's prepaid share of a case cleared at year end (N art.16 "按月给予一定比例的预拨"): ``share`` of
    its base — the claim while pending, the approved amount once decided — never taking what was prepaid in
    all past that base."""
    return max(min(to_fen(base * share), base - prepaid), ZERO)


def case_remainder(status: str, approved: Decimal | None, prepaid: Decimal) -> Decimal:
    """What the annual clearing pays on a case (N art.16 "年底再进行清算"): the approved amount less what was
    prepaid; a rejected case gives its prepayments back (a negative remainder)."""
    return ((approved or ZERO) if status == "approved" else ZERO) - prepaid


@dataclass(frozen=True)
class ClearingFigures:
    """年度清算 (N art.17): the months already netted the year's payable against what was paid, so what is
    left to clear is what was held back or decided at year end."""

    deposits_released: Decimal
    special_remainders: Decimal
    assessment: Decimal
    carried_in: Decimal

    @property
    def net(self) -> Decimal:
        return self.deposits_released + self.special_remainders + self.assessment + self.carried_in

    @property
    def payment(self) -> Decimal:
        return max(self.net, ZERO)

    @property
    def carried_forward(self) -> Decimal:
        return min(self.net, ZERO)
