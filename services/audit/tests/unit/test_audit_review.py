"""Manual review and deduction (人工复核, 月度抵扣; N art.13, JL art.13)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from audit.domain.outcome import Outcome
from audit.domain.review import (
    AlreadyDecided,
    AuditFinding,
    ReviewError,
    amount_to_deduct,
    deduction_id_of,
    finding_id_of,
    opening,
)
from shared.contracts.events import Finding


def a_finding(status: str = "open", vola_amt: str = "30.00", fund: str = "80.00") -> AuditFinding:
    return AuditFinding(uuid.uuid4(), 1, "H1", "S1", "220100", "310", "P1", date(2025, 6, 3), "2025-06",
                        "suspicious", status, Decimal(vola_amt), Decimal(fund), ["MED-IND-01"],
                        datetime.now(UTC), None, None)


def an_outcome(status: str, clear_cut_only: bool = False) -> Outcome:
    findings = [] if status == "pass" else [Finding(rule_id="X", family="policy", sev_deg="high", description="x",
                                                    vola_amt="10.00")]
    return Outcome(status, findings, clear_cut_only)  # type: ignore[arg-type]


def test_a_pass_the_sample_left_alone_goes_nowhere():  # N art.13
    assert opening(an_outcome("pass"), sampled=False, auto_confirm=True, reversed_already=False) is None


def test_a_sampled_pass_and_a_suspicious_record_wait_for_a_reviewer():  # N art.13: 随机抽审, 疑点复核
    assert opening(an_outcome("pass"), sampled=True, auto_confirm=True, reversed_already=False).kind == "sampled"
    start = opening(an_outcome("suspicious"), sampled=False, auto_confirm=True, reversed_already=False)
    assert (start.kind, start.status) == ("suspicious", "open")


def test_a_clear_cut_violation_is_confirmed_at_once_where_the_region_auto_confirms():  # N art.13; JL art.13
    start = opening(an_outcome("violation", clear_cut_only=True), sampled=False, auto_confirm=True,
                    reversed_already=False)
    assert (start.kind, start.status) == ("violation", "confirmed")


def test_elsewhere_a_clear_cut_violation_is_proposed_to_reviewers():  # N art.13: deduction proposal
    start = opening(an_outcome("violation", clear_cut_only=True), sampled=False, auto_confirm=False,
                    reversed_already=False)
    assert (start.kind, start.status) == ("violation", "open")


def test_a_violation_with_a_suspicion_besides_goes_to_a_reviewer_whole():  # N art.13
    start = opening(an_outcome("violation", clear_cut_only=False), sampled=False, auto_confirm=True,
                    reversed_already=False)
    assert start.status == "open"


def test_a_reversed_settlement_is_never_deducted():  # N art.10, art.13: 结算撤销
    start = opening(an_outcome("violation", clear_cut_only=True), sampled=False, auto_confirm=True,
                    reversed_already=True)
    assert start.status == "reversed"


def test_confirming_deducts_what_the_rules_found_unless_the_reviewer_says_otherwise():  # N art.13
    assert amount_to_deduct(a_finding(), "confirm", None) == Decimal("30.00")
    assert amount_to_deduct(a_finding(), "confirm", Decimal("55.00")) == Decimal("55.00")


def test_a_reviewer_cannot_deduct_more_than_the_fund_paid():  # N art.13
    with pytest.raises(ReviewError) as raised:
        amount_to_deduct(a_finding(fund="80.00"), "confirm", Decimal("80.01"))
    assert raised.value.field == "amount" and raised.value.status == 422


def test_confirming_a_sample_needs_an_amount_and_never_zero():  # N art.13
    with pytest.raises(ReviewError):
        amount_to_deduct(a_finding(vola_amt="0.00"), "confirm", None)
    with pytest.raises(ReviewError):
        amount_to_deduct(a_finding(), "confirm", Decimal("0.00"))


def test_a_dismissal_deducts_nothing_and_takes_no_amount():  # N art.13
    assert amount_to_deduct(a_finding(), "dismiss", None) is None
    with pytest.raises(ReviewError):
        amount_to_deduct(a_finding(), "dismiss", Decimal("1.00"))


@pytest.mark.parametrize("status", ["confirmed", "dismissed", "reversed"])
def test_a_finding_is_decided_once(status):  # N art.13: append-only history, a second decision is a conflict
    with pytest.raises(AlreadyDecided) as raised:
        amount_to_deduct(a_finding(status=status), "dismiss", None)
    assert raised.value.status == 409


def test_a_settlement_always_gives_the_same_finding_and_deduction_ids():  # N art.13: deducted exactly once
    assert finding_id_of("H1", "S1") == finding_id_of("H1", "S1") != finding_id_of("H1", "S2")
    assert deduction_id_of(finding_id_of("H1", "S1")) == deduction_id_of(finding_id_of("H1", "S1"))
