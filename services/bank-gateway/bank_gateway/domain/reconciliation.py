"""Reconciliation with the bank (银行对账, N art.22: each disbursement's accuracy): per value date, our
paid vouchers against what the bank says it paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class OurVoucher:
    voucher_no: str
    status: str
    amount: Decimal
    value_date: date | None


@dataclass(frozen=True)
class BankPayment:
    voucher_no: str
    amount: Decimal


@dataclass(frozen=True)
class Difference:
    #: unknown-to-us | not-paid-by-bank | amount-differs | not-paid-here | value-date-differs
    kind: str
    voucher_no: str
    ours: Decimal | None
    bank: Decimal | None
    detail: str


def reconcile(value_date: date, ours: list[OurVoucher], bank: list[BankPayment]) -> list[Difference]:
    """银行对账 (N art.22): ``ours`` holds our vouchers paid on ``value_date`` and any voucher the bank names;
    ``bank`` what the bank paid on that date. Agreed when nothing differs; otherwise each difference, by
    voucher: paid by the bank and unknown to us, ours and not paid by the bank, amounts that differ, paid by
    the bank while we hold it unpaid, or paid on another value date."""
    by_no = {v.voucher_no: v for v in ours}
    paid_by_bank = {p.voucher_no: p for p in bank}
    differences: list[Difference] = []
    for payment in bank:
        voucher = by_no.get(payment.voucher_no)
        if voucher is None:
            differences.append(Difference("unknown-to-us", payment.voucher_no, None, payment.amount,
                                          "the bank paid a voucher we never issued"))
        elif voucher.amount != payment.amount:
            differences.append(Difference("amount-differs", payment.voucher_no, voucher.amount, payment.amount,
                                          f"we ordered {voucher.amount}, the bank paid {payment.amount}"))
        elif voucher.status != "paid":
            differences.append(Difference("not-paid-here", payment.voucher_no, voucher.amount, payment.amount,
                                          f"the bank paid it; we hold it {voucher.status}"))
        elif voucher.value_date != value_date:
            differences.append(Difference("value-date-differs", payment.voucher_no, voucher.amount,
                                          payment.amount, f"we hold it paid on {voucher.value_date}"))
    for voucher in ours:
        if voucher.status == "paid" and voucher.value_date == value_date and voucher.voucher_no not in paid_by_bank:
            differences.append(Difference("not-paid-by-bank", voucher.voucher_no, voucher.amount, None,
                                          "our receipt says paid; the bank's list does not have it"))
    return sorted(differences, key=lambda d: (d.voucher_no, d.kind))
