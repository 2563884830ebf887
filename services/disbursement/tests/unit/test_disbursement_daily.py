"""The daily disbursement summary (日拨付业务拨付汇总表, JL art.11) and what postponed payments carry
(累计顺延, N art.18, JL art.19)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disbursement.domain.daily import SummaryLine, carry_value, daily_summary

D = Decimal
A_EMP = ("H22010000001", "310", "2025-06")
A_RES = ("H22010000001", "390", "2025-06")
A_MAY = ("H22010000001", "310", "2025-05")
B_EMP = ("H22010000002", "310", "2025-06")


def by_key(summary: list[SummaryLine]) -> dict[tuple[str, str, str], SummaryLine]:
    return {(s.fixmedins_code, s.insutype, s.period): s for s in summary}


def test_lines_are_summed_per_institution_fund_and_month():  # JL art.11
    summary = by_key(daily_summary(
        [(A_EMP, D("5.01")), (A_EMP, D("5.01")), (A_RES, D("30.00")), (B_EMP, D("12.34")), (A_MAY, D("7.00"))],
        []))
    assert {k: (s.records, s.amount) for k, s in summary.items()} == {
        A_EMP: (2, D("10.02")), A_RES: (1, D("30.00")), B_EMP: (1, D("12.34")), A_MAY: (1, D("7.00"))}


def test_a_line_of_an_earlier_month_stays_in_its_own_month():  # JL art.11, N art.16
    summary = daily_summary([(A_EMP, D("1.00")), (A_MAY, D("2.00"))], [])
    assert [(s.period, s.amount) for s in summary] == [("2025-05", D("2.00")), ("2025-06", D("1.00"))]


def test_the_summary_is_in_a_stable_order():  # JL art.11: the table is signed as printed
    summary = daily_summary([(B_EMP, D("1.00")), (A_RES, D("1.00")), (A_EMP, D("1.00"))], [])
    assert [(s.fixmedins_code, s.insutype) for s in summary] == [
        ("H22010000001", "310"), ("H22010000001", "390"), ("H22010000002", "310")]


def test_a_postponed_amount_is_paid_with_the_next_disbursement():  # N art.18, JL art.19: 累计顺延
    [line] = daily_summary([(A_EMP, D("100.00"))], [(A_EMP, D("40.50")), (A_EMP, D("9.50"))])
    assert (line.amount, line.carried_in, line.due, line.payment) == (D("100.00"), D("50.00"), D("150.00"),
                                                                      D("150.00"))
    assert line.carried_forward == D("0.00")


def test_a_carried_amount_is_ordered_even_on_a_day_without_records():  # N art.18
    [line] = daily_summary([], [(B_EMP, D("75.00"))])
    assert (line.records, line.amount, line.payment) == (0, D("0.00"), D("75.00"))


def test_a_payment_is_never_negative_and_the_remainder_is_carried_forward():  # N art.18, SX §3
    # a reversal of 80.00 against 30.00 earned: nothing is paid, 50.00 is owed back
    [line] = daily_summary([(A_EMP, D("30.00")), (A_EMP, D("-80.00"))], [])
    assert (line.amount, line.payment, line.carried_forward) == (D("-50.00"), D("0.00"), D("-50.00"))


def test_a_negative_carry_is_netted_against_the_next_earnings():  # N art.18, SX §3
    [line] = daily_summary([(A_EMP, D("70.00"))], [(A_EMP, D("-50.00"))])
    assert (line.payment, line.carried_forward) == (D("20.00"), D("0.00"))


def test_the_empty_day_has_no_lines():  # JL art.11
    assert daily_summary([], []) == []


@pytest.mark.parametrize("status", ["postponed", "failed"])
def test_an_unpaid_payment_carries_its_whole_amount(status):  # N art.18, JL art.19
    assert carry_value(status, D("150.00"), D("0.00")) == D("150.00")


def test_an_unpaid_payment_also_carries_its_negative_remainder():  # N art.18
    # a zero payment with 50.00 owed back: that debt stays owed
    assert carry_value("postponed", D("0.00"), D("-50.00")) == D("-50.00")
    assert carry_value("failed", D("10.00"), D("-3.00")) == D("7.00")


@pytest.mark.parametrize("status", ["paid", "ordered"])
def test_a_paid_or_pending_payment_carries_only_its_negative_remainder(status):  # N art.18, SX §3
    assert carry_value(status, D("150.00"), D("0.00")) == D("0.00")
    assert carry_value(status, D("0.00"), D("-50.00")) == D("-50.00")


# the invariant ---------------------------------------------------------------------------------------------

keys = st.sampled_from([A_EMP, A_RES, A_MAY, B_EMP])
fen = st.integers(min_value=-10**9, max_value=10**9).map(lambda n: D(n).scaleb(-2))


@given(lines=st.lists(st.tuples(keys, fen), max_size=30), carried=st.lists(st.tuples(keys, fen), max_size=10))
def test_what_is_paid_and_carried_forward_is_exactly_what_was_due(lines, carried):  # N art.18, JL art.11
    expected_amount: dict = defaultdict(lambda: D("0.00"))
    expected_carried: dict = defaultdict(lambda: D("0.00"))
    for key, amount in lines:
        expected_amount[key] += amount
    for key, amount in carried:
        expected_carried[key] += amount
    summary = by_key(daily_summary(lines, carried))
    assert set(summary) == set(expected_amount) | set(expected_carried)
    for key, line in summary.items():
        assert line.amount == expected_amount[key]
        assert line.carried_in == expected_carried[key]
        assert line.records == sum(1 for k, _ in lines if k == key)
        assert line.payment + line.carried_forward == line.amount + line.carried_in
        assert line.payment >= 0
        assert line.carried_forward <= 0
        assert line.payment == 0 or line.carried_forward == 0
