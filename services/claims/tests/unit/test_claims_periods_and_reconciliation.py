"""The periods institutions reconcile and declare by (N art.11: day, week, dekad, month; N art.16 counts the
settlement from the declaration deadline) and the record-by-record comparison of reconciliation (JL art.12)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claims.domain.periods import declaration_deadline, scope_bounds
from claims.domain.reconciliation import Theirs, record_differences, total_differences


@pytest.mark.parametrize(("scope", "day", "bounds"), [
    ("day", date(2025, 9, 12), (date(2025, 9, 12), date(2025, 9, 12))),
    ("week", date(2025, 9, 12), (date(2025, 9, 8), date(2025, 9, 14))),  # Monday to Sunday
    ("week", date(2025, 12, 31), (date(2025, 12, 29), date(2026, 1, 4))),  # a week across the year's end
    ("dekad", date(2025, 9, 10), (date(2025, 9, 1), date(2025, 9, 10))),
    ("dekad", date(2025, 9, 11), (date(2025, 9, 11), date(2025, 9, 20))),
    ("dekad", date(2025, 2, 21), (date(2025, 2, 21), date(2025, 2, 28))),  # the last dekad ends with the month
    ("dekad", date(2024, 2, 29), (date(2024, 2, 21), date(2024, 2, 29))),
    ("month", date(2025, 9, 30), (date(2025, 9, 1), date(2025, 9, 30))),
])
def test_a_period_is_the_day_week_dekad_or_month_a_day_falls_in(scope: str, day: date, bounds: tuple[date, date]) -> None:
    """N art.11: reconciliation by day, week, dekad (旬) or month."""
    assert scope_bounds(scope, day) == bounds  # type: ignore[arg-type]


@pytest.mark.parametrize(("period", "day", "deadline"), [
    ("2025-09", 10, date(2025, 10, 10)),
    ("2025-12", 15, date(2026, 1, 15)),  # December is declared in the next year
    ("2025-01", 31, date(2025, 2, 28)),  # a day past the month's end is its last day
])
def test_the_declaration_deadline_falls_in_the_month_after(period: str, day: int, deadline: date) -> None:
    """N art.12 / N art.16: a month is declared by the region's day of the following month."""
    assert declaration_deadline(period, day) == deadline


def test_totals_differ_per_fund_and_figure_and_a_fund_only_one_side_has_counts() -> None:
    """JL art.12: each disagreeing figure is named, with both sides' values to the fen."""
    ours = {"310": {"records": 2, "medfee_sumamt": Decimal("30.00"), "fund_pay_sumamt": Decimal("20.00")}}
    theirs = {"310": {"records": 2, "medfee_sumamt": Decimal("30.00"), "fund_pay_sumamt": Decimal("20.01")},
              "390": {"records": 1, "medfee_sumamt": Decimal("5.00"), "fund_pay_sumamt": Decimal("0.00")}}
    assert total_differences(ours, theirs) == [
        {"insutype": "310", "field": "fund_pay_sumamt", "ours": "20.00", "theirs": "20.01"},
        {"insutype": "390", "field": "records", "ours": "0", "theirs": "1"},
        {"insutype": "390", "field": "medfee_sumamt", "ours": "0.00", "theirs": "5.00"},
    ]
    assert total_differences(ours, ours) == []


def test_records_differ_missing_on_either_side_cancelled_here_or_by_amount() -> None:
    """JL art.12: the records that explain a difference, one by one; amounts they did not send are not
    compared."""
    ours = {"A": ("310", Decimal("10.00"), Decimal("6.00")), "B": ("310", Decimal("8.00"), Decimal("4.00")),
            "C": ("390", Decimal("1.00"), Decimal("0.50"))}
    theirs = [Theirs("A", Decimal("10.00"), Decimal("6.01")), Theirs("B"), Theirs("X"), Theirs("R")]
    assert record_differences(ours, theirs, cancelled={"R"}) == [
        {"setl_id": "A", "difference": "amount_differs", "field": "fund_pay_sumamt", "ours": "6.00", "theirs": "6.01"},
        {"setl_id": "X", "difference": "missing_on_our_side"},
        {"setl_id": "R", "difference": "reversed_on_our_side"},
        {"setl_id": "C", "difference": "missing_on_their_side", "insutype": "390"},
    ]
