"""The settlement record as an institution uploads it (N art.12, contract.md "settlement record")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from shared.contracts.codes import business_date
from shared.contracts.settlement import FeeDetail, SettlementRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")


def a_fee_line(**overrides: object) -> dict[str, object]:
    line: dict[str, object] = {"feedetl_sn": "1", "med_list_codg": "XJ01CAA040A001010101445", "med_chrgitm_type": "09",
                               "cnt": "2", "pric": "5.00", "det_item_fee_sumamt": "10.00"}
    line.update(overrides)
    return line


def a_settlement(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "setl_id": "S20251009001", "mdtrt_id": "M20251009001", "psn_no": "P2201000001", "gend": "1",
        "insutype": "310", "med_type": "11", "setl_time": "2025-10-09T08:30:00", "medfee_sumamt": "10.00",
        "fund_pay_sumamt": "6.00", "acct_pay": "2.00", "psn_cash_pay": "2.00", "dise_codg": ["J18.9"],
        "details": [a_fee_line()],
    }
    record.update(overrides)
    return record


def test_a_timestamp_without_an_offset_is_beijing_time() -> None:
    record = SettlementRecord.model_validate(a_settlement(setl_time="2025-10-09T08:30:00"))
    assert record.setl_time.utcoffset() == timedelta(hours=8)
    assert record.setl_time == datetime(2025, 10, 9, 0, 30, tzinfo=ZoneInfo("UTC"))


def test_a_timestamp_with_an_offset_keeps_its_instant_and_is_shown_in_beijing_time() -> None:
    record = SettlementRecord.model_validate(a_settlement(setl_time="2025-10-08T17:30:00Z"))
    assert record.setl_time == datetime(2025, 10, 9, 1, 30, tzinfo=SHANGHAI)
    assert record.setl_time.date().isoformat() == "2025-10-09"  # the business date is Beijing's


def test_a_fee_time_without_an_offset_is_beijing_time_too() -> None:
    """Kept as sent (the stored content is what the institution sent); every rule reads its day through
    ``business_date``, which takes a time without an offset as Beijing time."""
    naive = FeeDetail.model_validate(a_fee_line(fee_ocur_time="2025-10-09T23:59:59"))
    assert naive.fee_ocur_time is not None and business_date(naive.fee_ocur_time) == date(2025, 10, 9)
    utc = FeeDetail.model_validate(a_fee_line(fee_ocur_time="2025-10-09T16:00:00Z"))
    assert utc.fee_ocur_time is not None and business_date(utc.fee_ocur_time) == date(2025, 10, 10)


@pytest.mark.parametrize("spelling", ["2", "2.0", "2.000", "2.0000", 2])
def test_one_quantity_spelled_several_ways_is_one_value(spelling: object) -> None:
    line = FeeDetail.model_validate(a_fee_line(cnt=spelling))
    assert line.cnt == Decimal("2")
    assert str(line.cnt) == "2"  # the same text, so the same record sent twice is recognised


@pytest.mark.parametrize(("spelling", "plain"), [("20.0", "20"), ("100", "100"), ("0.50", "0.5"),
                                                 ("1E+1", "10"), ("1.2500", "1.25")])
def test_trailing_zeros_go_but_no_exponent_appears(spelling: str, plain: str) -> None:
    assert str(FeeDetail.model_validate(a_fee_line(cnt=spelling)).cnt) == plain


def test_the_unit_price_is_normalised_like_the_quantity() -> None:
    assert str(FeeDetail.model_validate(a_fee_line(pric="5.000000")).pric) == "5"
    assert FeeDetail.model_validate(a_fee_line(pric="5.00")).model_dump(mode="json")["pric"] == "5"


@pytest.mark.parametrize("cnt", ["0", "-1", "1.00001"])
def test_a_quantity_must_be_positive_with_at_most_four_decimals(cnt: str) -> None:
    with pytest.raises(ValidationError, match="cnt"):
        FeeDetail.model_validate(a_fee_line(cnt=cnt))


@pytest.mark.parametrize(("field", "code"), [("insutype", "999"), ("med_type", "99"), ("gend", "3")])
def test_an_unknown_national_code_is_refused_naming_the_code(field: str, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        SettlementRecord.model_validate(a_settlement(**{field: code}))
    message = str(raised.value)
    assert f"'{code}' is not a known {field} code" in message


@pytest.mark.parametrize(("insutype", "med_type"), [("310", "11"), ("390", "21"), ("510", "52"), ("310", "41")])
def test_national_fund_and_care_codes_are_accepted(insutype: str, med_type: str) -> None:
    record = SettlementRecord.model_validate(a_settlement(insutype=insutype, med_type=med_type))
    assert (record.insutype, record.med_type) == (insutype, med_type)


def test_one_diagnosis_given_as_a_string_becomes_a_list() -> None:
    assert SettlementRecord.model_validate(a_settlement(dise_codg="J18.9")).dise_codg == ["J18.9"]
    assert SettlementRecord.model_validate(a_settlement(dise_codg=["J18.9", "I10"])).dise_codg == ["J18.9", "I10"]


def test_a_malformed_diagnosis_code_is_refused() -> None:
    with pytest.raises(ValidationError, match="dise_codg"):
        SettlementRecord.model_validate(a_settlement(dise_codg="J18 9"))


def test_amounts_are_two_decimal_strings_and_never_negative() -> None:
    with pytest.raises(ValidationError, match="fund_pay_sumamt"):
        SettlementRecord.model_validate(a_settlement(fund_pay_sumamt=6.0))
    with pytest.raises(ValidationError, match="acct_pay"):
        SettlementRecord.model_validate(a_settlement(acct_pay="-2.00"))


def test_a_record_needs_at_least_one_fee_line() -> None:
    with pytest.raises(ValidationError, match="details"):
        SettlementRecord.model_validate(a_settlement(details=[]))


def test_the_record_is_written_back_with_money_as_strings_and_beijing_time() -> None:
    dumped = SettlementRecord.model_validate(a_settlement()).model_dump(mode="json")
    assert dumped["setl_time"] == "2025-10-09T08:30:00+08:00"
    assert dumped["fund_pay_sumamt"] == "6.00"
    assert dumped["details"][0]["cnt"] == "2"


def test_fields_the_contract_does_not_name_are_ignored() -> None:
    record = SettlementRecord.model_validate(a_settlement(hilist_name="阿莫西林"))
    assert "hilist_name" not in record.model_dump()
