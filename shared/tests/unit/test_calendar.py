"""The working-day calendar (shared.calendar) on the real 2025 arrangement, and year files for later years.

2025 facts (the State Council's notice on the 2025 holidays, as chinese_calendar carries it): National Day
and Mid-Autumn run together from Wed 2025-10-01 to Wed 2025-10-08 (10-06 is 中秋节); Sun 2025-09-28 and
Sat 2025-10-11 are worked (调休).
"""

from __future__ import annotations

from datetime import date

import pytest

from shared.calendar import CalendarNotLoaded, WorkingDayCalendar, YearArrangement, default_calendar

GOLDEN_WEEK_2025 = [date(2025, 10, d) for d in range(1, 9)]


def a_year_file(year: int = 2027, holidays: dict[str, str] | None = None,
                workdays: dict[str, str] | None = None) -> dict[str, object]:
    """A year file as an operator copies it from the State Council's notice (made-up days for 2027)."""
    return {"year": year,
            "holidays": {"2027-01-01": "元旦"} if holidays is None else holidays,
            "workdays": {"2027-02-07": "春节调休"} if workdays is None else workdays}


@pytest.fixture
def cal() -> WorkingDayCalendar:
    return default_calendar()


# the 2025 arrangement -----------------------------------------------------------------------------------


@pytest.mark.parametrize("day", GOLDEN_WEEK_2025, ids=str)
def test_national_day_and_mid_autumn_2025_are_days_off(cal: WorkingDayCalendar, day: date) -> None:
    assert cal.is_working_day(day) is False


def test_the_holidays_carry_their_chinese_names(cal: WorkingDayCalendar) -> None:
    assert cal.day_name(date(2025, 10, 1)) == "国庆节"
    assert cal.day_name(date(2025, 10, 6)) == "中秋节"
    assert cal.day_name(date(2025, 10, 9)) is None  # an ordinary Thursday


@pytest.mark.parametrize("day", [date(2025, 9, 28), date(2025, 10, 11)], ids=str)
def test_the_adjusted_weekend_days_of_2025_are_worked(cal: WorkingDayCalendar, day: date) -> None:  # 调休
    assert day.weekday() >= 5  # a Sunday and a Saturday
    assert cal.is_working_day(day) is True
    assert cal.day_name(day) == "国庆节调休"


def test_an_ordinary_weekend_is_off_and_an_ordinary_weekday_is_worked(cal: WorkingDayCalendar) -> None:
    assert cal.is_working_day(date(2025, 10, 12)) is False  # Sunday
    assert cal.is_working_day(date(2025, 9, 27)) is False  # Saturday, not adjusted
    assert cal.is_working_day(date(2025, 9, 30)) is True  # Tuesday


# add_working_days ---------------------------------------------------------------------------------------


def test_one_working_day_after_the_eve_of_golden_week_is_the_ninth(cal: WorkingDayCalendar) -> None:  # LS §3.2
    assert cal.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_the_start_day_never_counts_and_zero_days_is_the_start(cal: WorkingDayCalendar) -> None:
    assert cal.add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)  # even on a holiday
    assert cal.add_working_days(date(2025, 10, 9), 1) == date(2025, 10, 10)


def test_an_adjusted_saturday_counts_as_a_working_day(cal: WorkingDayCalendar) -> None:
    assert cal.add_working_days(date(2025, 10, 10), 1) == date(2025, 10, 11)
    assert cal.add_working_days(date(2025, 10, 11), 1) == date(2025, 10, 13)  # Sunday 12th skipped


def test_monthly_settlement_is_due_20_working_days_after_the_declaration_deadline(cal) -> None:  # N art.16
    # October 2025 has 18 working days after 09-30 (11th included); Nov 1-2 is a weekend; 3rd, 4th
    assert cal.add_working_days(date(2025, 9, 30), 20) == date(2025, 11, 4)


def test_a_negative_number_of_working_days_is_refused(cal: WorkingDayCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(date(2025, 10, 9), -1)


def test_the_next_working_day_after_a_holiday_is_the_first_day_back(cal: WorkingDayCalendar) -> None:
    assert cal.next_working_day(date(2025, 10, 1)) == date(2025, 10, 9)
    assert cal.next_working_day(date(2025, 10, 9)) == date(2025, 10, 9)


# month and deadline helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "due"), [(1, date(2025, 10, 9)), (2, date(2025, 10, 10)),
                                        (3, date(2025, 10, 11)), (4, date(2025, 10, 13))])
def test_the_first_working_days_of_october_2025_skip_golden_week(cal, n: int, due: date) -> None:  # SX §3
    # "within the first 3 working days": October's 3rd working day is the adjusted Saturday the 11th
    assert cal.nth_working_day_of_month(2025, 10, n) == due


def test_the_first_working_day_of_september_2025_is_the_first(cal: WorkingDayCalendar) -> None:  # SX §3
    assert cal.nth_working_day_of_month(2025, 9, 1) == date(2025, 9, 1)  # a Monday


def test_the_nth_working_day_starts_at_one(cal: WorkingDayCalendar) -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        cal.nth_working_day_of_month(2025, 10, 0)


def test_before_the_tenth_of_october_2025_means_by_the_ninth(cal: WorkingDayCalendar) -> None:  # ZJ §3.2
    assert cal.last_working_day_before(date(2025, 10, 10)) == date(2025, 10, 9)


def test_the_last_working_day_before_golden_week_ends_is_the_thirtieth(cal: WorkingDayCalendar) -> None:
    assert cal.last_working_day_before(date(2025, 10, 9)) == date(2025, 9, 30)


def test_working_days_between_count_the_end_but_not_the_start(cal: WorkingDayCalendar) -> None:
    assert cal.working_days_between(date(2025, 9, 30), date(2025, 10, 10)) == 2  # the 9th and the 10th
    assert cal.working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0  # all holidays
    assert cal.working_days_between(date(2025, 10, 9), date(2025, 10, 9)) == 0
    assert cal.working_days_between(date(2025, 9, 26), date(2025, 9, 28)) == 1  # Sat off, Sun 28th worked


def test_working_days_between_undoes_add_working_days(cal: WorkingDayCalendar) -> None:  # N art.16
    start = date(2025, 9, 30)
    assert cal.working_days_between(start, cal.add_working_days(start, 20)) == 20


# years that are not loaded ------------------------------------------------------------------------------


def test_a_date_in_a_year_without_an_official_calendar_raises_not_a_guess(cal: WorkingDayCalendar) -> None:
    with pytest.raises(CalendarNotLoaded) as raised:
        cal.is_working_day(date(2027, 3, 1))
    assert raised.value.year == 2027
    assert raised.value.loaded is not None and raised.value.loaded[1] == 2026
    assert "2027" in str(raised.value)


def test_counting_into_an_unloaded_year_raises_too(cal: WorkingDayCalendar) -> None:
    with pytest.raises(CalendarNotLoaded) as raised:
        cal.add_working_days(date(2026, 12, 30), 5)
    assert raised.value.year == 2027


def test_a_year_file_makes_its_year_usable() -> None:
    cal = WorkingDayCalendar([YearArrangement.from_json(a_year_file())])
    assert cal.years == (2027, 2027)
    assert cal.is_working_day(date(2027, 1, 1)) is False  # a Friday, made a holiday by the file
    assert cal.is_working_day(date(2027, 2, 7)) is True  # a Sunday, made a working day by the file
    assert cal.day_name(date(2027, 2, 7)) == "春节调休"
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)  # Fri 1st off, then the weekend
    with pytest.raises(CalendarNotLoaded) as raised:
        cal.is_working_day(date(2028, 1, 3))
    assert raised.value.year == 2028 and raised.value.loaded == (2027, 2027)


def test_an_empty_calendar_says_no_years_are_loaded() -> None:
    cal = WorkingDayCalendar([])
    assert cal.years is None
    with pytest.raises(CalendarNotLoaded, match="none"):
        cal.is_working_day(date(2025, 10, 9))


def test_a_year_file_refuses_a_date_outside_its_year() -> None:
    with pytest.raises(ValueError, match="2026-12-31 is not in 2027"):
        YearArrangement.from_json(a_year_file(holidays={"2026-12-31": "元旦"}))
    with pytest.raises(ValueError, match="not in 2027"):
        YearArrangement.from_json(a_year_file(workdays={"2028-01-02": "调休"}))


def test_a_year_file_refuses_a_day_that_is_both_holiday_and_workday() -> None:
    with pytest.raises(ValueError, match="both holidays and working days"):
        YearArrangement.from_json(a_year_file(holidays={"2027-02-07": "春节"}, workdays={"2027-02-07": "调休"}))


def test_a_year_file_may_omit_its_holidays_and_workdays() -> None:
    arrangement = YearArrangement.from_json({"year": "2027"})
    assert arrangement == YearArrangement(2027, {}, {})
