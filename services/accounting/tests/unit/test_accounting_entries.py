"""Journal entries (记账凭证) and the chart of accounts: instant settlement is booked as an advance to the
institution, Dr 暂付款—即时结算预拨 (institution × month) / Cr 支出户存款 (SX §5, ZJ §5, N art.19)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounting.domain.chart import ADVANCE, CASH_EXPENDITURE, chart
from accounting.domain.entries import Entry, Leg, Unbalanced, advance_paid, check


def an_advance(amount: str = "1234.56", **overrides: object) -> Entry:
    fields: dict[str, object] = {"fund": "310", "value_date": date(2025, 10, 9), "amount": Decimal(amount),
                                 "fixmedins_code": "H22010000001", "advance_period": "2025-09",
                                 "voucher_no": "220100-20251009-000017"}
    fields.update(overrides)
    return advance_paid(**fields)  # type: ignore[arg-type]


def an_entry(*legs: Leg) -> Entry:
    return Entry(fund="390", period="2025-10", entry_date=date(2025, 10, 9), memo="test", legs=legs)


def dr(account: str, amount: str, fixmedins_code: str | None = None, aux_period: str | None = None) -> Leg:
    return Leg(account, "D", Decimal(amount), fixmedins_code, aux_period)


def cr(account: str, amount: str) -> Leg:
    return Leg(account, "C", Decimal(amount))


# the chart ----------------------------------------------------------------------------------------------


def test_the_advance_account_is_a_detail_of_temporary_payments() -> None:  # SX §5, ZJ §5
    advance = chart()[ADVANCE]
    assert (advance.code, advance.name, advance.parent) == ("120101", "暂付款—即时结算预拨", "1201")
    assert chart()["1201"].name == "暂付款"


def test_the_advance_carries_institution_and_year_month_as_auxiliary_dimensions() -> None:  # SX §5, ZJ §5
    assert chart()[ADVANCE].aux == ("fixmedins_code", "period")
    assert chart()[CASH_EXPENDITURE].aux == ()


def test_the_expenditure_account_is_an_asset_on_the_debit_side() -> None:
    cash = chart()[CASH_EXPENDITURE]
    assert (cash.code, cash.name, cash.kind, cash.normal_side) == ("1004", "支出户存款", "asset", "D")


def test_a_fund_balance_is_equity_on_the_credit_side() -> None:
    assert chart()["3101"].normal_side == "C"
    assert chart()["510103"].normal_side == "D"  # 待遇支出—住院 is an expense


def test_every_detail_account_has_a_parent_in_the_chart() -> None:
    accounts = chart()
    for account in accounts.values():
        if account.parent is not None:
            assert account.parent in accounts, account.code
            assert account.code.startswith(account.parent), account.code


# advance_paid -------------------------------------------------------------------------------------------


def test_a_paid_disbursement_is_debited_to_the_advance_and_credited_to_the_expenditure_account() -> None:  # SX §5
    entry = an_advance("1234.56")
    assert entry.legs == (
        Leg("120101", "D", Decimal("1234.56"), "H22010000001", "2025-09"),
        Leg("1004", "C", Decimal("1234.56")),
    )


def test_the_advance_leg_names_the_institution_and_the_month_it_pays_for() -> None:  # ZJ §5
    advance = an_advance(fixmedins_code="H32110000009", advance_period="2025-08").legs[0]
    assert (advance.account, advance.fixmedins_code, advance.aux_period) == ("120101", "H32110000009", "2025-08")


def test_the_entry_is_booked_in_the_month_the_bank_paid() -> None:  # N art.19
    entry = an_advance(value_date=date(2025, 10, 9), advance_period="2025-09")
    assert entry.period == "2025-10"  # the advance is for September, the money left in October
    assert entry.entry_date == date(2025, 10, 9)
    assert entry.fund == "310"


def test_the_memo_says_what_was_advanced_to_whom_on_which_voucher() -> None:
    entry = an_advance(fixmedins_code="H22010000001", advance_period="2025-09", voucher_no="220100-20251009-000017")
    assert entry.memo == "即时结算预拨 H22010000001 2025-09 凭证 220100-20251009-000017"


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999999999.99"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_an_advance_of_any_positive_amount_balances(amount: Decimal) -> None:  # SX §5, ZJ §5
    entry = an_advance(str(amount))
    debits = sum((leg.amount for leg in entry.legs if leg.side == "D"), Decimal("0.00"))
    credits = sum((leg.amount for leg in entry.legs if leg.side == "C"), Decimal("0.00"))
    assert debits == credits == amount
    assert check(entry) is entry


@pytest.mark.parametrize("amount", ["0.00", "-1.00"])
def test_an_advance_of_nothing_or_less_is_refused(amount: str) -> None:
    with pytest.raises(Unbalanced, match="amounts are positive"):
        an_advance(amount)


# check --------------------------------------------------------------------------------------------------


def test_a_balanced_entry_over_several_legs_is_accepted() -> None:
    entry = an_entry(dr("510101", "60.00"), dr("510103", "40.00"), cr("1004", "70.00"), cr("1004", "30.00"))
    assert check(entry) is entry


def test_an_entry_whose_debits_and_credits_differ_is_refused() -> None:
    with pytest.raises(Unbalanced, match=r"debits 100\.00 ≠ credits 99\.99"):
        check(an_entry(dr("510101", "100.00"), cr("1004", "99.99")))


def test_an_entry_with_only_one_side_is_refused() -> None:
    with pytest.raises(Unbalanced, match="≠"):
        check(an_entry(dr("510101", "10.00"), dr("510102", "10.00")))


def test_a_zero_leg_is_refused_even_when_the_entry_balances() -> None:
    with pytest.raises(Unbalanced, match="a leg of 0.00 on 1002"):
        check(an_entry(dr("510101", "10.00"), cr("1004", "10.00"), dr("1002", "0.00")))


def test_a_negative_leg_is_refused_the_side_says_which_way() -> None:
    # -10 on both sides balances arithmetically; the sign must never stand in for the side
    with pytest.raises(Unbalanced, match="amounts are positive"):
        check(an_entry(dr("510101", "-10.00"), cr("1004", "-10.00")))


def test_an_account_not_in_the_chart_is_refused() -> None:
    with pytest.raises(Unbalanced, match="no account 9999"):
        check(an_entry(dr("9999", "10.00"), cr("1004", "10.00")))


def test_the_parent_of_the_advance_is_postable_without_dimensions() -> None:
    entry = an_entry(dr("1201", "10.00"), cr("1004", "10.00"))
    assert check(entry) is entry


@pytest.mark.parametrize(("fixmedins_code", "aux_period"), [(None, "2025-09"), ("H22010000001", None), (None, None)])
def test_an_advance_leg_without_its_institution_and_month_is_refused(fixmedins_code, aux_period) -> None:  # SX §5
    with pytest.raises(Unbalanced, match="暂付款—即时结算预拨 needs its institution and year-month"):
        check(an_entry(dr(ADVANCE, "10.00", fixmedins_code, aux_period), cr(CASH_EXPENDITURE, "10.00")))


def test_an_advance_built_by_hand_with_its_dimensions_is_accepted() -> None:  # ZJ §5
    entry = an_entry(dr(ADVANCE, "10.00", "H22010000001", "2025-09"), cr(CASH_EXPENDITURE, "10.00"))
    assert check(entry) is entry


def test_an_advance_edited_to_lose_its_institution_is_refused() -> None:  # SX §5
    entry = an_advance()
    stripped = replace(entry, legs=(replace(entry.legs[0], fixmedins_code=None), entry.legs[1]))
    with pytest.raises(Unbalanced, match="institution"):
        check(stripped)


def test_unbalanced_is_a_value_error() -> None:
    assert issubclass(Unbalanced, ValueError)


def an_entry_of(*legs: Leg) -> Entry:
    return Entry(fund="390", period="2025-10", entry_date=date(2025, 10, 9), memo="test", legs=legs)


def test_a_leg_on_neither_side_is_refused() -> None:
    # debits 10.00 = credits 10.00 for check(); the 5.00 leg on side "X" is ignored. PostgreSQL refuses it
    # (leg_side_is_debit_or_credit), and its balance trigger would count it as a credit: 10.00 - 15.00 ≠ 0.
    with pytest.raises(Unbalanced):
        check(an_entry_of(Leg("510101", "D", Decimal("10.00")), Leg("1004", "C", Decimal("10.00")),
                       Leg("1002", "X", Decimal("5.00"))))  # type: ignore[arg-type]


def test_a_leg_below_the_fen_is_refused() -> None:
    # balanced for check() (0.004 + 0.004 = 0.008), yet stored as 0.00 + 0.00 against 0.01: the CHECK
    # amount > 0 and the balance trigger both fail at commit. Money is at the fen everywhere (shared.money).
    with pytest.raises(Unbalanced):
        check(an_entry_of(Leg("510101", "D", Decimal("0.004")), Leg("510102", "D", Decimal("0.004")),
                       Leg("1004", "C", Decimal("0.008"))))
