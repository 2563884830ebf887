"""A settlement's audit outcome (智能审核结果, N art.13): pass, suspicious or violation."""

from __future__ import annotations

from decimal import Decimal

from audit.domain.library import Hits, Rule
from audit.domain.outcome import RuleSetting
from audit.domain.rules import LIBRARY, RULES

CONSULTATION, TCT, PSA = "110200001", "270300005", "250403034"


def a_judgement_rule(clear_cut: bool) -> Rule:
    """A rule that flags every record's first line, for a person to judge unless clear-cut."""
    return Rule("MED-TEST-01", "medical", "low", clear_cut, "test rule", "test",
                lambda s, facts, params: Hits([(s.record.details[0], s.record.details[0].det_item_fee_sumamt)]))


def test_a_record_no_rule_catches_passes(make):  # N art.13: full coverage, nothing found
    outcome = make.audit(make.record(make.line(CONSULTATION, "20.00"), make.line(PSA, "90.00"), gend="1"), None, RULES)
    assert (outcome.status, outcome.findings, outcome.vola_amt) == ("pass", [], Decimal("0.00"))


def test_a_clear_cut_finding_makes_a_violation(make):  # N art.13; 国家医保智能审核规则库（性别限定）
    record = make.record(make.line(TCT, "150.00"), make.line(CONSULTATION, "20.00"), fund_pay_sumamt="119.00",
                         gend="1")
    outcome = make.audit(record, None, RULES)
    assert outcome.status == "violation"
    assert [f.rule_id for f in outcome.findings] == ["POL-SEX-01"]
    assert outcome.vola_amt == Decimal("105.00")  # 150 × 119 / 170


def test_every_rule_runs_and_their_findings_add_up(make):  # N art.13: every record through every rule
    # a woman's PSA (90.00, sex) and a second consultation (20.00, duplicate); the fund paid half of 130.00
    record = make.record(make.line(PSA, "90.00"), make.line(CONSULTATION, "20.00"), make.line(CONSULTATION, "20.00"),
                         fund_pay_sumamt="65.00", gend="2")
    outcome = make.audit(record, None, RULES)
    assert outcome.status == "violation"
    assert [(f.rule_id, f.vola_amt) for f in outcome.findings] == [
        ("POL-SEX-01", Decimal("45.00")), ("MGT-DUP-01", Decimal("10.00"))]
    assert outcome.vola_amt == Decimal("55.00")


def test_the_violating_amount_never_exceeds_the_fund_payment(make):  # N art.13
    # a man's cervical test twice: sex rule 300.00 × 0.8 = 240.00, duplicate 150.00 × 0.8 = 120.00; 360.00 > 240.00
    record = make.record(make.line(TCT, "150.00"), make.line(TCT, "150.00"), fund_pay_sumamt="240.00", gend="1")
    outcome = make.audit(record, None, RULES)
    assert outcome.status == "violation"
    assert outcome.vola_amt == Decimal("240.00")
    assert [(f.rule_id, f.vola_amt) for f in outcome.findings] == [
        ("POL-SEX-01", Decimal("240.00")), ("MGT-DUP-01", Decimal("0.00"))]


def test_a_finding_that_is_not_clear_cut_makes_the_record_suspicious(make):  # N art.13: to manual review
    record = make.record(make.line(CONSULTATION, "20.00"), fund_pay_sumamt="12.00")
    outcome = make.audit(record, None, [*RULES, a_judgement_rule(clear_cut=False)])
    assert outcome.status == "suspicious"
    assert [(f.rule_id, f.vola_amt) for f in outcome.findings] == [("MED-TEST-01", Decimal("12.00"))]


def test_a_clear_cut_finding_outweighs_a_suspicion(make):  # N art.13
    # the judgement rule doubts the consultation, the sex rule condemns the test
    record = make.record(make.line(CONSULTATION, "20.00"), make.line(TCT, "150.00"), gend="1")
    outcome = make.audit(record, None, [a_judgement_rule(clear_cut=False), *RULES])
    assert outcome.status == "violation"
    assert {f.rule_id for f in outcome.findings} == {"MED-TEST-01", "POL-SEX-01"}
    assert outcome.vola_amt == Decimal("170.00")  # 150.00 + 20.00, all fund-paid, = fund_pay_sumamt

    assert not outcome.clear_cut_only  # a person judges the record as a whole


def test_a_line_several_rules_find_wrong_counts_once(make):  # N art.13
    # a man's cervical test (female only, 150.00) priced at 180.00: the price rule's 30.00 is already in the 180.00
    tct = make.line(TCT, "180.00")
    outcome = make.audit(make.record(tct, make.line(CONSULTATION), gend="1"))
    assert [(f.rule_id, f.vola_amt, f.feedetl_sns) for f in outcome.findings] == [
        ("POL-SEX-01", Decimal("180.00"), [tct["feedetl_sn"]]), ("MGT-PRC-01", Decimal("0.00"), [tct["feedetl_sn"]])]
    assert outcome.vola_amt == Decimal("180.00")


def test_findings_only_clear_cut_rules_made_need_no_person(make):  # N art.13: clear-cut → deduction proposal
    outcome = make.audit(make.record(make.line(TCT), gend="1"))
    assert (outcome.status, outcome.clear_cut_only) == ("violation", True)


def test_a_region_may_send_a_clear_cut_rule_to_reviewers_or_switch_a_rule_off(make):  # N art.13; JL art.13
    record = make.record(make.line(TCT), gend="1")
    to_people = [RuleSetting(LIBRARY["POL-SEX-01"], clear_cut=False)]
    assert make.audit(record, None, to_people).status == "suspicious"
    assert make.audit(record, None, [RuleSetting(LIBRARY["POL-SEX-01"], enabled=False)]).status == "pass"
