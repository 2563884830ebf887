"""The console's own rules, without I/O: who may press which button (segregation of duties, N art.22), how a
password is kept (argon2id), what a form accepts, and how an amount reads (exact to the fen)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from console.domain.display import yuan
from console.domain.forms import (
    DecisionForm,
    FormError,
    OperatorForm,
    PolicyForm,
    PrepareRunForm,
    RiskMeasureForm,
    parse,
)
from console.domain.passwords import WeakPassword, hash_password, needs_rehash, verify_password
from console.domain.roles import NEEDS, Action, Role, may, parse_roles


def test_no_single_role_both_prepares_and_signs_or_proposes_and_approves() -> None:
    """N art.22 (maker ≠ checker): whoever holds one role never holds both ends of a four-eyes pair."""
    for maker, checker in ((Action.PREPARE_RUN, Action.SIGN_RUN), (Action.PROPOSE_POLICY, Action.DECIDE_POLICY)):
        assert not NEEDS[maker] & NEEDS[checker]
    assert may({Role.APPROVER}, Action.SIGN_RUN) and not may({Role.CLERK}, Action.SIGN_RUN)
    assert not may({Role.CLERK, Role.REVIEWER}, Action.MANAGE_OPERATORS)
    assert all(may({role}, Action.VIEW) for role in Role)
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        parse_roles(["clerk", "boss"])


def test_a_password_is_kept_as_argon2id_and_a_short_one_is_refused() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert not verify_password("not a hash", "anything")
    assert not needs_rehash(stored)
    with pytest.raises(WeakPassword):
        hash_password("short")


def test_a_deduction_amount_is_yuan_to_the_fen_with_or_without_separators() -> None:
    """N art.13: the reviewer's amount is exact: 1,234.50 is 1234.50; a third decimal or a negative is refused."""
    assert parse(DecisionForm, {"decision": "confirm", "amount": "1,234.50", "reason": "超量"}).amount == \
        Decimal("1234.50")
    for bad in ("12.345", "-1.00", "十元"):
        with pytest.raises(FormError) as refused:
            parse(DecisionForm, {"decision": "confirm", "amount": bad, "reason": "超量"})
        assert "amount" in refused.value.errors
    with pytest.raises(FormError) as blank:
        parse(DecisionForm, {"decision": "confirm", "amount": "1.00", "reason": "   "})
    assert set(blank.value.errors) == {"reason"}


def test_a_run_form_asks_for_what_its_type_needs() -> None:
    daily = parse(PrepareRunForm, {"run_type": "daily-disbursement", "admdvs": "220100", "business_date": "2025-09-02"})
    assert daily.body() == {"admdvs": "220100", "business_date": "2025-09-02"}
    with pytest.raises(FormError, match="needs its period"):
        parse(PrepareRunForm, {"run_type": "monthly-settlement", "admdvs": "220100"}).body()
    with pytest.raises(FormError) as refused:
        parse(PrepareRunForm, {"run_type": "daily-disbursement", "admdvs": "2201", "business_date": "2025-02-30"})
    assert set(refused.value.errors) == {"admdvs", "business_date"}


def test_a_policy_form_takes_overrides_as_a_json_object_only() -> None:
    form = parse(PolicyForm, {"pack": "jilin", "effective_from": "2025-10-01", "overrides": '{"ratios": {"310": "0.50"}}'})
    assert form.body() == {"pack": "jilin", "effective_from": "2025-10-01", "ratios": {"310": "0.50"}}
    for overrides, message in (("[1]", "JSON object"), ("{ratios: 1}", "not JSON"),
                               ('{"pack": "national"}', "own fields")):
        with pytest.raises(FormError, match=message):
            parse(PolicyForm, {"pack": "jilin", "effective_from": "2025-10-01", "overrides": overrides}).body()


def test_a_risk_measure_sends_a_ratio_and_its_date_with_a_lowered_ratio_only() -> None:
    # N art.21, JL art.23: a lowered ratio says how far and from when; the other measures carry neither
    request = "6f1c1d0e-4d5b-4c1e-9d7a-0c6b1f2e3a4b"
    lowered = parse(RiskMeasureForm, {"measure": "lower_ratio", "ratio": "0.3", "effective_from": "2025-09-03",
                                      "reason": " 超标 ", "request_id": request})
    assert lowered.body("李复核 (li)") == {"measure": "lower_ratio", "reason": "超标", "taken_by": "李复核 (li)",
                                          "request_id": request, "ratio": "0.3000", "effective_from": "2025-09-03"}
    with pytest.raises(FormError) as missing:
        parse(RiskMeasureForm, {"measure": "lower_ratio", "ratio": "0.3", "reason": "x"}).body("li")
    assert set(missing.value.errors) == {"effective_from"}
    interview = parse(RiskMeasureForm, {"measure": "interview", "ratio": "0.3", "reason": "x"}).body("li")
    assert "ratio" not in interview and "effective_from" not in interview
    with pytest.raises(FormError) as bad:
        parse(RiskMeasureForm, {"measure": "lower_ratio", "ratio": "1.01", "reason": "x"})
    assert set(bad.value.errors) == {"ratio"}


def test_an_operator_needs_a_role_a_lower_case_login_and_ten_characters_of_password() -> None:
    with pytest.raises(FormError) as refused:
        parse(OperatorForm, {"username": "Wang Li", "display_name": "王丽", "roles": [], "password": "short"})
    assert set(refused.value.errors) == {"username", "roles", "password"}
    ok = parse(OperatorForm, {"username": "wang.li", "display_name": "王丽", "roles": ["clerk"],
                              "password": "ten chars!"})
    assert ok.roles == [Role.CLERK]


def test_amounts_read_with_thousands_separators_exact_to_the_fen() -> None:
    assert yuan("1234567.8") == "1,234,567.80"
    assert yuan(Decimal("0.01")) == "0.01"
    assert yuan("-12.5") == "-12.50"
    assert yuan("99999999999999.99") == "99,999,999,999,999.99"  # no float on the way
    assert yuan(None) == "—"
