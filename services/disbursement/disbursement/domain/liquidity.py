"""Liquidity forecast for the fund request (请款, SX §4): before the 25th, how much a fund will have incurred by
the month's end, with an interval, from the days seen so far.

The model is plain on purpose, so an accountant can check it by hand: a day's incurred amount is drawn from the
days of its kind (working day or not: clinics close at weekends and holidays) seen this month and in the 28 days
before it; the days left add their kind's mean, and the interval (90 %) their spread — each day's own variance
plus the uncertainty of a mean estimated from few days. It is an estimate: worked in floats, given to the fen;
no ledger amount comes from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import fmean, pvariance

from shared.money import ZERO, to_fen

#: The two-sided 90 % normal quantile: one month in ten falls outside the interval.
Z90 = 1.6449


@dataclass(frozen=True)
class Projection:
    observed: Decimal
    expected: Decimal
    low: Decimal
    high: Decimal

    def scaled(self, share: Decimal) -> Projection:
        """The same projection for an amount that moves in proportion (a fund's needs are its incurred
        amount times its policy's ratios, deposit and advances)."""
        return Projection(*(to_fen(v * share) for v in (self.observed, self.expected, self.low, self.high)))


def project_month(days: Mapping[date, Decimal], *, working: Mapping[date, bool], month_days: Sequence[date],
                  as_of: date) -> Projection:
    """``days``: incurred per day (a day absent incurred nothing) from 28 days before the month through
    ``as_of``; ``working``: each day's kind, for every day in ``days``' range and the month's."""
    observed = sum((days.get(d, ZERO) for d in month_days if d <= as_of), ZERO)
    left = [d for d in month_days if d > as_of]
    if not left:
        return Projection(observed, observed, observed, observed)
    # The days since the fund's first record in the window: a region that began mid-window has no zero days
    # before it, which would only pull the mean down.
    first = min(days, default=as_of)
    seen = [d for d in working if first <= d <= as_of]
    expected, variance = 0.0, 0.0
    for kind in (True, False):
        n = sum(1 for d in left if working[d] == kind)
        sample = [float(days.get(d, ZERO)) for d in seen if working[d] == kind]
        if not n or not sample:
            continue
        # one day tells no spread: take it as large as the day itself rather than none
        mean, spread = fmean(sample), pvariance(sample) if len(sample) > 1 else fmean(sample) ** 2
        expected += n * mean
        variance += n * spread * (1 + n / len(sample))
    margin = Z90 * variance ** 0.5
    total = observed + to_fen(Decimal(repr(expected)))
    return Projection(observed, total, max(observed, to_fen(total - Decimal(repr(margin)))),
                      to_fen(total + Decimal(repr(margin))))
