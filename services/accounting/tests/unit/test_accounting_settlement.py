"""The monthly settlement in the books (SX §5, ZJ §5), the negative net carried (SX §3), finance's transfer
(SX §4) and reversing entries (N art.19), as pure functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounting.domain.chart import ADVANCE, DEPOSIT, benefit_accounts, chart
from accounting.domain.entries import Leg, Unbalanced, advance_paid, reversal_of
from accounting.domain.settlement import (
    SettlementFigures,
    fund_transferred,
    monthly_settled,
    negative_carried,
    split_pro_rata,
)

D = Decimal
CODE = "H22010000001"


def figures(payable: str = "1000.00", deductions: str = "0.00", deposit: str = "0.00", already_paid: str = "600.00",
            carried_in: str = "0.00", by_category: dict[str, str] | None = None) -> SettlementFigures:
    if by_category is None:
        by_category = {"outpatient": "400.00", "inpatient": "600.00"}
    cats = {k: D(v) for k, v in by_category.items()}
    net = D(payable) - D(deductions) - D(deposit) - D(already_paid) + D(carried_in)
    return SettlementFigures(CODE, "310", "2025-09", D(payable), D(deductions), D(deposit), D(already_paid),
                             D(carried_in), net, cats)


def settle(f: SettlementFigures):  # type: ignore[no-untyped-def]
    entry = monthly_settled(f, booked_in="2025-10", entry_date=date(2025, 10, 20))
    assert entry is not None
    return entry


def legs_on(entry, account: str) -> list[tuple[str, Decimal]]:  # type: ignore[no-untyped-def]
    return [(leg.side, leg.amount) for leg in entry.legs if leg.account == account]


def test_every_benefit_category_has_its_expenditure_account() -> None:  # SX §5, ZJ §5, ZJ §2
    names = {c: chart()[code].name for c, code in benefit_accounts().items()}
    assert names == {"outpatient": "待遇支出—普通门诊", "chronic": "待遇支出—门诊慢特病", "inpatient": "待遇支出—住院",
                     "maternity": "待遇支出—生育", "pharmacy": "待遇支出—药店购药",
                     "personal_account": "待遇支出—个人账户支出"}


def test_the_deposit_is_a_liability_kept_per_institution_and_month() -> None:  # SX §3
    deposit = chart()[DEPOSIT]
    assert (deposit.name, deposit.kind, deposit.parent, deposit.aux) == (
        "暂收款—医疗服务质量保证金", "liability", "2101", ("fixmedins_code", "period"))


def test_the_settlement_books_the_payable_by_category_and_writes_the_advance_off() -> None:  # SX §5, ZJ §5
    entry = settle(figures())
    assert legs_on(entry, "510101") == [("D", D("400.00"))]
    assert legs_on(entry, "510103") == [("D", D("600.00"))]
    assert [(leg.side, leg.amount, leg.fixmedins_code, leg.aux_period) for leg in entry.legs
            if leg.account == ADVANCE] == [("C", D("1000.00"), CODE, "2025-09")]
    assert (entry.period, entry.fund) == ("2025-10", "310")


def test_deductions_reduce_the_expenditure_in_proportion_to_the_categories() -> None:  # N art.13, SX §5
    entry = settle(figures(deductions="100.00"))
    assert legs_on(entry, "510101") == [("D", D("400.00")), ("C", D("40.00"))]
    assert legs_on(entry, "510103") == [("D", D("600.00")), ("C", D("60.00"))]
    assert legs_on(entry, ADVANCE) == [("C", D("900.00"))]


def test_the_deposit_reserved_is_owed_to_the_institution_not_written_off() -> None:  # SX §3
    entry = settle(figures(deductions="100.00", deposit="27.00"))
    assert [(leg.side, leg.amount, leg.aux_period) for leg in entry.legs if leg.account == DEPOSIT] == [
        ("C", D("27.00"), "2025-09")]
    assert legs_on(entry, ADVANCE) == [("C", D("873.00"))]


def test_a_month_worth_less_than_nothing_debits_the_advance() -> None:  # SX §3
    entry = settle(figures(payable="10.00", deductions="50.00", by_category={"pharmacy": "10.00"}))
    assert legs_on(entry, ADVANCE) == [("D", D("40.00"))]
    assert legs_on(entry, "510105") == [("D", D("10.00")), ("C", D("50.00"))]


def test_a_settlement_of_nothing_posts_nothing() -> None:
    assert monthly_settled(figures(payable="0.00", already_paid="0.00", by_category={}), booked_in="2025-10",
                           entry_date=date(2025, 10, 20)) is None


def test_categories_that_do_not_sum_to_the_payable_are_refused() -> None:  # SX §5
    with pytest.raises(Unbalanced, match="categories sum to 900.00"):
        settle(figures(by_category={"outpatient": "300.00", "inpatient": "600.00"}))


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(Unbalanced, match="dental"):
        settle(figures(payable="5.00", by_category={"dental": "5.00"}))


def test_advances_then_the_settlement_leave_the_month_owing_its_net() -> None:  # SX §5, ZJ §5
    """600 advanced, the month worth 1000: after the settlement the month's balance is −400, what is still to pay;
    the net paid brings it to zero."""
    advanced = advance_paid(fund="310", value_date=date(2025, 9, 3), amount=D("600.00"), fixmedins_code=CODE,
                            advance_period="2025-09", voucher_no="V1")
    settlement = settle(figures())
    net = advance_paid(fund="310", value_date=date(2025, 10, 25), amount=D("400.00"), fixmedins_code=CODE,
                       advance_period="2025-09", voucher_no="V2")

    def balance(*entries) -> Decimal:  # type: ignore[no-untyped-def]
        return sum((leg.amount if leg.side == "D" else -leg.amount for e in entries for leg in e.legs
                    if leg.account == ADVANCE and leg.aux_period == "2025-09"), D("0.00"))

    assert balance(advanced, settlement) == D("-400.00")
    assert balance(advanced, settlement, net) == D("0.00")


def test_a_negative_net_carried_moves_what_is_owed_back_to_the_month_that_nets_it() -> None:  # SX §3
    entry = negative_carried(fund="390", fixmedins_code=CODE, owed_back={"2025-07": D("30.00"), "2025-08": D("5.50")},
                             into_period="2025-09", booked_in="2025-10", entry_date=date(2025, 10, 20))
    assert entry is not None
    assert [(leg.side, leg.amount, leg.aux_period) for leg in entry.legs] == [
        ("D", D("35.50"), "2025-09"), ("C", D("30.00"), "2025-07"), ("C", D("5.50"), "2025-08")]
    assert "负数结转" in entry.memo


def test_nothing_owed_back_carries_nothing() -> None:
    assert negative_carried(fund="390", fixmedins_code=CODE, owed_back={}, into_period="2025-09", booked_in="2025-10",
                            entry_date=date(2025, 10, 20)) is None


def test_finance_transfers_from_the_fiscal_special_account_to_the_expenditure_account() -> None:  # SX §4
    entry = fund_transferred(fund="310", amount=D("5000000.00"), value_date=date(2025, 9, 30), booked_in="2025-09",
                             admdvs="140100", request_period="2025-10", reference="CZ-2025-0917")
    assert entry.legs == (Leg("1004", "D", D("5000000.00")), Leg("1003", "C", D("5000000.00")))
    assert "CZ-2025-0917" in entry.memo


def test_a_reversal_mirrors_every_leg_and_names_what_it_reverses() -> None:  # N art.19
    original = advance_paid(fund="310", value_date=date(2025, 9, 3), amount=D("12.34"), fixmedins_code=CODE,
                            advance_period="2025-09", voucher_no="V1")
    mirror = reversal_of(original, period="2025-11", entry_date=date(2025, 11, 3), reason="重复入账", reference="#7")
    assert [(leg.account, leg.side, leg.amount, leg.fixmedins_code, leg.aux_period) for leg in mirror.legs] == [
        ("120101", "C", D("12.34"), CODE, "2025-09"), ("1004", "D", D("12.34"), None, None)]
    assert (mirror.period, mirror.memo) == ("2025-11", "冲销 #7：重复入账")


def test_a_split_hands_out_the_leftover_fen_by_largest_remainder() -> None:  # hordak ratio_split
    assert split_pro_rata(D("0.10"), {"a": D("1"), "b": D("1"), "c": D("1")}) == {
        "a": D("0.04"), "b": D("0.03"), "c": D("0.03")}


@given(st.decimals(min_value=D("-99999.99"), max_value=D("99999.99"), places=2),
       st.dictionaries(st.sampled_from(["outpatient", "chronic", "inpatient", "maternity", "pharmacy"]),
                       st.decimals(min_value=D("0.00"), max_value=D("99999.99"), places=2), min_size=1))
def test_a_split_always_sums_to_the_whole(whole: Decimal, weights: dict[str, Decimal]) -> None:
    if sum(weights.values()) == 0:
        return
    parts = split_pro_rata(whole, weights)
    assert sum(parts.values(), D("0.00")) == whole
    assert all(part == part.quantize(D("0.01")) for part in parts.values())


@given(st.decimals(min_value=D("0.00"), max_value=D("999999.99"), places=2),
       st.decimals(min_value=D("0.00"), max_value=D("1.00"), places=2),
       st.decimals(min_value=D("0.00"), max_value=D("0.10"), places=2),
       st.decimals(min_value=D("0.00"), max_value=D("999999.99"), places=2),
       st.decimals(min_value=D("0.01"), max_value=D("0.99"), places=2))
def test_any_settlement_balances(payable: Decimal, deducted: Decimal, deposit_share: Decimal, already_paid: Decimal,
                                 outpatient_share: Decimal) -> None:  # SX §5
    outpatient = (payable * outpatient_share).quantize(D("0.01"))
    f = SettlementFigures(CODE, "310", "2025-09", payable, (payable * deducted).quantize(D("0.01")),
                          (payable * deposit_share).quantize(D("0.01")), already_paid, D("0.00"), D("0.00"),
                          {"outpatient": outpatient, "inpatient": payable - outpatient})
    entry = monthly_settled(f, booked_in="2025-10", entry_date=date(2025, 10, 20))
    if entry is None:
        assert payable == 0
        return
    debits = sum((leg.amount for leg in entry.legs if leg.side == "D"), D("0.00"))
    credits = sum((leg.amount for leg in entry.legs if leg.side == "C"), D("0.00"))
    assert debits == credits
    assert all(leg.amount > 0 for leg in entry.legs)
