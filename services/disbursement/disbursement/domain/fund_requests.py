"""Fund requests to finance (请款, SX §4): when they are due, and when finance must transfer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.calendar import WorkingDayCalendar


@dataclass(frozen=True)
class RequestDates:
    request_by: date
    transfer_by: date


def fund_request_dates(period: str, calendar: WorkingDayCalendar) -> RequestDates:
    """SX §4: by the 25th of each month the agency requests this month's prepayment and settlement funds and
    finance transfers them by the first working day of the next month. December's request is made instead in
    the first 3 working days of January, and finance pays within 3 working days of receiving it."""
    year, month = int(period[:4]), int(period[5:])
    if month == 12:
        request_by = calendar.nth_working_day_of_month(year + 1, 1, 3)
        return RequestDates(request_by, calendar.add_working_days(request_by, 3))
    request_by = calendar.last_working_day_before(date(year, month, 26))
    return RequestDates(request_by, calendar.nth_working_day_of_month(year, month + 1, 1))
