"""The shipped rule base against the shipped catalogue (N art.13: every record through every rule)."""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from audit.domain.catalogue import shipped_catalogue
from audit.domain.rules import RULES, ChargeHistory, Facts, Rule, fund_share
from shared.contracts.settlement import SettlementRecord
from shared.money import to_fen, total

_ids = count(1)
CONSULTATION, BED_DAY, TCT, PSA, BLOOD_COUNT = "110200001", "110900001", "270300005", "250403034", "250101015"


def a_line(code: str, pric: str, cnt: str = "1", at: str | None = None) -> dict[str, Any]:
    line = {"feedetl_sn": f"F{next(_ids)}", "med_list_codg": code, "med_chrgitm_type": "03",
            "cnt": cnt, "pric": pric, "det_item_fee_sumamt": str(to_fen(Decimal(cnt) * Decimal(pric)))}
    return {**line, "fee_ocur_time": at} if at else line


def a_settlement(*lines: dict[str, Any], fund_pay_sumamt: str | None = None, **overrides: Any) -> SettlementRecord:
    """The fee lines sum to medfee_sumamt; the fund pays ``fund_pay_sumamt`` (all of it by default), the
    person the rest in cash."""
    n = next(_ids)
    medfee = total(Decimal(line["det_item_fee_sumamt"]) for line in lines)
    fund = Decimal(fund_pay_sumamt) if fund_pay_sumamt is not None else medfee
    return SettlementRecord.model_validate({
        "setl_id": f"S{n}", "mdtrt_id": f"M{n}", "psn_no": f"P{n}", "gend": "2", "age": 41,
        "insutype": "310", "med_type": "11", "setl_time": "2025-06-03T10:15:00",
        "medfee_sumamt": str(medfee), "fund_pay_sumamt": str(fund), "acct_pay": "0.00",
        "psn_cash_pay": str(medfee - fund), "details": list(lines), **overrides,
    })


def rule(rule_id: str) -> Rule:
    return next(r for r in RULES if r.rule_id == rule_id)


def facts(history: ChargeHistory | None = None) -> Facts:
    return Facts(shipped_catalogue(), history or ChargeHistory())


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
    sex = rule("POL-SEX-01")
    assert "性别限定" in sex.source and "N art.13" in sex.source
    assert (sex.family, sex.clear_cut) == ("policy", True)


def test_a_female_only_item_billed_for_a_man_is_a_violation():  # N art.13; 国家医保智能审核规则库（性别限定）
    tct, visit = a_line(TCT, "150.00"), a_line(CONSULTATION, "20.00")
    # 170.00 of fees, 119.00 from the fund: the fund paid 70 % of the 150.00 test, 105.00
    record = a_settlement(tct, visit, fund_pay_sumamt="119.00", gend="1")
    [finding] = rule("POL-SEX-01").findings(record, facts())
    assert finding.rule_id == "POL-SEX-01"
    assert finding.feedetl_sns == [tct["feedetl_sn"]]
    assert finding.vola_amt == Decimal("105.00")


def test_the_same_female_only_item_for_a_woman_passes():  # N art.13; 国家医保智能审核规则库（性别限定）
    record = a_settlement(a_line(TCT, "150.00"), a_line(CONSULTATION, "20.00"), gend="2")
    assert rule("POL-SEX-01").findings(record, facts()) == []


def test_a_male_only_item_billed_for_a_woman_is_a_violation():  # N art.13; 国家医保智能审核规则库（性别限定）
    psa = a_line(PSA, "90.00")
    [finding] = rule("POL-SEX-01").findings(a_settlement(psa, gend="2"), facts())
    assert (finding.feedetl_sns, finding.vola_amt) == ([psa["feedetl_sn"]], Decimal("90.00"))


@pytest.mark.parametrize("gend", ["9", "0"])
def test_a_sex_not_stated_or_unknown_is_not_flagged(gend):  # N art.13; 国家医保智能审核规则库（性别限定）
    record = a_settlement(a_line(TCT, "150.00"), a_line(PSA, "90.00"), gend=gend)
    assert rule("POL-SEX-01").findings(record, facts()) == []


# MGT-DUP-01 -------------------------------------------------------------------------------------------------


def test_duplicate_rule_cites_the_national_rule_base():  # N art.13
    dup = rule("MGT-DUP-01")
    assert "重复收费" in dup.source and "N art.13" in dup.source
    assert (dup.family, dup.clear_cut) == ("management", True)


def test_a_once_daily_item_charged_twice_the_same_day_is_flagged_for_the_second_charge():
    # N art.13; 国家医保智能审核规则库（重复收费）
    first, second = a_line(CONSULTATION, "20.00"), a_line(CONSULTATION, "20.00")
    # 40.00 of fees, 30.00 from the fund: the fund's share of the repeated 20.00 is 15.00
    [finding] = rule("MGT-DUP-01").findings(a_settlement(first, second, fund_pay_sumamt="30.00"), facts())
    assert finding.feedetl_sns == [second["feedetl_sn"]]
    assert finding.vola_amt == Decimal("15.00")


def test_only_the_quantity_beyond_the_daily_limit_counts():  # N art.13; 国家医保智能审核规则库（重复收费）
    three = a_line(BED_DAY, "60.00", cnt="3")  # 180.00 for one day's bed: 2 of 3 are excess, 120.00
    [finding] = rule("MGT-DUP-01").findings(a_settlement(three), facts())
    assert (finding.feedetl_sns, finding.vola_amt) == ([three["feedetl_sn"]], Decimal("120.00"))


def test_a_charge_after_one_in_an_earlier_record_of_the_person_is_flagged():
    # N art.13; 国家医保智能审核规则库（重复收费）: across records of the same person
    earlier = a_settlement(a_line(CONSULTATION, "20.00", at="2025-06-03T08:00:00"))
    history = ChargeHistory()
    history.add(earlier)
    again = a_line(CONSULTATION, "20.00")
    [finding] = rule("MGT-DUP-01").findings(a_settlement(again, psn_no=earlier.psn_no), facts(history))
    assert (finding.feedetl_sns, finding.vola_amt) == ([again["feedetl_sn"]], Decimal("20.00"))


def test_an_earlier_record_of_another_person_or_day_does_not_count():  # N art.13; 重复收费
    history = ChargeHistory()
    history.add(a_settlement(a_line(CONSULTATION, "20.00")))  # another person, the same day
    mine = a_settlement(a_line(CONSULTATION, "20.00", at="2025-06-02T09:00:00"))
    history.add(a_settlement(a_line(CONSULTATION, "20.00"), psn_no=mine.psn_no))  # me, the 3rd
    assert rule("MGT-DUP-01").findings(mine, facts(history)) == []


def test_the_same_item_on_different_days_passes():  # N art.13; 国家医保智能审核规则库（重复收费）
    record = a_settlement(a_line(BED_DAY, "60.00", at="2025-06-01T12:00:00"),
                          a_line(BED_DAY, "60.00", at="2025-06-02T12:00:00"),
                          a_line(BED_DAY, "60.00", at="2025-06-03T09:00:00"))
    assert rule("MGT-DUP-01").findings(record, facts()) == []


def test_the_fee_time_decides_the_day_and_the_settlement_time_stands_in_when_absent():
    # N art.13; 重复收费: a line without fee_ocur_time was given at the settlement time
    on_the_2nd, undated = a_line(CONSULTATION, "20.00", at="2025-06-02T09:00:00"), a_line(CONSULTATION, "20.00")
    assert rule("MGT-DUP-01").findings(a_settlement(on_the_2nd, undated), facts()) == []  # settled on the 3rd
    [finding] = rule("MGT-DUP-01").findings(
        a_settlement(on_the_2nd, undated, setl_time="2025-06-02T18:00:00"), facts())
    assert finding.feedetl_sns == [undated["feedetl_sn"]]


def test_the_day_of_a_fee_is_its_beijing_date():  # N art.13; contract.md: business dates in Asia/Shanghai
    # 16:30Z on the 1st is 00:30 on the 2nd in Beijing: the same day as 09:00 on the 2nd
    late, morning = a_line(CONSULTATION, "20.00", at="2025-06-01T16:30:00Z"), a_line(CONSULTATION, "20.00",
                                                                                   at="2025-06-02T09:00:00+08:00")
    [finding] = rule("MGT-DUP-01").findings(a_settlement(late, morning), facts())
    assert finding.feedetl_sns == [morning["feedetl_sn"]]


def test_items_allowed_more_than_once_a_day_or_not_in_the_catalogue_are_not_flagged():  # N art.13; 重复收费
    record = a_settlement(a_line(BLOOD_COUNT, "25.00"), a_line(BLOOD_COUNT, "25.00"),
                          a_line("999999999", "5.00"), a_line("999999999", "5.00"))
    assert rule("MGT-DUP-01").findings(record, facts()) == []


# the fund's share ------------------------------------------------------------------------------------------


def test_the_fund_share_scales_by_what_the_fund_paid_of_the_record():  # N art.13
    record = a_settlement(a_line(TCT, "150.00"), a_line(CONSULTATION, "20.00"), fund_pay_sumamt="119.00")
    assert fund_share(record, Decimal("150.00")) == Decimal("105.00")  # 150 × 119 / 170
    assert fund_share(record, Decimal("20.00")) == Decimal("14.00")


def test_the_fund_share_is_rounded_half_up_to_the_fen():  # JL art.11: half-up to the fen
    record = a_settlement(a_line(CONSULTATION, "8.00"), fund_pay_sumamt="1.00")  # the fund paid 1/8
    assert fund_share(record, Decimal("0.20")) == Decimal("0.03")  # 0.025 → 0.03, not 0.02
    assert fund_share(record, Decimal("1.00")) == Decimal("0.13")  # 0.125 → 0.13


def test_the_fund_share_never_exceeds_the_fund_payment():  # N art.13
    record = a_settlement(a_line(TCT, "150.00"), a_line(CONSULTATION, "20.00"), fund_pay_sumamt="119.00")
    assert fund_share(record, Decimal("200.00")) == Decimal("119.00")  # 200 × 0.7 = 140.00 > 119.00


def test_a_record_of_no_cost_has_no_fund_share():  # N art.13
    free = a_settlement(a_line(CONSULTATION, "0.00"))
    assert fund_share(free, Decimal("5.00")) == Decimal("0.00")
