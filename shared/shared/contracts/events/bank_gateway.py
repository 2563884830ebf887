"""What the bank gateway and the bank publish: vouchers issued, receipts returned, payments confirmed or rejected."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, StringConstraints

from shared.contracts.codes import Admdvs, Code, Insutype, Period
from shared.contracts.events.base import BankAccount, Name, Payload
from shared.money import Amount


class VoucherIssued(Payload):
    """A payment voucher (拨付凭证) for the bank, with its ISO 20022 pain.001 document (N art.14-15)."""

    voucher_no: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z\-]{8,35}$")]
    payment_id: uuid.UUID
    admdvs: Admdvs
    fixmedins_code: Code
    insutype: Insutype
    period: Period
    payer: BankAccount
    payee: BankAccount
    amount: Amount
    currency: Literal["CNY"] = "CNY"
    purpose: Name
    issued_at: AwareDatetime
    pain001: str


class ReceiptReturned(Payload):
    """The bank's receipt (回单): paid or rejected, with its pain.002 (and camt.054 when paid)."""

    voucher_no: str
    status: Literal["paid", "rejected"]
    amount: Amount
    reason_code: str | None = None
    reason: str | None = None
    bank_ref: str
    value_date: date | None = None
    returned_at: AwareDatetime
    pain002: str
    camt054: str | None = None


class PaymentSettled(Payload):
    """What a payment became at the bank; the base of confirmed and rejected."""

    voucher_no: str
    payment_id: uuid.UUID
    admdvs: Admdvs
    fixmedins_code: Code
    insutype: Insutype
    period: Period
    amount: Amount
    bank_ref: str
    receipt_at: AwareDatetime


class PaymentConfirmed(PaymentSettled):
    """The bank paid the institution (回盘 complete)."""

    value_date: date


class PaymentRejected(PaymentSettled):
    """The bank refused the payment; disbursement postpones it to the next payment (N art.18)."""

    reason_code: str
    reason: str
