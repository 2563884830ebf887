"""What a settlement must satisfy before claims stores it (N art.10, N art.12, contract.md "parts must add up")."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

import pytest

from claims.domain.settlement import FieldError, inconsistencies
from shared.contracts.settlement import SettlementRecord

_ids = count(1)
OURS = "H22010000001"


def a_fee_line(**overrides: Any) -> dict[str, Any]:
    return {"feedetl_sn": f"F{next(_ids)}", "med_list_codg": "110200001", "med_chrgitm_type": "05",
            "cnt": "1", "pric": "20.00", "det_item_fee_sumamt": "20.00", **overrides}


def a_settlement(**overrides: Any) -> dict[str, Any]:
    """A consistent outpatient record: 70.00 = 49.00 fund + 11.00 account + 10.00 cash; fee lines
    1 × 20.00 (consultation) + 2 × 25.00 (blood count)."""
    n = next(_ids)
    return {
        "setl_id": f"S{n}", "mdtrt_id": f"M{n}", "psn_no": f"P{n}",
        "gend": "2", "age": 35, "insutype": "310", "med_type": "11",
        "setl_time": "2025-06-03T10:15:00",
        "medfee_sumamt": "70.00", "fund_pay_sumamt": "49.00", "acct_pay": "11.00", "psn_cash_pay": "10.00",
        "dise_codg": ["J06.9"],
        "details": [
            a_fee_line(),
            a_fee_line(med_list_codg="250101015", med_chrgitm_type="03", cnt="2", pric="25.00",
                       det_item_fee_sumamt="50.00"),
        ],
        **overrides,
    }


def record(**overrides: Any) -> SettlementRecord:
    return SettlementRecord.model_validate(a_settlement(**overrides))


def fields(errors: list[FieldError]) -> list[str]:
    return [e.field for e in errors]


def one_line_record(cnt: str, pric: str, line_total: str, **overrides: Any) -> SettlementRecord:
    return record(medfee_sumamt=line_total, fund_pay_sumamt=line_total, acct_pay="0.00", psn_cash_pay="0.00",
                  details=[a_fee_line(cnt=cnt, pric=pric, det_item_fee_sumamt=line_total)], **overrides)


def an_inpatient(**overrides: Any) -> SettlementRecord:
    return record(med_type="21", adm_date="2025-05-28", dscg_date="2025-06-02", **overrides)


# the parts -------------------------------------------------------------------------------------------------


def test_a_record_whose_parts_and_lines_agree_has_no_inconsistency():  # N art.12
    assert inconsistencies(record(), OURS) == []


def test_parts_that_do_not_add_up_name_each_of_the_four_amounts():  # N art.12, contract.md
    # 49.00 + 11.00 + 9.99 = 69.99, not 70.00; the fee lines still sum to 70.00
    errors = inconsistencies(record(psn_cash_pay="9.99"), OURS)
    assert fields(errors) == ["medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay"]
    assert all("69.99" in e.message and "70.00" in e.message for e in errors)


def test_personal_account_mutual_aid_is_part_of_the_personal_account():  # ZJ §2
    """个人账户共济 is paid out of 个人账户支出: 11.00 from the account may hold 11.00 of mutual aid, not 11.01."""
    assert inconsistencies(record(acct_mulaid_pay="11.00"), OURS) == []
    errors = inconsistencies(record(acct_mulaid_pay="11.01"), OURS)
    assert fields(errors) == ["acct_mulaid_pay"] and "11.01" in errors[0].message and "11.00" in errors[0].message


def test_fee_lines_that_do_not_sum_to_the_total_are_refused():  # N art.12, contract.md
    # parts: 80.00 = 59.00 + 11.00 + 10.00; lines 20.00 + 50.00 = 70.00
    errors = inconsistencies(record(medfee_sumamt="80.00", fund_pay_sumamt="59.00"), OURS)
    assert fields(errors) == ["details"]
    assert "70.00" in errors[0].message and "80.00" in errors[0].message


def test_a_line_priced_at_cnt_times_pric_rounded_half_up_to_the_fen_passes():  # N art.12
    # 3 × 3.335 = 10.005, half-up 10.01 (half-even would give 10.00)
    assert inconsistencies(one_line_record("3", "3.335", "10.01"), OURS) == []


def test_a_line_priced_with_any_other_rounding_is_refused():  # N art.12
    errors = inconsistencies(one_line_record("3", "3.335", "10.00"), OURS)
    assert fields(errors) == ["details.0.det_item_fee_sumamt"]
    assert "10.01" in errors[0].message


def test_the_mispriced_line_is_named_by_its_position():  # N art.12
    lines = [a_fee_line(), a_fee_line(cnt="2", pric="25.00", det_item_fee_sumamt="50.50")]
    # parts 70.50 = 49.50 + 11.00 + 10.00 and lines 20.00 + 50.50 agree; only 2 × 25.00 ≠ 50.50
    errors = inconsistencies(record(medfee_sumamt="70.50", fund_pay_sumamt="49.50", details=lines), OURS)
    assert fields(errors) == ["details.1.det_item_fee_sumamt"]


def test_a_fractional_quantity_is_priced_too():  # N art.12
    # 0.5 × 12.35 = 6.175 → 6.18
    assert inconsistencies(one_line_record("0.5", "12.35", "6.18"), OURS) == []
    assert fields(inconsistencies(one_line_record("0.5", "12.35", "6.17"), OURS)) == ["details.0.det_item_fee_sumamt"]


def test_a_fee_line_number_used_twice_is_refused():  # N art.12
    lines = [a_fee_line(feedetl_sn="7"), a_fee_line(feedetl_sn="7", med_list_codg="250301001",
                                                    cnt="1", pric="50.00", det_item_fee_sumamt="50.00")]
    errors = inconsistencies(record(details=lines), OURS)
    assert fields(errors) == ["details"]
    assert "feedetl_sn 7" in errors[0].message


# inpatient dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("med_type", ["21", "52"])
def test_an_inpatient_stay_needs_its_admission_and_discharge_dates(med_type):  # N art.12, contract.md
    assert fields(inconsistencies(record(med_type=med_type), OURS)) == ["adm_date", "dscg_date"]
    assert fields(inconsistencies(record(med_type=med_type, adm_date="2025-05-28"), OURS)) == ["dscg_date"]


@pytest.mark.parametrize("med_type", ["11", "14", "41", "51"])
def test_an_outpatient_or_pharmacy_record_needs_no_stay_dates(med_type):  # contract.md
    assert inconsistencies(record(med_type=med_type), OURS) == []


def test_an_inpatient_admitted_then_discharged_before_settlement_passes():  # N art.12
    assert inconsistencies(an_inpatient(), OURS) == []


def test_an_admission_after_the_discharge_is_refused():  # N art.12
    errors = inconsistencies(record(med_type="21", adm_date="2025-06-03", dscg_date="2025-06-02"), OURS)
    assert fields(errors) == ["dscg_date"]


def test_a_discharge_after_the_settlement_date_is_refused():  # N art.12
    errors = inconsistencies(record(med_type="21", adm_date="2025-05-28", dscg_date="2025-06-04"), OURS)
    assert fields(errors) == ["setl_time"]


def test_admission_discharge_and_settlement_may_all_fall_on_one_day():  # N art.12: ≤, not <
    assert inconsistencies(record(med_type="21", adm_date="2025-06-03", dscg_date="2025-06-03"), OURS) == []


def test_the_settlement_date_is_the_beijing_date():  # contract.md: business dates are in Asia/Shanghai
    # 2025-06-02T17:30Z is 2025-06-03 01:30 in Beijing: a discharge on the 3rd is not after it
    on_time = record(med_type="21", adm_date="2025-05-28", dscg_date="2025-06-03", setl_time="2025-06-02T17:30:00Z")
    assert inconsistencies(on_time, OURS) == []
    # 2025-06-02T15:30Z is 23:30 on the 2nd in Beijing: a discharge on the 3rd is after it
    late = record(med_type="21", adm_date="2025-05-28", dscg_date="2025-06-03", setl_time="2025-06-02T15:30:00Z")
    assert fields(inconsistencies(late, OURS)) == ["setl_time"]


# the person and the institution ----------------------------------------------------------------------------


def test_age_or_birth_date_is_required():  # contract.md: age (or brdy)
    assert fields(inconsistencies(record(age=None), OURS)) == ["age"]
    assert inconsistencies(record(age=None, brdy="1990-04-01"), OURS) == []


def test_a_birth_date_after_the_settlement_is_refused():  # N art.12
    assert fields(inconsistencies(record(age=None, brdy=date(2025, 6, 4)), OURS)) == ["brdy"]


def test_a_record_naming_another_institution_is_refused():  # contract.md: a token reaches only its institution
    errors = inconsistencies(record(fixmedins_code="H22010000002"), OURS)
    assert fields(errors) == ["fixmedins_code"]
    assert "H22010000002" in errors[0].message


def test_a_record_naming_its_own_institution_or_none_is_accepted():  # contract.md
    assert inconsistencies(record(fixmedins_code=OURS), OURS) == []
    assert inconsistencies(record(), OURS) == []


def test_every_inconsistency_is_reported_at_once():  # contract.md: errors list each bad field
    bad = record(fixmedins_code="H22010000002", psn_cash_pay="9.99", age=None, med_type="21")
    assert fields(inconsistencies(bad, OURS)) == [
        "fixmedins_code", "medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay",
        "adm_date", "dscg_date", "age",
    ]


def test_a_field_error_reads_as_a_problem_entry():  # contract.md: RFC 9457 errors
    assert FieldError("age", "is required").as_dict() == {"field": "age", "message": "is required"}
