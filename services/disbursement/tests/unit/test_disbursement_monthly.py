"""The monthly paths as pure rules, with real numbers and real calendar dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from disbursement.domain.batches import batch_closing, batch_end
from disbursement.domain.fund_requests import fund_request_dates
from disbursement.domain.monthly import monthly_prepayment, net_settlement, prepayment_due, settlement_due
from disbursement.domain.packs import PACKS, resolve
from disbursement.domain.policy import DueRule, MonthlySettlement, SpecialCases
from disbursement.domain.special import ClearingFigures, case_prepayment, case_remainder, special_cases_due
from shared.calendar import default_calendar

D = Decimal
CALENDAR = default_calendar()


def test_a_zhenjiang_month_prepays_60_and_50_percent_of_last_months_incurred_fund_payments():  # ZJ §3.2
    # August: employee fund payments 1,234,567.89 and resident 345,678.91 incurred at one hospital.
    assert monthly_prepayment(D("1234567.89"), D("0.60")) == D("740740.73")  # 740,740.734 → half-up
    assert monthly_prepayment(D("345678.91"), D("0.50")) == D("172839.46")  # 172,839.455 → half-up
    # and the settlement pays the rest: payable − prepayment (ZJ §3.3)
    figures = net_settlement(payable=D("1301000.00"), deductions=D("0.00"), already_paid=D("740740.73"),
                             carried_in=D("0.00"), deposit_share=D("0"))
    assert (figures.net, figures.payment, figures.carried_forward) == (D("560259.27"), D("560259.27"), D("0.00"))


def test_a_negative_base_prepays_nothing():  # SX §3: last month's deductions exceeded its payments
    assert monthly_prepayment(D("-10.00"), D("0.60")) == D("0.00")


def test_the_shanxi_prepayment_is_due_on_the_third_working_day():  # SX §3
    # October 2025 opens with the National Day holiday (1-8 Oct); the 11th, a Saturday, is worked.
    assert prepayment_due(2025, 10, DueRule(kind="nth_working_day", n=3), CALENDAR) == date(2025, 10, 11)
    assert prepayment_due(2025, 9, DueRule(kind="nth_working_day", n=3), CALENDAR) == date(2025, 9, 3)


def test_the_zhenjiang_prepayment_is_due_before_the_tenth():  # ZJ §3.2
    # 10 Oct 2025 is a Friday: the last working day before it is Thursday the 9th.
    assert prepayment_due(2025, 10, DueRule(kind="before_day", n=10), CALENDAR) == date(2025, 10, 9)
    # 10 Aug 2025 is a Sunday: before the 10th is Friday the 8th.
    assert prepayment_due(2025, 8, DueRule(kind="before_day", n=10), CALENDAR) == date(2025, 8, 8)


def test_the_national_reading_counts_from_the_day_after_the_declaration_deadline():  # N art.16
    due = settlement_due("2025-08", MonthlySettlement(), CALENDAR)
    assert due.declaration_deadline == date(2025, 9, 10)
    # 15 working days from 11 Sep: ..., 26, 28 (a Sunday, worked before National Day), 29, 30
    assert due.review_due == date(2025, 9, 30)
    assert due.payment_due == date(2025, 10, 14)  # 5 more after the holiday: 9, 10, 11 (Sat, worked), 13, 14


def test_zhenjiang_reviews_in_the_next_months_first_15_working_days_and_pays_in_5_more():  # ZJ §3.1
    """"次月20个工作日内…其中15个工作日内…审核复核…5个工作日内完成…拨付": counted from the next month's first
    working day, whatever the declaration deadline (the setting ``counted_from``)."""
    policy = resolve("zhenjiang", {"effective_from": "2025-01-01"})
    assert policy.settlement.counted_from == "next_month_start"
    august = settlement_due("2025-08", policy.settlement, CALENDAR)
    assert (august.review_due, august.payment_due) == (date(2025, 9, 19), date(2025, 9, 26))  # 1-5, 8-12, ...
    assert CALENDAR.working_days_between(date(2025, 8, 31), august.payment_due) == 20
    # September: the National Day holiday takes 1-8 Oct; the 11th (a Saturday) is worked
    september = settlement_due("2025-09", policy.settlement, CALENDAR)
    assert (september.review_due, september.payment_due) == (date(2025, 10, 28), date(2025, 11, 4))


def test_a_leshan_month_is_paid_within_20_working_days_across_national_day():  # LS §3.1, N art.16
    policy = resolve("leshan", {"effective_from": "2025-01-01"})
    due = settlement_due("2025-09", policy.settlement, CALENDAR)
    assert due.declaration_deadline == date(2025, 10, 10)
    # 11 Oct (Sat, worked), 13-17, 20-24, 27-31, 3-6 Nov: the 20th working day is 6 Nov
    assert due.payment_due == date(2025, 11, 6)
    assert CALENDAR.working_days_between(due.declaration_deadline, due.payment_due) == 20
    # LS §3.1 "审核后5个工作日内完成拨付": 5 working days after the month's audit ended, within the 20
    audited = settlement_due("2025-09", policy.settlement, CALENDAR, audit_ended=date(2025, 10, 20))
    assert audited.payment_due == date(2025, 10, 27)  # 21, 22, 23, 24, 27
    late = settlement_due("2025-09", policy.settlement, CALENDAR, audit_ended=date(2025, 11, 3))
    assert late.payment_due == date(2025, 11, 6)  # 5 after 3 Nov would be 10 Nov: capped at the 20th day
    early = settlement_due("2025-09", policy.settlement, CALENDAR, audit_ended=date(2025, 10, 9))
    assert early.payment_due == date(2025, 10, 16)  # the days start after the 10 Oct deadline: 11 (Sat), 13-16
    # its daily path: 60 % within one working day after audit (LS §3.2); audited on 30 Sep → paid 9 Oct
    assert CALENDAR.add_working_days(date(2025, 9, 30), policy.pay_within_working_days) == date(2025, 10, 9)


def test_a_negative_net_is_carried_and_deducted_until_covered():  # SX §3
    september = net_settlement(payable=D("100.00"), deductions=D("80.00"), already_paid=D("60.00"),
                               carried_in=D("0.00"), deposit_share=D("0"))
    assert (september.net, september.payment, september.carried_forward) == (D("-40.00"), D("0.00"), D("-40.00"))
    october = net_settlement(payable=D("30.00"), deductions=D("0.00"), already_paid=D("0.00"),
                             carried_in=september.carried_forward, deposit_share=D("0"))
    assert (october.payment, october.carried_forward) == (D("0.00"), D("-10.00"))
    november = net_settlement(payable=D("50.00"), deductions=D("0.00"), already_paid=D("0.00"),
                              carried_in=october.carried_forward, deposit_share=D("0"))
    assert (november.payment, november.carried_forward) == (D("40.00"), D("0.00"))


def test_the_quality_deposit_is_reserved_from_what_the_month_settles():  # SX §3
    figures = net_settlement(payable=D("1000.00"), deductions=D("100.00"), already_paid=D("500.00"),
                             carried_in=D("0.00"), deposit_share=D("0.05"))
    assert figures.deposit_reserved == D("45.00") and figures.payment == D("355.00")


def test_weekly_and_dekad_batches_close_on_their_last_working_day():  # N art.22
    assert batch_end(date(2025, 9, 3), "weekly") == date(2025, 9, 7)
    assert batch_closing(date(2025, 9, 3), "weekly", CALENDAR) == date(2025, 9, 5)  # Friday
    # the week of National Day 2025: Mon 29 Sep and Tue 30 Sep work, the rest is holiday
    assert batch_closing(date(2025, 10, 1), "weekly", CALENDAR) == date(2025, 9, 30)
    assert batch_closing(date(2025, 10, 15), "dekad", CALENDAR) == date(2025, 10, 20)  # 中旬, a Monday
    assert batch_closing(date(2025, 8, 25), "dekad", CALENDAR) == date(2025, 8, 29)  # 下旬 ends on Sunday 31st
    assert batch_closing(date(2025, 9, 6), "daily", CALENDAR) == date(2025, 9, 6)


def test_a_special_case_cleared_at_year_end_prepays_its_share_each_month_never_past_its_base():  # N art.16
    assert case_prepayment(D("37037.00"), D("0.10"), D("0")) == D("3703.70")
    assert case_prepayment(D("10000.01"), D("0.7"), D("0")) == D("7000.01")  # half-up
    assert case_prepayment(D("10000.01"), D("0.7"), D("7000.01")) == D("3000.00")  # the base, not past it
    assert case_prepayment(D("5000.00"), D("0.7"), D("7000.01")) == D("0.00")  # approved below what was prepaid


def test_special_cases_are_due_with_the_settlement_of_their_last_month():  # JL art.15-16, N art.16, ZJ §3.1
    """2025-Q3 in Jilin: September's declarations close 2025-10-10; 20 working days from the day after, past the
    National Day holiday and with the make-up Saturday 2025-10-11, end 2025-11-06. Counted from the quarter's
    last day instead: 2025-11-04. Zhenjiang counts from the next month's start either way."""
    twenty = MonthlySettlement(review_working_days=15, payment_working_days=5, total_working_days=20)
    quarterly = SpecialCases(review="quarterly")
    assert special_cases_due("2025-Q3", quarterly, twenty, CALENDAR) == date(2025, 11, 6)
    assert special_cases_due("2025-09", SpecialCases(), twenty, CALENDAR) == date(2025, 11, 6)
    assert special_cases_due("2025-Q3", SpecialCases(review="quarterly", due="after_period_end"), twenty,
                             CALENDAR) == date(2025, 11, 4)
    zhenjiang = MonthlySettlement(counted_from="next_month_start")
    assert special_cases_due("2025-08", SpecialCases(), zhenjiang, CALENDAR) == date(2025, 9, 26)


def test_the_clearing_pays_the_approved_amount_less_prepayments_and_recovers_a_rejected_case():  # N art.16
    assert case_remainder("approved", D("15000.00"), D("11111.10")) == D("3888.90")
    assert case_remainder("approved", D("5000.00"), D("7000.01")) == D("-2000.01")
    assert case_remainder("rejected", None, D("100.00")) == D("-100.00")


def test_the_annual_clearing_releases_what_the_months_held_back():  # N art.17, SX §3
    figures = ClearingFigures(deposits_released=D("450.00"), special_remainders=D("3000.00"),
                              assessment=D("-200.00"), carried_in=D("-50.00"))
    assert (figures.net, figures.payment, figures.carried_forward) == (D("3200.00"), D("3200.00"), D("0.00"))


#: SX §4's schedule, as the Shanxi pack sets it.
SHANXI = resolve("shanxi", {"effective_from": "2025-01-01"}).fund_requests


def test_fund_requests_are_due_by_the_25th_and_decembers_in_january():  # SX §4
    assert SHANXI is not None
    november = fund_request_dates("2025-11", SHANXI, CALENDAR)
    assert november.request_by == date(2025, 11, 25)  # a Tuesday
    assert november.transfer_by == date(2025, 12, 1)  # the first working day of December
    october = fund_request_dates("2025-10", SHANXI, CALENDAR)
    assert october.request_by == date(2025, 10, 24)  # the 25th is a Saturday
    december = fund_request_dates("2025-12", SHANXI, CALENDAR)
    assert december.request_by == date(2026, 1, 6)  # 1-3 Jan 2026 off, 4 Jan (Sun) worked: 4, 5, 6
    assert december.transfer_by == date(2026, 1, 9)


def test_only_the_shanxi_pack_has_a_fund_request_schedule():  # SX §4 is Shanxi's rule, not every region's
    schedules = {pack: resolve(pack, {"effective_from": "2025-01-01"}).fund_requests for pack in PACKS}
    assert [pack for pack, schedule in schedules.items() if schedule is not None] == ["shanxi"]
