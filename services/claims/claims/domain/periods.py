"""The periods institutions declare and reconcile by (N art.11: month, dekad, week or day)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

Scope = Literal["day", "week", "dekad", "month"]


def month_bounds(period: str) -> tuple[date, date]:
    year, month = int(period[:4]), int(period[5:])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def scope_bounds(scope: Scope, day: date) -> tuple[date, date]:
    """The first and last business date of the day, ISO week (Monday to Sunday), dekad (旬: 1-10, 11-20,
    21-end) or month that ``day`` falls in."""
    if scope == "day":
        return day, day
    if scope == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if scope == "dekad":
        last = calendar.monthrange(day.year, day.month)[1]
        start = 1 if day.day <= 10 else 11 if day.day <= 20 else 21
        end = 10 if day.day <= 10 else 20 if day.day <= 20 else last
        return day.replace(day=start), day.replace(day=end)
    return month_bounds(f"{day:%Y-%m}")


def declaration_deadline(period: str, deadline_day: int) -> date:
    """申报截止: the given day of the month after the period (N art.16 counts the settlement from the day
    after it). A day past the end of that month means its last day."""
    _, last = month_bounds(period)
    following = last + timedelta(days=1)
    return following.replace(day=min(deadline_day, calendar.monthrange(following.year, following.month)[1]))
