"""Batches of the daily path (N art.22: daily, weekly or dekad 旬 batches): which business date closes a
batch, so one run pays everything of the batch."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta
from typing import Literal

from shared.calendar import WorkingDayCalendar

Batch = Literal["daily", "weekly", "dekad"]


def batch_end(day: date, batch: Batch) -> date:
    """The last calendar day of the batch ``day`` belongs to: the day itself, its week's Sunday, or the
    dekad's 10th / 20th / month end (上旬、中旬、下旬)."""
    if batch == "daily":
        return day
    if batch == "weekly":
        return day + timedelta(days=6 - day.weekday())
    last = month_calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=10 if day.day <= 10 else 20 if day.day <= 20 else last)


def batch_start(day: date, batch: Batch) -> date:
    if batch == "daily":
        return day
    if batch == "weekly":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1 if day.day <= 10 else 11 if day.day <= 20 else 21)


def batch_closing(day: date, batch: Batch, calendar: WorkingDayCalendar) -> date:
    """The business date whose run closes the batch: for a daily batch the day itself (a weekend batch is
    made and postponed, N art.18); for weekly and dekad batches the last working day of the batch, so the
    batch is always paid on a working day. A batch without a working day closes with the next one's."""
    if batch == "daily":
        return day
    end, start = batch_end(day, batch), batch_start(day, batch)
    closing = end
    while closing >= start and not calendar.is_working_day(closing):
        closing -= timedelta(days=1)
    if closing < start:
        return batch_closing(end + timedelta(days=1), batch, calendar)
    return closing


def open_batch(business_date: date, batch: Batch, closed: set[date]) -> date:
    """The batch a line joins when it is computed: the one its business date falls in, or — when that batch's
    run was already made (a late upload) — the next one not yet run, so nothing is ever left behind.
    Batches are named by their last calendar day, which needs no calendar."""
    key = batch_end(business_date, batch)
    while key in closed:
        key = batch_end(key + timedelta(days=1), batch)
    return key
