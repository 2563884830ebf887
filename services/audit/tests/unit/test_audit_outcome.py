"""A settlement's audit outcome (智能审核结果, N art.13): pass, suspicious or violation."""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

from audit.domain.catalogue import shipped_catalogue
from audit.domain.outcome import audit_record
from audit.domain.rules import RULES, ChargeHistory, Facts, Rule
from shared.contracts.settlement import SettlementRecord
from shared.money import to_fen, total

_ids = count(1)
CONSULTATION, TCT, PSA = "110200001", "270300005", "250403034"


def a_line(code: str, pric: str, cnt: str = "1") -> dict[str, Any]:
    return {"feedetl_sn": f"F{next(_ids)}", "med_list_codg": code, "med_chrgitm_type": "03",
            "cnt": cnt, "pric": pric, "det_item_fee_sumamt": str(to_fen(Decimal(cnt) * Decimal(pric)))}


def a_settlement(*lines: dict[str, Any], fund_pay_sumamt: str | None = None, **overrides: Any) -> SettlementRecord:
    n = next(_ids)
    medfee = total(Decimal(line["det_item_fee_sumamt"]) for line in lines)
    fund = Decimal(fund_pay_sumamt) if fund_pay_sumamt is not None else medfee
    return SettlementRecord.model_validate({
        "setl_id": f"S{n}", "mdtrt_id": f"M{n}", "psn_no": f"P{n}", "gend": "1", "age": 63,
        "insutype": "390", "med_type": "11", "setl_time": "2025-06-03T10:15:00",
        "medfee_sumamt": str(medfee), "fund_pay_sumamt": str(fund), "acct_pay": "0.00",
        "psn_cash_pay": str(medfee - fund), "details": list(lines), **overrides,
    })


def facts() -> Facts:
    return Facts(shipped_catalogue(), ChargeHistory())


def a_judgement_rule(clear_cut: bool) -> Rule:
    """A rule that flags every record's first line, for a person to judge unless clear-cut."""
    return Rule("MED-TEST-01", "medical", "low", clear_cut, "test rule", "test",
                lambda record, _: [(record.details[0], record.details[0].det_item_fee_sumamt)])


def test_a_record_no_rule_catches_passes():  # N art.13: full coverage, nothing found
    outcome = audit_record(a_settlement(a_line(CONSULTATION, "20.00"), a_line(PSA, "90.00")), facts(), RULES)
    assert (outcome.status, outcome.findings, outcome.vola_amt) == ("pass", [], Decimal("0.00"))


def test_a_clear_cut_finding_makes_a_violation():  # N art.13; 国家医保智能审核规则库（性别限定）
    record = a_settlement(a_line(TCT, "150.00"), a_line(CONSULTATION, "20.00"), fund_pay_sumamt="119.00")
    outcome = audit_record(record, facts(), RULES)
    assert outcome.status == "violation"
    assert [f.rule_id for f in outcome.findings] == ["POL-SEX-01"]
    assert outcome.vola_amt == Decimal("105.00")  # 150 × 119 / 170


def test_every_rule_runs_and_their_findings_add_up():  # N art.13: every record through every rule
    # a woman's PSA (90.00, sex) and a second consultation (20.00, duplicate); the fund paid half of 130.00
    record = a_settlement(a_line(PSA, "90.00"), a_line(CONSULTATION, "20.00"), a_line(CONSULTATION, "20.00"),
                          fund_pay_sumamt="65.00", gend="2")
    outcome = audit_record(record, facts(), RULES)
    assert outcome.status == "violation"
    assert [(f.rule_id, f.vola_amt) for f in outcome.findings] == [
        ("POL-SEX-01", Decimal("45.00")), ("MGT-DUP-01", Decimal("10.00"))]
    assert outcome.vola_amt == Decimal("55.00")


def test_the_violating_amount_never_exceeds_the_fund_payment():  # N art.13
    # a man's cervical test twice: sex rule 300.00 × 0.8 = 240.00, duplicate 150.00 × 0.8 = 120.00; 360.00 > 240.00
    record = a_settlement(a_line(TCT, "150.00"), a_line(TCT, "150.00"), fund_pay_sumamt="240.00")
    outcome = audit_record(record, facts(), RULES)
    assert outcome.status == "violation"
    assert outcome.vola_amt == Decimal("240.00")
    assert [(f.rule_id, f.vola_amt) for f in outcome.findings] == [
        ("POL-SEX-01", Decimal("240.00")), ("MGT-DUP-01", Decimal("0.00"))]


def test_a_finding_that_is_not_clear_cut_makes_the_record_suspicious():  # N art.13: to manual review
    record = a_settlement(a_line(CONSULTATION, "20.00"), fund_pay_sumamt="12.00")
    outcome = audit_record(record, facts(), [*RULES, a_judgement_rule(clear_cut=False)])
    assert outcome.status == "suspicious"
    assert [(f.rule_id, f.vola_amt) for f in outcome.findings] == [("MED-TEST-01", Decimal("12.00"))]


def test_a_clear_cut_finding_outweighs_a_suspicion():  # N art.13
    record = a_settlement(a_line(TCT, "150.00"), a_line(CONSULTATION, "20.00"))
    outcome = audit_record(record, facts(), [a_judgement_rule(clear_cut=False), *RULES])
    assert outcome.status == "violation"
    assert {f.rule_id for f in outcome.findings} == {"MED-TEST-01", "POL-SEX-01"}
    assert outcome.vola_amt == Decimal("170.00")  # 150.00 + 20.00, all fund-paid, = fund_pay_sumamt
