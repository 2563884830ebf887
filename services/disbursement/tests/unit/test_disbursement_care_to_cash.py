"""Care to cash as a distribution (the reform's "days instead of months"): the records' own percentiles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from disbursement.domain.care_to_cash import nearest_rank, summary, week_of


def test_the_median_and_tail_are_the_days_by_which_that_share_of_records_was_paid() -> None:
    # N art.15 (instant settlement pays within days): 8 records next day, 1 in three days, 1 after forty
    paid = {1: 8, 3: 1, 40: 1}
    figures = summary(paid)
    assert (figures["records"], figures["mean_days"], figures["median_days"], figures["p90_days"],
            figures["p99_days"], figures["max_days"]) == (10, "5.10", 1, 3, 40, 40)
    assert figures["buckets"] == {"0": 0, "1": 8, "2-3": 1, "4-7": 0, "8-14": 0, "15-30": 0, "31+": 1}
    assert nearest_rank({0: 1, 5: 1}, Decimal("0.5")) == 0  # rank ⌈0.5 × 2⌉ = 1: the first record's day


def test_no_record_paid_yet_reads_as_no_figures_not_zero_days() -> None:
    figures = summary({})
    assert (figures["records"], figures["median_days"], figures["mean_days"]) == (0, None, None)


def test_the_trend_is_read_by_the_monday_of_the_week_of_care() -> None:
    assert week_of(date(2025, 9, 7)) == date(2025, 9, 1) == week_of(date(2025, 9, 1))
