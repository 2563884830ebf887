"""Receipts (回单 / 回盘, N art.15, JL art.18): the bank's first final answer completes a voucher once;
everything else changes nothing and what is wrong reaches the operators' exceptions list."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bank_gateway.domain.receipts import EXCEPTIONS, VoucherState, judge_receipt, reason_of
from shared.contracts.events import ReceiptReturned
from shared.iso20022 import CreditNotification, StatusReport, credit_notification, payment_status_report

NO = "220100-20251009-000017"
NOW = datetime(2025, 10, 9, 9, 30, tzinfo=UTC)


def a_voucher(status: str = "issued", amount: str = "1234.50", payee: str = "6222000000000001") -> VoucherState:
    return VoucherState(NO, Decimal(amount), payee, status)


def a_receipt(status: str = "paid", *, amount: str = "1234.50", doc_amount: str | None = None,
              tx_status: str | None = None, doc_voucher: str = NO, credited: str = "6222000000000001",
              reason_code: str | None = "AC04", camt: bool = True, value_date: date | None = date(2025, 10, 9),
              pain002: str | None = None) -> ReceiptReturned:
    paid = status == "paid"
    report = pain002 or payment_status_report(StatusReport(
        "CB1-S", NO, doc_voucher, tx_status or ("ACSC" if paid else "RJCT"), None if paid else reason_code,
        None if paid else "账户已销户", NOW))
    notification = credit_notification(CreditNotification(
        "CB1-N", NOW, doc_voucher, "CB1", Decimal(doc_amount or amount), date(2025, 10, 9), credited)) \
        if paid and camt else None
    return ReceiptReturned(voucher_no=NO, status=status, amount=Decimal(amount), bank_ref="CB1",  # type: ignore[arg-type]
                           value_date=value_date if paid else None, returned_at=NOW, pain002=report,
                           camt054=notification, reason_code=None if paid else reason_code)


def test_the_first_final_answer_applies() -> None:  # JL art.18
    assert judge_receipt(a_receipt("paid"), a_voucher()).applies
    assert judge_receipt(a_receipt("rejected"), a_voucher()).applies


@pytest.mark.parametrize(("status", "receipt"), [("paid", "paid"), ("rejected", "rejected"),
                                                 ("cancelled", "rejected")])
def test_the_same_answer_again_is_a_duplicate(status: str, receipt: str) -> None:  # JL art.18
    assert judge_receipt(a_receipt(receipt), a_voucher(status)).outcome == "duplicate"


@pytest.mark.parametrize(("status", "receipt"), [("paid", "rejected"), ("rejected", "paid"), ("cancelled", "paid")])
def test_another_answer_after_the_first_contradicts_it_and_changes_nothing(status: str, receipt: str) -> None:
    verdict = judge_receipt(a_receipt(receipt), a_voucher(status))
    assert verdict.outcome == "contradicts" and not verdict.applies
    assert status in (verdict.detail or "")


def test_a_receipt_for_a_voucher_never_issued_is_an_exception() -> None:
    verdict = judge_receipt(a_receipt(), None)
    assert verdict.outcome == "unknown-voucher" and verdict.outcome in EXCEPTIONS


def test_a_receipt_for_another_amount_is_an_exception_even_for_a_settled_voucher() -> None:  # N art.22
    assert judge_receipt(a_receipt(amount="1234.51"), a_voucher()).outcome == "amount-mismatch"
    assert judge_receipt(a_receipt(amount="1234.51"), a_voucher("paid")).outcome == "amount-mismatch"


def test_a_payment_credited_to_another_account_is_an_exception() -> None:  # N art.15
    verdict = judge_receipt(a_receipt(credited="6222999999999999"), a_voucher())
    assert verdict.outcome == "account-mismatch" and "6222999999999999" in (verdict.detail or "")


@pytest.mark.parametrize(("receipt", "why"), [
    (a_receipt(pain002="<not xml"), "pain.002 unreadable"),
    (a_receipt(doc_voucher="220100-20251009-000018"), "is about"),
    (a_receipt(tx_status="RJCT"), "status RJCT"),
    (a_receipt(tx_status="ACCP"), "status ACCP"),
    (a_receipt(camt=False), "camt.054"),
    (a_receipt(value_date=None), "value date"),
    (a_receipt(doc_amount="1.00"), "camt.054 amount"),
    (a_receipt("rejected", tx_status="ACSC"), "status ACSC"),
], ids=["not-xml", "other-voucher", "paid-but-rjct", "only-accepted", "no-camt", "no-value-date",
        "camt-amount", "rejected-but-acsc"])
def test_a_receipt_whose_documents_disagree_with_it_is_malformed(receipt: ReceiptReturned, why: str) -> None:
    verdict = judge_receipt(receipt, a_voucher())
    assert verdict.outcome == "malformed" and why in (verdict.detail or "")


def test_the_rejection_reason_comes_from_the_pain_002() -> None:  # ISO 20022 external status reason
    assert reason_of(a_receipt("rejected", reason_code="AC04")) == ("AC04", "账户已销户")
