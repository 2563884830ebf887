"""Per-record disbursement lines (逐笔拨付明细): how much of each settlement is paid daily (JL art.11), and
when, by the region's audit mode (N art.13)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from disbursement.domain.lines import RatioCap, capped_ratio, disbursement_line, payable_base
from shared.money import total

D = Decimal


# JL art.11: fund payment × ratio, per record, half-up to the fen --------------------------------------------


def test_each_record_is_rounded_before_the_day_is_summed():  # JL art.11
    # rounded once after summing, 20.02 × 0.5 would give 10.01
    lines = [disbursement_line(D("10.01"), D("0.5")) for _ in range(2)]
    assert lines == [D("5.01"), D("5.01")]
    assert total(lines) == D("10.02")


def test_a_line_is_rounded_half_up_not_half_even():  # JL art.11
    assert disbursement_line(D("0.25"), D("0.5")) == D("0.13")  # 0.125
    assert disbursement_line(D("123.45"), D("0.60")) == D("74.07")  # 74.07
    assert disbursement_line(D("0.01"), D("0.60")) == D("0.01")  # 0.006
    assert disbursement_line(D("0.01"), D("0.4")) == D("0.00")  # 0.004


def test_a_line_is_held_at_the_fen():  # JL art.11; contract.md: two decimals
    assert disbursement_line(D("100.00"), D("0.6")).as_tuple().exponent == -2


def test_a_negative_payment_rounds_half_up_away_from_zero():  # JL art.11, a reversal mirrors its line
    assert disbursement_line(D("-10.01"), D("0.5")) == -disbursement_line(D("10.01"), D("0.5")) == D("-5.01")


# N art.13: 先拨后审 pay_first ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [None, "pass", "suspicious", "violation"])
def test_pay_first_pays_the_whole_fund_payment_whatever_the_audit_says(status):  # N art.13 先拨后审
    assert payable_base("pay_first", status, D("800.00"), D("120.00")) == D("800.00")


# N art.13: 拨审分离 parallel --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [None, "pass", "suspicious"])
def test_parallel_pays_at_once_before_and_beside_the_audit(status):  # N art.13 拨审分离
    assert payable_base("parallel", status, D("800.00"), D("0.00")) == D("800.00")


def test_parallel_does_not_pay_a_violation_already_found():  # N art.13 拨审分离
    assert payable_base("parallel", "violation", D("800.00"), D("120.00")) == D("680.00")


def test_parallel_never_pays_below_zero():  # N art.13
    assert payable_base("parallel", "violation", D("80.00"), D("120.00")) == D("0.00")


# N art.13: 即审即拨 audit_first -----------------------------------------------------------------------------


def test_audit_first_waits_until_the_record_is_audited():  # N art.13 即审即拨
    assert payable_base("audit_first", None, D("800.00"), D("0.00")) is None


def test_audit_first_pays_a_pass_in_full():  # N art.13 即审即拨
    assert payable_base("audit_first", "pass", D("800.00"), D("0.00")) == D("800.00")


def test_audit_first_pays_a_violation_without_its_violating_amount():  # N art.13 即审即拨
    assert payable_base("audit_first", "violation", D("800.00"), D("120.00")) == D("680.00")
    assert payable_base("audit_first", "violation", D("800.00"), D("800.00")) == D("0.00")


def test_audit_first_never_pays_a_violation_below_zero():  # N art.13
    assert payable_base("audit_first", "violation", D("80.00"), D("80.01")) == D("0.00")


def test_audit_first_holds_a_suspicious_record_for_manual_review():  # N art.13
    assert payable_base("audit_first", "suspicious", D("800.00"), D("0.00")) is None


def test_the_ratio_applies_to_the_payable_base():  # N art.13, JL art.11
    # a violation of 120.00 on 800.00 under audit_first at 60 %: 680.00 × 0.6 = 408.00
    base = payable_base("audit_first", "violation", D("800.00"), D("120.00"))
    assert disbursement_line(base, D("0.60")) == D("408.00")


def test_a_risk_cap_lowers_the_ratio_from_its_date_and_never_raises_it() -> None:
    """N art.21, JL art.22-23: the latest cap in force on the settlement's date, never above the policy."""
    monday, tuesday = datetime(2025, 9, 1, 9, tzinfo=UTC), datetime(2025, 9, 2, 9, tzinfo=UTC)
    caps = [RatioCap(date(2025, 9, 10), Decimal("0.3"), monday), RatioCap(date(2025, 9, 20), Decimal("0.5"), tuesday)]
    policy = Decimal("0.6")
    assert capped_ratio(policy, caps, date(2025, 9, 9)) == policy
    assert capped_ratio(policy, caps, date(2025, 9, 10)) == Decimal("0.3")
    assert capped_ratio(policy, caps, date(2025, 9, 25)) == Decimal("0.5")
    assert capped_ratio(policy, [RatioCap(date(2025, 9, 1), Decimal("0.9"), monday)], date(2025, 9, 2)) == policy
    replaced = caps + [RatioCap(date(2025, 9, 10), Decimal("0.4"), tuesday)]  # the same date, decided later
    assert capped_ratio(policy, replaced, date(2025, 9, 12)) == Decimal("0.4")
