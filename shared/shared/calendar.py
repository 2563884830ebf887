"""The working-day calendar (工作日历): weekends and statutory holidays off, the State Council's adjusted
working days (调休) on.

Years come from ``chinese_calendar`` (through 2026 at the time of writing), then from year files in
``shared/calendar_data/`` and from files an operator names in ``JISHI_CALENDAR_FILES`` (comma-separated),
each ``{"year": 2027, "holidays": {"2027-01-01": "元旦", ...}, "workdays": {"2027-02-07": "春节调休"}}``
copied from the State Council's notice when it is published. A date in a year that is not loaded raises
``CalendarNotLoaded``: a deadline is never a guess.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib.resources import files
from pathlib import Path

from chinese_calendar import constants as _official

# chinese_calendar names holidays in English; operators read Chinese.
_CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarNotLoaded(LookupError):
    """The official calendar of ``year`` is not loaded: publish its year file first."""

    def __init__(self, year: int, loaded: tuple[int, int] | None) -> None:
        self.year = year
        self.loaded = loaded
        span = f"{loaded[0]}–{loaded[1]}" if loaded else "none"
        super().__init__(
            f"the working-day calendar for {year} is not loaded (loaded years: {span}); "
            "add the State Council's arrangement as a year file (JISHI_CALENDAR_FILES)"
        )


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: the days off that would be working days, and the reverse."""

    year: int
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> YearArrangement:
        year = int(data["year"])  # type: ignore[call-overload]
        holidays = {date.fromisoformat(k): str(v) for k, v in dict(data.get("holidays", {})).items()}  # type: ignore[call-overload]
        workdays = {date.fromisoformat(k): str(v) for k, v in dict(data.get("workdays", {})).items()}  # type: ignore[call-overload]
        for day in [*holidays, *workdays]:
            if day.year != year:
                raise ValueError(f"{day} is not in {year}")
        if overlap := set(holidays) & set(workdays):
            raise ValueError(f"{sorted(overlap)} are both holidays and working days")
        return cls(year, holidays, workdays)


class WorkingDayCalendar:
    def __init__(self, arrangements: Iterable[YearArrangement]) -> None:
        self._years = {a.year: a for a in arrangements}

    @property
    def years(self) -> tuple[int, int] | None:
        return (min(self._years), max(self._years)) if self._years else None

    def _year(self, day: date) -> YearArrangement:
        try:
            return self._years[day.year]
        except KeyError:
            raise CalendarNotLoaded(day.year, self.years) from None

    def is_working_day(self, day: date) -> bool:
        year = self._year(day)
        if day in year.workdays:
            return True
        if day in year.holidays:
            return False
        return day.weekday() < 5

    def day_name(self, day: date) -> str | None:
        """The holiday or adjusted working day's name, or None for an ordinary day."""
        year = self._year(day)
        return year.holidays.get(day) or year.workdays.get(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself never counts; n=0 gives ``start``).

        "Within 20 working days from the day after the declaration deadline" (N art.16) is
        ``add_working_days(deadline, 20)``; "within 1 working day after audit" (LS §3.2) is ``(audited, 1)``.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def next_working_day(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def last_working_day_before(self, day: date) -> date:
        """The last working day strictly before ``day``: "before the 10th" (ZJ §3.2) is ``(the 10th)``."""
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def nth_working_day_of_month(self, year: int, month: int, n: int) -> date:
        """"Within the first 3 working days of the month" (SX §3) is due on ``(year, month, 3)``."""
        if n < 1:
            raise ValueError("n starts at 1")
        return self.add_working_days(date(year, month, 1) - timedelta(days=1), n)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how late a run is against its due date."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def _official_years() -> list[YearArrangement]:
    by_year: dict[int, YearArrangement] = {}
    first, last = min(_official.holidays).year, max(_official.holidays).year
    for year in range(first, last + 1):
        by_year[year] = YearArrangement(year)
    for day, name in _official.holidays.items():
        by_year[day.year].holidays[day] = _CHINESE_NAMES.get(name, name)
    for day, name in _official.workdays.items():
        by_year[day.year].workdays[day] = f"{_CHINESE_NAMES.get(name, name)}调休"
    return list(by_year.values())


def load_year_files(paths: Iterable[Path]) -> list[YearArrangement]:
    return [YearArrangement.from_json(json.loads(Path(p).read_text(encoding="utf-8"))) for p in paths]


def bundled_year_files() -> list[Path]:
    return sorted(Path(str(p)) for p in files("shared.calendar_data").iterdir() if p.name.endswith(".json"))


@cache
def default_calendar() -> WorkingDayCalendar:
    """chinese_calendar's years, then the repo's year files, then the operator's (later ones win)."""
    operator_files = [Path(p) for p in os.environ.get("JISHI_CALENDAR_FILES", "").split(",") if p.strip()]
    return WorkingDayCalendar([*_official_years(), *load_year_files([*bundled_year_files(), *operator_files])])
