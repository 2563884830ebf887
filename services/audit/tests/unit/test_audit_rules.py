"""The shipped rule base against the shipped catalogue (N art.13: every record through every rule)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.domain.catalogue import shipped_catalogue
from audit.domain.library import fund_share
from audit.domain.rules import LIBRARY

CONSULTATION, BED_DAY, TCT, PSA, BLOOD_COUNT = "110200001", "110900001", "270300005", "250403034", "250101015"


# the catalogue ---------------------------------------------------------------------------------------------


def test_the_shipped_catalogue_knows_sex_and_daily_limits():  # N art.13: the rules' knowledge base
    catalogue = shipped_catalogue()
    assert catalogue.get(TCT).sex_limit == "2" and catalogue.get(PSA).sex_limit == "1"
    assert catalogue.get(CONSULTATION).max_daily_qty == Decimal("1")
    assert catalogue.get(CONSULTATION).sex_limit is None
    assert catalogue.get("XA10BAA059A001010100").indications == ("E11", "E13", "E14")
    assert catalogue.get("999999999") is None


# POL-SEX-01 -------------------------------------------------------------------------------------------------


def test_sex_rule_cites_the_national_rule_base():  # N art.13
    sex = LIBRARY["POL-SEX-01"]
    assert "性别限定" in sex.source and "N art.13" in sex.source
    assert (sex.family, sex.clear_cut) == ("policy", True)


def test_a_female_only_item_billed_for_a_man_is_a_violation(make):  # N art.13; 国家医保智能审核规则库（性别限定）
    tct, visit = make.line(TCT, "150.00"), make.line(CONSULTATION, "20.00")
    # 170.00 of fees, 119.00 from the fund: the fund paid 70 % of the 150.00 test, 105.00
    record = make.record(tct, visit, fund_pay_sumamt="119.00", gend="1")
    finding = make.check("POL-SEX-01", record)
    assert finding.rule_id == "POL-SEX-01"
    assert finding.feedetl_sns == [tct["feedetl_sn"]]
    assert finding.vola_amt == Decimal("105.00")


def test_the_same_female_only_item_for_a_woman_passes(make):  # N art.13; 国家医保智能审核规则库（性别限定）
    record = make.record(make.line(TCT, "150.00"), make.line(CONSULTATION, "20.00"), gend="2")
    assert make.check("POL-SEX-01", record) is None


def test_a_male_only_item_billed_for_a_woman_is_a_violation(make):  # N art.13; 国家医保智能审核规则库（性别限定）
    psa = make.line(PSA, "90.00")
    finding = make.check("POL-SEX-01", make.record(psa, gend="2"))
    assert (finding.feedetl_sns, finding.vola_amt) == ([psa["feedetl_sn"]], Decimal("90.00"))


@pytest.mark.parametrize("gend", ["9", "0"])
def test_a_sex_not_stated_or_unknown_is_not_flagged(make, gend):  # N art.13; 国家医保智能审核规则库（性别限定）
    record = make.record(make.line(TCT, "150.00"), make.line(PSA, "90.00"), gend=gend)
    assert make.check("POL-SEX-01", record) is None


# MGT-DUP-01 -------------------------------------------------------------------------------------------------


def test_duplicate_rule_cites_the_national_rule_base():  # N art.13
    dup = LIBRARY["MGT-DUP-01"]
    assert "重复收费" in dup.source and "N art.13" in dup.source
    assert (dup.family, dup.clear_cut) == ("management", True)


def test_a_once_daily_item_charged_twice_the_same_day_is_flagged_for_the_second_charge(make):
    # N art.13; 国家医保智能审核规则库（重复收费）
    first, second = make.line(CONSULTATION, "20.00"), make.line(CONSULTATION, "20.00")
    # 40.00 of fees, 30.00 from the fund: the fund's share of the repeated 20.00 is 15.00
    finding = make.check("MGT-DUP-01", make.record(first, second, fund_pay_sumamt="30.00"))
    assert finding.feedetl_sns == [second["feedetl_sn"]]
    assert finding.vola_amt == Decimal("15.00")


def test_only_the_quantity_beyond_the_daily_limit_counts(make):  # N art.13; 国家医保智能审核规则库（重复收费）
    three = make.line(BED_DAY, "60.00", cnt="3")  # 180.00 for one day's bed: 2 of 3 are excess, 120.00
    finding = make.check("MGT-DUP-01", make.record(three))
    assert (finding.feedetl_sns, finding.vola_amt) == ([three["feedetl_sn"]], Decimal("120.00"))


def test_by_default_only_the_settlement_itself_counts_against_the_daily_limit(make):
    # N art.13; 国家医保智能审核规则库（重复收费）: a second visit the same day (another department) is no duplicate
    earlier = make.record(make.line(CONSULTATION, at="2025-06-03T08:00:00"))
    again = make.record(make.line(CONSULTATION), psn_no=earlier.psn_no)
    assert make.check("MGT-DUP-01", again, make.history(earlier)) is None


def test_a_region_may_count_the_persons_earlier_settlements_at_the_institution(make):
    # N art.13; 国家医保智能审核规则库（重复收费）: scope "institution", across settlements of one person
    earlier = make.record(make.line(CONSULTATION, at="2025-06-03T08:00:00"))
    again = make.line(CONSULTATION)
    finding = make.check("MGT-DUP-01", make.record(again, psn_no=earlier.psn_no), make.history(earlier),
                         scope="institution")
    assert (finding.feedetl_sns, finding.vola_amt) == ([again["feedetl_sn"]], Decimal("20.00"))


def test_institution_scope_leaves_other_institutions_and_person_scope_counts_them(make):  # N art.13; 重复收费
    earlier = make.subject(make.record(make.line(CONSULTATION, at="2025-06-03T08:00:00")), fixmedins_code="H2")
    again = make.record(make.line(CONSULTATION), psn_no=earlier.psn_no)
    assert make.check("MGT-DUP-01", again, make.history(earlier), scope="institution") is None
    assert make.check("MGT-DUP-01", again, make.history(earlier), scope="person") is not None


def test_an_earlier_record_of_another_person_or_day_does_not_count(make):  # N art.13; 重复收费
    mine = make.record(make.line(CONSULTATION, "20.00", at="2025-06-02T09:00:00"))
    history = make.history(make.record(make.line(CONSULTATION, "20.00")),  # another person, the same day
                           make.record(make.line(CONSULTATION, "20.00"), psn_no=mine.psn_no))  # me, the 3rd
    assert make.check("MGT-DUP-01", mine, history, scope="person") is None


def test_a_replayed_settlement_never_counts_against_itself(make):  # N art.13; 重复收费
    record = make.record(make.line(CONSULTATION))
    assert make.check("MGT-DUP-01", record, make.history(record), scope="person") is None


def test_the_same_item_on_different_days_passes(make):  # N art.13; 国家医保智能审核规则库（重复收费）
    record = make.record(make.line(BED_DAY, "60.00", at="2025-06-01T12:00:00"),
                         make.line(BED_DAY, "60.00", at="2025-06-02T12:00:00"),
                         make.line(BED_DAY, "60.00", at="2025-06-03T09:00:00"))
    assert make.check("MGT-DUP-01", record) is None


def test_the_fee_time_decides_the_day_and_the_settlement_time_stands_in_when_absent(make):
    # N art.13; 重复收费: a line without fee_ocur_time was given at the settlement time
    on_the_2nd, undated = make.line(CONSULTATION, "20.00", at="2025-06-02T09:00:00"), make.line(CONSULTATION, "20.00")
    assert make.check("MGT-DUP-01", make.record(on_the_2nd, undated)) is None  # settled on the 3rd
    finding = make.check("MGT-DUP-01", make.record(on_the_2nd, undated, setl_time="2025-06-02T18:00:00"))
    assert finding.feedetl_sns == [undated["feedetl_sn"]]


def test_the_day_of_a_fee_is_its_beijing_date(make):  # N art.13; contract.md: business dates in Asia/Shanghai
    # 16:30Z on the 1st is 00:30 on the 2nd in Beijing: the same day as 09:00 on the 2nd
    late = make.line(CONSULTATION, "20.00", at="2025-06-01T16:30:00Z")
    morning = make.line(CONSULTATION, "20.00", at="2025-06-02T09:00:00+08:00")
    finding = make.check("MGT-DUP-01", make.record(late, morning))
    assert finding.feedetl_sns == [morning["feedetl_sn"]]


def test_items_allowed_more_than_once_a_day_or_not_in_the_catalogue_are_not_flagged(make):  # N art.13; 重复收费
    record = make.record(make.line(BLOOD_COUNT, "25.00"), make.line(BLOOD_COUNT, "25.00"),
                         make.line("999999999", "5.00"), make.line("999999999", "5.00"))
    assert make.check("MGT-DUP-01", record) is None


# the fund's share ------------------------------------------------------------------------------------------


def test_the_fund_share_scales_by_what_the_fund_paid_of_the_record(make):  # N art.13
    record = make.record(make.line(TCT, "150.00"), make.line(CONSULTATION, "20.00"), fund_pay_sumamt="119.00")
    assert fund_share(record, Decimal("150.00")) == Decimal("105.00")  # 150 × 119 / 170
    assert fund_share(record, Decimal("20.00")) == Decimal("14.00")


def test_the_fund_share_is_rounded_half_up_to_the_fen(make):  # JL art.11: half-up to the fen
    record = make.record(make.line(CONSULTATION, "8.00"), fund_pay_sumamt="1.00")  # the fund paid 1/8
    assert fund_share(record, Decimal("0.20")) == Decimal("0.03")  # 0.025 → 0.03, not 0.02
    assert fund_share(record, Decimal("1.00")) == Decimal("0.13")  # 0.125 → 0.13


def test_the_fund_share_never_exceeds_the_fund_payment(make):  # N art.13
    record = make.record(make.line(TCT, "150.00"), make.line(CONSULTATION, "20.00"), fund_pay_sumamt="119.00")
    assert fund_share(record, Decimal("200.00")) == Decimal("119.00")  # 200 × 0.7 = 140.00 > 119.00


def test_a_record_of_no_cost_has_no_fund_share(make):  # N art.13
    free = make.record(make.line(CONSULTATION, "0.00"))
    assert fund_share(free, Decimal("5.00")) == Decimal("0.00")
