"""Days from care to cash (从结算到回款): for each settlement, the calendar days from its business date (the day
the person was settled at the institution, ``setl_time`` in Beijing) to the day the bank's receipt says its
money reached the institution. The reform's headline — "days instead of months" — as a distribution, from the
counts of records paid after each number of days."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

#: The buckets an operator reads first: same day, next day, within three, a week, a fortnight, a month, later.
BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0", 0), ("1", 1), ("2-3", 3), ("4-7", 7), ("8-14", 14), ("15-30", 30), ("31+", None))


def summary(days_paid: Mapping[int, int]) -> dict[str, object]:
    """``{days: records}`` → records, mean, median, p90, p99 and max days, and the buckets' counts. Percentiles
    are the records' own (nearest rank: the day by which that share of the records was paid)."""
    records = sum(days_paid.values())
    buckets = {name: 0 for name, _ in BUCKETS}
    for days, n in days_paid.items():
        buckets[_bucket(days)] += n
    if not records:
        return {"records": 0, "mean_days": None, "median_days": None, "p90_days": None, "p99_days": None,
                "max_days": None, "buckets": buckets}
    mean = Decimal(sum(d * n for d, n in days_paid.items())) / records
    return {"records": records, "mean_days": str(mean.quantize(Decimal("0.01"), ROUND_HALF_UP)),
            "median_days": nearest_rank(days_paid, Decimal("0.5")), "p90_days": nearest_rank(days_paid, Decimal("0.9")),
            "p99_days": nearest_rank(days_paid, Decimal("0.99")), "max_days": max(days_paid), "buckets": buckets}


def nearest_rank(days_paid: Mapping[int, int], share: Decimal) -> int:
    """The least number of days by which at least ``share`` of the records were paid."""
    records = sum(days_paid.values())
    rank = max(1, int((share * records).to_integral_value(rounding="ROUND_CEILING")))
    seen = 0
    for days in sorted(days_paid):
        seen += days_paid[days]
        if seen >= rank:
            return days
    raise ValueError("no records")


def _bucket(days: int) -> str:
    return next(name for name, upto in BUCKETS if upto is None or days <= upto)


def week_of(day: date) -> date:
    """The Monday of ``day``'s week: the trend is read week by week of care."""
    return day - timedelta(days=day.weekday())


def merged(counts: Iterable[tuple[int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for days, n in counts:
        out[days] = out.get(days, 0) + n
    return out
