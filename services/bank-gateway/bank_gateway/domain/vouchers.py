"""Payment vouchers (拨付凭证, N art.14): numbered once and for ever, and turned into a pain.001."""

from __future__ import annotations

from datetime import date, datetime

from shared.contracts.events import BankAccount
from shared.iso20022 import CreditTransfer, Party, credit_transfer_initiation
from shared.money import Amount


def voucher_number(admdvs: str, issue_date: date, sequence: int) -> str:
    """Region, issue date and the day's sequence: ``220100-20250902-000017``. The sequence is handed out by
    the database, so a number is never given twice and never reused."""
    if not 0 < sequence < 1_000_000:
        raise ValueError("a region issues at most 999,999 vouchers a day")
    return f"{admdvs}-{issue_date:%Y%m%d}-{sequence:06d}"


def voucher_document(voucher_no: str, *, created_at: datetime, amount: Amount, payer: BankAccount,
                     payee: BankAccount, requested: date, purpose: str) -> str:
    return credit_transfer_initiation(CreditTransfer(
        msg_id=voucher_no, created_at=created_at.replace(microsecond=0), voucher_no=voucher_no, amount=amount,
        debtor=Party(payer.acct_name, payer.acct_no, payer.bank_code),
        creditor=Party(payee.acct_name, payee.acct_no, payee.bank_code),
        requested_date=requested, purpose=purpose,
    ))
