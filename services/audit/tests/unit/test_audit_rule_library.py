"""Every rule of the library (规则库, N art.13) catches a settlement that breaks it and passes one that does not,
and names its source. Each case: the rule, a violating settlement with its history and the fee lines that must
prove the finding, and a clean one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from audit.domain.history import Average, History
from audit.domain.rules import LIBRARY, RULES
from shared.contracts.settlement import SettlementRecord

CONSULT, BED, NURSING, ECG, TCT = "110200001", "110900001", "120100001", "310701001", "270300005"
METFORMIN, AMLODIPINE, NIFEDIPINE = "XA10BAA059A001010100", "XC08CAA028A001010100", "XC08CAN106A010010100"
AMOXICILLIN, LEVOFLOXACIN, SALINE, GLUCOSE = ("XJ01CAA040E001010100", "XJ01MAL090A001010100",
                                              "XB05BBL101B003010100", "XB05BAP037B003010100")


@dataclass
class Case:
    record: SettlementRecord
    history: History = field(default_factory=History)
    #: Which of the record's lines must prove the finding (by position); None: no particular lines.
    proving: list[int] | None = None
    params: dict[str, Any] = field(default_factory=dict)


def stay_days(make: Any, adm: str, dscg: str, first: int, last: int) -> list[dict[str, Any]]:
    """A bed-day for each day of June from ``first`` to ``last``."""
    return [make.line(BED, at=f"2025-06-{d:02d}T12:00:00") for d in range(first, last + 1)]


def pol_cat(make, clean):  # 目录外项目
    return Case(make.record(make.line(CONSULT), make.line(ECG if clean else "999999999", "15.00")), proving=[1])


def pol_sex(make, clean):  # 限性别
    return Case(make.record(make.line(TCT), make.line(CONSULT), gend="2" if clean else "1"), proving=[0])


def pol_age(make, clean):  # 限年龄: levofloxacin from 18
    return Case(make.record(make.line(CONSULT), make.line(LEVOFLOXACIN, cnt="6"), age=30 if clean else 12),
                proving=[1])


def pol_med(make, clean):  # 险种支付范围: the maternity fund pays maternity care only
    return Case(make.record(make.line(CONSULT), insutype="510", med_type="51" if clean else "11"), proving=[0])


def pol_phm(make, clean):  # 药店结算范围
    lines = [make.line(AMOXICILLIN, cnt="6")] + ([] if clean else [make.line(CONSULT)])
    return Case(make.record(*lines, med_type="41"), proving=[1])


def pol_inp(make, clean):  # 限住院项目
    if clean:
        return Case(make.stay(make.line(BED, at="2025-06-02T12:00:00"), adm="2025-06-02", dscg="2025-06-03"))
    return Case(make.record(make.line(CONSULT), make.line(BED)), proving=[1])


def pol_chr(make, clean):  # 门诊慢特病病种
    return Case(make.record(make.line(CONSULT), make.line(METFORMIN, cnt="60"), med_type="14",
                            dise_codg=["E11.9"] if clean else ["J06.9"]), proving=[0, 1])


def mgt_dup1(make, clean):  # 重复收费
    lines = [make.line(CONSULT)] + ([] if clean else [make.line(CONSULT)])
    return Case(make.record(*lines), proving=[1])


def mgt_dup2(make, clean):  # 跨结算按日项目
    earlier = make.stay(*stay_days(make, "2025-06-01", "2025-06-03", 1, 2), adm="2025-06-01", dscg="2025-06-03")
    day = 4 if clean else 2
    record = make.stay(make.line(BED, at=f"2025-06-{day:02d}T12:00:00"), adm=f"2025-06-{day:02d}", dscg="2025-06-05",
                       psn_no=earlier.psn_no)
    return Case(record, make.history(make.subject(earlier, fixmedins_code="H2")), proving=[0])


def mgt_qty(make, clean):  # 超限量: four ECGs a day at most
    return Case(make.record(make.line(CONSULT), make.line(ECG, cnt="4" if clean else "5")), proving=[1])


def mgt_prc(make, clean):  # 超标准收费
    return Case(make.record(make.line(CONSULT, "20.00" if clean else "26.00")), proving=[0])


def mgt_typ(make, clean):  # 串换项目
    return Case(make.record(make.line(CONSULT, chrgitm_type="05" if clean else "03")), proving=[0])


def mgt_ovl(make, clean):  # 住院时间重叠: a transfer on the day of discharge is no overlap
    earlier = make.stay(*stay_days(make, "", "", 1, 4), adm="2025-06-01", dscg="2025-06-05")
    adm = 5 if clean else 3
    record = make.stay(*stay_days(make, "", "", adm, 7), adm=f"2025-06-{adm:02d}", dscg="2025-06-08",
                       psn_no=earlier.psn_no)
    return Case(record, make.history(make.subject(earlier, fixmedins_code="H2")), proving=[0, 1])


def mgt_opi(make, clean):  # 住院期间门诊结算
    stay = make.stay(*stay_days(make, "", "", 1, 4), adm="2025-06-01", dscg="2025-06-05")
    day = "2025-06-05" if clean else "2025-06-03"
    visit = make.record(make.line(CONSULT), make.line(AMOXICILLIN, cnt="6"), setl_time=f"{day}T09:00:00",
                        psn_no=stay.psn_no)
    return Case(visit, make.history(stay), proving=[0, 1])


def mgt_fdt(make, clean):  # 费用发生时间超出住院期间
    return Case(make.stay(make.line(ECG, at="2025-06-02T08:00:00" if clean else "2025-05-28T08:00:00"),
                          make.line(BED, at="2025-06-02T12:00:00"), adm="2025-06-02", dscg="2025-06-04"),
                proving=[0])


def mgt_rdm(make, clean):  # 分解住院
    earlier = make.stay(*stay_days(make, "", "", 1, 4), adm="2025-06-01", dscg="2025-06-05")
    adm = 25 if clean else 12  # 20 days after, or 7
    record = make.stay(make.line(BED, at=f"2025-06-{adm:02d}T12:00:00"), adm=f"2025-06-{adm:02d}",
                       dscg=f"2025-06-{adm + 2:02d}", psn_no=earlier.psn_no)
    return Case(record, make.history(earlier), proving=[0])


def mgt_avg(make, clean):  # 次均费用: 100 earlier visits averaging 100.00; five times that is 500.00
    history = History()
    history.averages[("H22010300001", "11")] = Average(100, Decimal("10000.00"))
    record = make.record(make.line("210400001"),  # an MRI, 500.00: at the threshold
                         *([] if clean else [make.line("210300001")]))  # and a CT, 180.00: 680.00 in all
    return Case(record, history, proving=[0])  # the 180.00 above it, from the dearest line


def med_ind(make, clean):  # 限定支付范围
    return Case(make.record(make.line(CONSULT), make.line(METFORMIN, cnt="30"),
                            dise_codg=["E11.9"] if clean else ["J06.9"]), proving=[1])


def med_los(make, clean):  # 住院天数: pneumonia's norm is 14 days
    dscg = 12 if clean else 20
    return Case(make.stay(*stay_days(make, "", "", 1, dscg - 1), adm="2025-06-01", dscg=f"2025-06-{dscg:02d}"),
                proving=None if clean else list(range(14, 19)))


def med_dxs(make, clean):  # 诊断与性别不符
    return Case(make.record(make.line(CONSULT), dise_codg=["O80"], gend="2" if clean else "1"), proving=[0])


def med_sup(make, clean):  # 超量开药: seven days of amoxicillin at six a day is 42
    return Case(make.record(make.line(CONSULT), make.line(AMOXICILLIN, cnt="42" if clean else "60")), proving=[1])


def med_cls(make, clean):  # 同类药品: two calcium-channel blockers; infusions are exempt
    second = make.line(SALINE) if clean else make.line(NIFEDIPINE, cnt="7")
    return Case(make.record(make.line(AMLODIPINE, cnt="14"), second, make.line(GLUCOSE), dise_codg=["I10"]),
                proving=[1])


CASES: dict[str, Callable[..., Case]] = {
    "POL-CAT-01": pol_cat, "POL-SEX-01": pol_sex, "POL-AGE-01": pol_age, "POL-MED-01": pol_med,
    "POL-PHM-01": pol_phm, "POL-INP-01": pol_inp, "POL-CHR-01": pol_chr,
    "MGT-DUP-01": mgt_dup1, "MGT-DUP-02": mgt_dup2, "MGT-QTY-01": mgt_qty, "MGT-PRC-01": mgt_prc,
    "MGT-TYP-01": mgt_typ, "MGT-OVL-01": mgt_ovl, "MGT-OPI-01": mgt_opi, "MGT-FDT-01": mgt_fdt,
    "MGT-RDM-01": mgt_rdm, "MGT-AVG-01": mgt_avg,
    "MED-IND-01": med_ind, "MED-LOS-01": med_los, "MED-DXS-01": med_dxs, "MED-SUP-01": med_sup,
    "MED-CLS-01": med_cls,
}


def test_the_library_has_at_least_twenty_rules_in_the_three_families():  # N art.13; 国家医保智能审核规则库
    assert len(RULES) >= 20
    assert {r.family for r in RULES} == {"policy", "management", "medical"}
    assert set(CASES) == set(LIBRARY), "every rule needs a violating and a clean case here"


@pytest.mark.parametrize("rule_id", sorted(LIBRARY))
def test_each_rule_names_its_source(rule_id):  # N art.13; 国家医保智能审核和监控知识库、规则库
    rule = LIBRARY[rule_id]
    assert "国家医保智能审核和监控规则库" in rule.source and "N art.13" in rule.source
    assert rule.rule_id.startswith({"policy": "POL-", "management": "MGT-", "medical": "MED-"}[rule.family])
    assert rule.description and rule.check.__doc__, "the check's docstring opens with its Chinese term"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_rule_catches_its_violating_case(make, rule_id):  # N art.13: every record through every rule
    case = CASES[rule_id](make, clean=False)
    finding = make.check(rule_id, case.record, case.history, **case.params)
    assert finding is not None, f"{rule_id} missed its violating case"
    assert (finding.rule_id, finding.family, finding.sev_deg) == (rule_id, LIBRARY[rule_id].family,
                                                                   LIBRARY[rule_id].severity)
    if case.proving is not None:
        assert finding.feedetl_sns == [case.record.details[i].feedetl_sn for i in case.proving]
        assert finding.vola_amt > 0


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_rule_passes_its_clean_case(make, rule_id):  # N art.13: a clean record passes
    case = CASES[rule_id](make, clean=True)
    assert make.check(rule_id, case.record, case.history, **case.params) is None


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_clean_case_passes_the_whole_library(make, rule_id):  # N art.13: no other rule fires on it either
    case = CASES[rule_id](make, clean=True)
    outcome = make.audit(case.record, case.history)
    assert outcome.status == "pass", [(f.rule_id, f.description) for f in outcome.findings]
