"""Reconciliation with the bank (银行对账, N art.22): per value date, our paid vouchers against the bank's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bank_gateway.domain.reconciliation import BankPayment, OurVoucher, reconcile

DAY = date(2025, 10, 9)


def ours(no: str, amount: str, status: str = "paid", value_date: date | None = DAY) -> OurVoucher:
    return OurVoucher(no, status, Decimal(amount), value_date)


def bank(no: str, amount: str) -> BankPayment:
    return BankPayment(no, Decimal(amount))


def test_the_same_vouchers_and_amounts_agree() -> None:  # N art.22
    assert reconcile(DAY, [ours("A", "1.00"), ours("B", "2.50")], [bank("B", "2.50"), bank("A", "1.00")]) == []


def test_nothing_on_either_side_agrees() -> None:
    assert reconcile(DAY, [], []) == []


def test_a_payment_the_bank_made_that_we_never_ordered_is_a_difference() -> None:  # N art.22
    [d] = reconcile(DAY, [ours("A", "1.00")], [bank("A", "1.00"), bank("X", "9.99")])
    assert (d.kind, d.voucher_no, d.ours, d.bank) == ("unknown-to-us", "X", None, Decimal("9.99"))


def test_a_voucher_we_hold_paid_that_the_bank_did_not_pay_is_a_difference() -> None:  # N art.22
    [d] = reconcile(DAY, [ours("A", "1.00"), ours("B", "2.00")], [bank("A", "1.00")])
    assert (d.kind, d.voucher_no, d.ours, d.bank) == ("not-paid-by-bank", "B", Decimal("2.00"), None)


def test_amounts_that_differ_are_a_difference() -> None:  # N art.22
    [d] = reconcile(DAY, [ours("A", "1.00")], [bank("A", "1.01")])
    assert (d.kind, d.ours, d.bank) == ("amount-differs", Decimal("1.00"), Decimal("1.01"))


def test_a_payment_the_bank_made_on_a_voucher_we_hold_unpaid_is_a_difference() -> None:
    [d] = reconcile(DAY, [ours("A", "1.00", status="issued", value_date=None)], [bank("A", "1.00")])
    assert d.kind == "not-paid-here" and "issued" in d.detail


def test_a_payment_we_hold_on_another_value_date_is_a_difference() -> None:
    [d] = reconcile(DAY, [ours("A", "1.00", value_date=date(2025, 10, 10))], [bank("A", "1.00")])
    assert d.kind == "value-date-differs"


def test_our_vouchers_paid_on_other_days_or_not_paid_are_not_this_days_business() -> None:
    assert reconcile(DAY, [ours("A", "1.00", value_date=date(2025, 10, 8)), ours("B", "1.00", "rejected", None)],
                     []) == []


def test_every_difference_is_listed_in_voucher_order() -> None:
    differences = reconcile(DAY, [ours("C", "3.00"), ours("A", "1.00")], [bank("B", "2.00"), bank("A", "1.50")])
    assert [(d.voucher_no, d.kind) for d in differences] == \
        [("A", "amount-differs"), ("B", "unknown-to-us"), ("C", "not-paid-by-bank")]
