"""Accounting periods (会计期间): a month is open until its settlement is paid, then closed for good; what
comes later for a closed month is booked in the first open month after it (N art.19)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from shared.contracts.codes import SHANGHAI


def period_of(day: date) -> str:
    return f"{day:%Y-%m}"


def next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"


def booking_period(day: date, closed: Collection[str]) -> str:
    """The period an entry dated ``day`` is booked in: its own month, or the first open one after it."""
    period = period_of(day)
    while period in closed:
        period = next_period(period)
    return period


def today() -> date:
    """The business day now, in China Standard Time whatever the server's clock."""
    return datetime.now(SHANGHAI).date()


def business_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def may_close(period: str, now: date) -> bool:
    """A month can close only once it is over."""
    return period < period_of(now)
