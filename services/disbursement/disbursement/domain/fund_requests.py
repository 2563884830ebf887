"""Fund requests to finance (请款, SX §4): when they are due, and when finance must transfer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from disbursement.domain.policy import FundRequests
from shared.calendar import WorkingDayCalendar


@dataclass(frozen=True)
class RequestDates:
    request_by: date
    transfer_by: date


def fund_request_dates(period: str, schedule: FundRequests, calendar: WorkingDayCalendar) -> RequestDates:
    """SX §4 "每月25日前…申请本月的即时结算预拨资金和结算资金，财政部门于次月1个工作日前将资金拨付": the
    request is due by the 25th, or the last working day before it when the 25th is not one and
    the transfer by the next month's first working day. "12月份不申请，推迟到次年1月初3个工作日内…收到申请后3个
    工作日内": December's request in January's first working days, the transfer that many after it."""
    year, month = int(period[:4]), int(period[5:])
    if month == 12:
        request_by = calendar.nth_working_day_of_month(year + 1, 1, schedule.january_working_days)
        return RequestDates(request_by, calendar.add_working_days(request_by, schedule.january_transfer_working_days))
    request_by = calendar.last_working_day_before(date(year, month, schedule.request_by_day + 1))
    return RequestDates(request_by, calendar.nth_working_day_of_month(year, month + 1, 1))
