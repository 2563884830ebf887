"""The liquidity forecast's arithmetic (请款, SX §4): the days left add their kind's mean, the interval their
spread."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from disbursement.domain.liquidity import project_month

START = date(2025, 9, 1)
MONTH = [START + timedelta(days=n) for n in range(30)]
WORKING = {d: d.weekday() < 5 for d in [START - timedelta(days=n) for n in range(1, 29)] + MONTH}


def test_steady_days_project_exactly_and_the_interval_closes_on_them() -> None:
    days = {d: Decimal("100.00") if WORKING[d] else Decimal("20.00") for d in WORKING if d <= date(2025, 9, 10)}
    p = project_month(days, working=WORKING, month_days=MONTH, as_of=date(2025, 9, 10))
    # seen: 8 working days and 2 weekend days; left: 14 working and 6 weekend days (no make-up day here)
    assert (p.observed, p.expected, p.low, p.high) == \
        (Decimal("840.00"), Decimal("2360.00"), Decimal("2360.00"), Decimal("2360.00"))


def test_uneven_days_widen_the_interval_and_it_never_falls_below_what_is_already_incurred() -> None:
    days = {d: Decimal("150.00") if d.day % 2 else Decimal("50.00") for d in WORKING if d <= date(2025, 9, 3)}
    p = project_month(days, working=WORKING, month_days=MONTH, as_of=date(2025, 9, 3))
    assert p.low < p.expected < p.high and p.low >= p.observed
    assert project_month(days, working=WORKING, month_days=MONTH, as_of=date(2025, 9, 30)).high == \
        sum(v for d, v in days.items() if d >= START)  # a month seen whole is what it is


def test_a_fund_that_began_this_month_is_projected_from_its_own_days_not_from_empty_ones_before() -> None:
    days = {d: Decimal("100.00") if WORKING[d] else Decimal("20.00") for d in MONTH if d <= date(2025, 9, 10)}
    p = project_month(days, working=WORKING, month_days=MONTH, as_of=date(2025, 9, 10))
    assert p.expected == Decimal("2360.00")
