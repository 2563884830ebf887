"""The five shipped policy packs, an operator's overrides on top, and what a policy may not say."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from disbursement.domain.errors import Refused
from disbursement.domain.packs import PACKS, resolve
from disbursement.domain.policy import DueRule, Funds, MonthlySettlement, RegionPolicy
from disbursement.domain.signatures import signatory

D = Decimal
FROM = "2025-06-01"


def a_policy(pack: str, **overrides: Any) -> RegionPolicy:
    return resolve(pack, {"effective_from": FROM, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize("pack", ["national", "jilin", "shanxi", "zhenjiang", "leshan"])
def test_each_shipped_pack_resolves_to_a_valid_policy(pack):  # N art.9: each region runs A, B and/or C
    policy = a_policy(pack)
    assert policy.pack == pack
    assert policy.effective_from == date(2025, 6, 1)
    # N art.16: the month settles within 20 working days of the declaration deadline; Zhenjiang counts them in
    # the next month (ZJ §3.1), Leshan pays 5 working days after the audit (LS §3.1)
    readings = {"zhenjiang": {"counted_from": "next_month_start"}, "leshan": {"payment_from": "audit_ended"}}
    assert policy.settlement == MonthlySettlement(declaration_deadline_day=10, review_working_days=15,
                                                  payment_working_days=5, total_working_days=20,
                                                  **readings.get(pack, {}))
    # every pack nets a month after its audit, on its declarations (SX §3, N art.12)
    assert (policy.settlement.open_review, policy.settlement.undeclared) == ("wait", "hold")
    assert policy.personal_account == (pack == "zhenjiang")  # ZJ §2
    assert policy.daily_sign_off == "operator"  # JL art.11: a person signs the daily summary


def test_the_national_pack_is_the_compressed_monthly_settlement_alone():  # N art.9, art.16
    policy = a_policy("national")
    assert (policy.paths, policy.ratios, policy.prepayment) == (["A"], {}, None)


def test_jilin_pays_60_percent_daily_once_audited():  # JL art.11, art.13
    policy = a_policy("jilin")
    assert policy.paths == ["B"]
    assert policy.ratios == {"310": D("0.60"), "390": D("0.60")}
    assert (policy.audit_mode, policy.batch) == ("audit_first", "daily")
    assert policy.prepayment is None


def test_shanxi_prepays_60_percent_of_last_months_payable_by_the_3rd_working_day():  # SX §3
    policy = a_policy("shanxi")
    assert policy.paths == ["C"]
    assert policy.prepayment is not None
    assert policy.prepayment.ratios == {"310": D("0.60"), "390": D("0.60")}
    assert policy.prepayment.basis == "payable"
    assert policy.prepayment.due == DueRule(kind="nth_working_day", n=3)


def test_zhenjiang_prepays_60_and_50_percent_of_incurred_payments_before_the_10th():  # ZJ §3.2
    policy = a_policy("zhenjiang")
    assert policy.paths == ["A", "C"]
    assert policy.prepayment is not None
    assert policy.prepayment.ratios == {"310": D("0.60"), "390": D("0.50")}
    assert policy.prepayment.basis == "incurred"
    assert policy.prepayment.due == DueRule(kind="before_day", n=10)


def test_zhenjiang_settles_in_15_working_days_of_review_and_5_of_payment():  # ZJ §3.1
    settlement = a_policy("zhenjiang").settlement
    assert (settlement.review_working_days, settlement.payment_working_days) == (15, 5)


def test_leshan_pays_60_percent_within_one_working_day_of_the_audit():  # LS §3.2
    policy = a_policy("leshan")
    assert policy.paths == ["A", "B"]
    assert policy.ratios == {"310": D("0.60"), "390": D("0.60")}
    assert (policy.audit_mode, policy.pay_within_working_days) == ("audit_first", 1)
    assert policy.settlement.payment_working_days == 5  # LS §3.1: 5 working days after audit


def test_path_b_ratio_is_by_fund_and_may_differ_by_kind_of_care():  # JL art.11
    policy = a_policy("jilin", med_type_ratios={"390": {"21": "0.70"}})
    assert policy.ratio("390", "21") == D("0.70")
    assert policy.ratio("390", "11") == D("0.60")
    assert policy.ratio("310", "21") == D("0.60")
    assert policy.ratio("320", "11") is None  # this fund is not paid daily here


# overrides --------------------------------------------------------------------------------------------------


def test_overriding_prepayment_ratios_keeps_the_packs_basis_and_due_date():  # ZJ §3.2: ratios by decision
    policy = a_policy("zhenjiang", prepayment={"ratios": {"310": "0.70", "390": "0.55"}})
    assert policy.prepayment is not None
    assert policy.prepayment.ratios == {"310": D("0.70"), "390": D("0.55")}
    assert policy.prepayment.basis == "incurred"
    assert policy.prepayment.due == DueRule(kind="before_day", n=10)


def test_overriding_one_funds_ratio_keeps_the_others():  # JL art.11: each region sets its ratio
    assert a_policy("jilin", ratios={"390": "0.80"}).ratios == {"310": D("0.60"), "390": D("0.80")}


def test_a_top_level_override_replaces_the_packs_value():  # N art.13, N art.22
    policy = a_policy("jilin", audit_mode="parallel", batch="dekad")
    assert (policy.audit_mode, policy.batch) == ("parallel", "dekad")


def test_an_override_does_not_change_the_shipped_pack():  # contract.md: pack plus overrides, per region
    a_policy("zhenjiang", prepayment={"ratios": {"310": "0.90", "390": "0.90"}},
             settlement={"review_working_days": 10})
    assert a_policy("zhenjiang").prepayment.ratios == {"310": D("0.60"), "390": D("0.50")}
    assert a_policy("zhenjiang").settlement.review_working_days == 15
    assert PACKS["zhenjiang"]["prepayment"]["ratios"] == {"310": "0.60", "390": "0.50"}


def test_a_region_may_decide_its_daily_summary_is_signed_automatically():  # JL art.11, N art.22: an override
    assert a_policy("jilin", daily_sign_off="automatic").daily_sign_off == "automatic"
    assert a_policy("jilin").daily_sign_off == "operator"
    with pytest.raises(ValidationError, match="daily_sign_off"):
        a_policy("jilin", daily_sign_off="nobody")


def test_a_signature_names_a_person_not_the_system():  # JL art.11 "履行签字手续", N art.22: traceable to a person
    assert signatory("  张会计 ") == "张会计"
    for nobody in ("", "   ", "system", "SYSTEM"):
        with pytest.raises(Refused, match="signed by a person"):
            signatory(nobody)


def test_the_policy_names_the_pack_it_came_from_whatever_the_overrides_say():  # contract.md
    assert resolve("leshan", {"effective_from": FROM, "pack": "jilin"}).pack == "leshan"


# what a policy may not say ----------------------------------------------------------------------------------


def test_path_b_without_ratios_is_refused():  # JL art.11: the ratio is set per region
    with pytest.raises(ValidationError, match="path B"):
        a_policy("national", paths=["A", "B"])


def test_path_c_without_a_prepayment_rule_is_refused():  # SX §3, ZJ §3.2
    with pytest.raises(ValidationError, match="path C"):
        a_policy("national", paths=["C"])


def test_a_prepayment_rule_without_path_c_is_refused():  # N art.9: A and B need no prepayment
    with pytest.raises(ValidationError, match="path C is not enabled"):
        a_policy("zhenjiang", paths=["A"])


def test_a_path_listed_twice_is_refused():  # N art.9
    with pytest.raises(ValidationError, match="twice"):
        a_policy("national", paths=["A", "A"])


def test_no_path_at_all_is_refused():  # N art.9
    with pytest.raises(ValidationError):
        a_policy("national", paths=[])


def test_review_and_payment_days_beyond_the_total_are_refused():  # ZJ §3.1, N art.16
    with pytest.raises(ValidationError, match="exceed the total"):
        a_policy("zhenjiang", settlement={"review_working_days": 16})
    assert a_policy("zhenjiang", settlement={"review_working_days": 12, "total_working_days": 17}) \
        .settlement.total_working_days == 17


def test_a_settlement_beyond_20_working_days_is_refused():  # N art.16: at most 20 working days
    with pytest.raises(ValidationError):
        a_policy("national", settlement={"total_working_days": 21})


@pytest.mark.parametrize("ratio", ["1.01", "-0.10"])
def test_a_ratio_outside_0_to_1_is_refused(ratio):  # JL art.11
    with pytest.raises(ValidationError):
        a_policy("jilin", ratios={"310": ratio})


def test_an_unknown_fund_or_field_is_refused():  # contract.md: bad input is a 4xx an operator can act on
    with pytest.raises(ValidationError):
        a_policy("jilin", ratios={"999": "0.60"})
    with pytest.raises(ValidationError):
        a_policy("jilin", ratio_for_everyone="0.60")


def test_a_policy_needs_its_effective_date():  # ZJ §3.2: a ratio applies from its effective date
    with pytest.raises(ValidationError):
        resolve("jilin", {})


def test_maternity_is_settled_under_the_employee_fund_in_every_pack():  # N art.3, LS §2 "职工（含生育）"
    for pack in PACKS:
        funds = resolve(pack, {"effective_from": "2025-01-01"}).funds
        assert (funds.fund_of("510"), funds.fund_of("310"), funds.fund_of("390")) == ("310", "310", "390")
        assert funds.fund_of("392") is None and funds.accepted == ["310", "390", "510"]


def test_a_fund_folded_into_one_the_region_does_not_settle_is_refused():  # N art.3
    with pytest.raises(ValidationError, match="does not settle"):
        Funds(settled=["390"], folded={"510": "310"})
    assert Funds(settled=["310", "390", "392"]).fund_of("392") == "392"  # 居民大病, where a region settles it
