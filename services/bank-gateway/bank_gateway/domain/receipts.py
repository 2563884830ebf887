"""回单 / 回盘 (N art.15, JL art.18): what a receipt from the bank says, read from its ISO 20022 documents
(pain.002, and camt.054 for a payment), and what it may do to its voucher.

The documents are what the bank signs for; the receipt's plain fields are a convenience copy. Where they
disagree, or a document cannot be read, the receipt is malformed and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shared.contracts.events import ReceiptReturned
from shared.iso20022 import read_credit_notification, read_payment_status_report

#: Outcomes an operator must look at: the receipt changed nothing and something is wrong.
EXCEPTIONS = ("unknown-voucher", "contradicts", "amount-mismatch", "account-mismatch", "malformed")
#: pain.002 transaction status → what the receipt says.
FINAL_STATUS = {"ACSC": "paid", "RJCT": "rejected"}


@dataclass(frozen=True)
class VoucherState:
    voucher_no: str
    amount: Decimal
    payee_acct: str
    #: issued | paid | rejected | cancelled
    status: str


@dataclass(frozen=True)
class Verdict:
    #: applied | duplicate | one of EXCEPTIONS
    outcome: str
    detail: str | None = None

    @property
    def applies(self) -> bool:
        return self.outcome == "applied"


def judge_receipt(receipt: ReceiptReturned, voucher: VoucherState | None) -> Verdict:
    """回盘 (JL art.18): the bank's first final answer completes a voucher, once. The same answer again is a
    duplicate; another answer contradicts it; a receipt for a number we never issued, for another amount or
    to another account is an exception — none of them changes anything."""
    if voucher is None:
        return Verdict("unknown-voucher", f"no voucher {receipt.voucher_no} was issued")
    unreadable = _unreadable(receipt)
    if unreadable:
        return Verdict("malformed", unreadable)
    if receipt.amount != voucher.amount:
        return Verdict("amount-mismatch", f"the bank says {receipt.amount}, the voucher is for {voucher.amount}")
    if receipt.camt054 is not None:
        credited = read_credit_notification(receipt.camt054).creditor_acct
        if credited != voucher.payee_acct:
            return Verdict("account-mismatch", f"credited {credited}, the voucher pays {voucher.payee_acct}")
    if voucher.status == "issued":
        return Verdict("applied")
    settled_as = "paid" if voucher.status == "paid" else "rejected"  # a cancelled voucher was never paid
    if settled_as == receipt.status:
        return Verdict("duplicate")
    return Verdict("contradicts", f"the voucher is {voucher.status}, the receipt says {receipt.status}")


def _unreadable(receipt: ReceiptReturned) -> str | None:
    try:
        report = read_payment_status_report(receipt.pain002)
    except (ValueError, SyntaxError) as exc:  # ElementTree's ParseError is a SyntaxError
        return f"pain.002 unreadable: {exc}"
    if report.voucher_no != receipt.voucher_no:
        return f"pain.002 is about {report.voucher_no}"
    if FINAL_STATUS.get(report.status) != receipt.status:
        return f"pain.002 status {report.status} is not '{receipt.status}'"
    if receipt.status == "rejected":
        if receipt.reason_code and report.reason_code and receipt.reason_code != report.reason_code:
            return f"pain.002 reason {report.reason_code} is not {receipt.reason_code}"
        return None
    if receipt.value_date is None or receipt.camt054 is None:
        return "a payment's receipt needs its value date and camt.054"
    try:
        notification = read_credit_notification(receipt.camt054)
    except (ValueError, SyntaxError) as exc:
        return f"camt.054 unreadable: {exc}"
    if notification.voucher_no != receipt.voucher_no:
        return f"camt.054 is about {notification.voucher_no}"
    if notification.amount != receipt.amount or notification.value_date != receipt.value_date:
        return "camt.054 amount or value date differs from the receipt"
    return None


def reason_of(receipt: ReceiptReturned) -> tuple[str, str]:
    """The bank's reason for a rejection, from its pain.002 first (ISO 20022 external status reason code)."""
    report = read_payment_status_report(receipt.pain002)
    code = report.reason_code or receipt.reason_code or "NARR"
    return code, report.reason or receipt.reason or "rejected by the bank"
