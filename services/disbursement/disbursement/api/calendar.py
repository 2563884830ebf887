from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from disbursement.api.deps import AnyTokenDep, CalendarDep

router = APIRouter(prefix="/v1/calendar", tags=["calendar"], dependencies=[AnyTokenDep])


@router.get("/add-working-days")
async def add_working_days(calendar: CalendarDep, start: Annotated[date, Query(alias="from")],
                           n: Annotated[int, Query(ge=0, le=366)]) -> dict[str, str]:
    """The n-th working day after ``from`` (``from`` itself never counts)."""
    # ``from`` in a year not loaded is refused as such (422 calendar-not-loaded) before any day is added to
    # it: a day after 9999-12-31 does not exist, and would be a 500.
    calendar.is_working_day(start)
    return {"date": calendar.add_working_days(start, n).isoformat()}


@router.get("/{day}")
async def working_day(day: date, calendar: CalendarDep) -> dict[str, object]:
    """Whether a date is a working day in China, and the holiday or adjusted working day's name."""
    return {"date": day.isoformat(), "working_day": calendar.is_working_day(day), "name": calendar.day_name(day)}
