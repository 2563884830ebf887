"""Payment vouchers (拨付凭证, N art.14): numbered once and for ever, and turned into a pain.001."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from shared.contracts.codes import INSUTYPES
from shared.contracts.events import BankAccount
from shared.iso20022 import CreditTransfer, Party, credit_transfer_initiation
from shared.money import Amount

#: What ISO 20022 carries as unstructured remittance information (Max140Text), and so what a voucher's
#: purpose may be.
MAX_PURPOSE = 140
#: issued (sent, no final answer yet) → paid | rejected (the bank's receipt) | cancelled (before the bank took it).
SETTLED = ("paid", "rejected", "cancelled")


def voucher_number(admdvs: str, issue_date: date, sequence: int) -> str:
    """Region, issue date and the day's sequence: ``220100-20250902-000017``. The sequence is handed out by
    the database, so a number is never given twice and never reused."""
    if not 0 < sequence < 1_000_000:
        raise ValueError("a region issues at most 999,999 vouchers a day")
    return f"{admdvs}-{issue_date:%Y%m%d}-{sequence:06d}"


def fund_name(insutype: str) -> str:
    return INSUTYPES.get(insutype, f"险种{insutype}")


def voucher_purpose(order_purpose: str, *, run_id: uuid.UUID, period: str, insutype: str) -> str:
    """拨付用途 (N art.14): what the payment is for — the run's own words, the fund, the month and the run —
    so the institution's finance office can book it without asking. Cut to what ISO 20022 carries; the run
    id goes first among the references so that it survives."""
    references = f" 批次{run_id} {period} {fund_name(insutype)}"
    head = order_purpose[: max(0, MAX_PURPOSE - len(references))]
    return (head + references)[:MAX_PURPOSE]


def voucher_document(voucher_no: str, *, created_at: datetime, amount: Amount, payer: BankAccount,
                     payee: BankAccount, requested: date, purpose: str) -> str:
    return credit_transfer_initiation(CreditTransfer(
        msg_id=voucher_no, created_at=created_at.replace(microsecond=0), voucher_no=voucher_no, amount=amount,
        debtor=Party(payer.acct_name, payer.acct_no, payer.bank_code),
        creditor=Party(payee.acct_name, payee.acct_no, payee.bank_code),
        requested_date=requested, purpose=purpose,
    ))
