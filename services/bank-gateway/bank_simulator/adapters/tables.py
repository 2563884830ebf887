"""The bank's own books: what it received, and what it paid to which account."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from shared.columns import jsonb, money, table_base, timestamp

Table = table_base()
metadata = Table.metadata


class BankPayment(Table, table=True):
    __tablename__ = "bank_payments"

    #: The bank pays a voucher number at most once, whatever it receives.
    voucher_no: str = Field(primary_key=True, max_length=35)
    seq: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), unique=True))
    msg_id: str = Field(max_length=35)
    #: The accounts are absent only for an order cancelled before it arrived.
    payer_acct: str | None = Field(default=None, max_length=40)
    payee_acct: str | None = Field(default=None, max_length=40)
    payee_name: str | None = Field(default=None, max_length=200)
    payee_bank: str | None = Field(default=None, max_length=20)
    amount: Decimal = money()
    #: paid | rejected | accepted (taken, no receipt until asked: the timeout drill) | cancelled (stopped at
    #: the customer's request before the bank accepted it; the order, if it comes, is refused).
    status: str = Field(max_length=12)
    reason_code: str | None = Field(default=None, max_length=10)
    reason: str | None = None
    bank_ref: str = Field(max_length=40)
    value_date: date | None = None
    received_at: datetime = timestamp()
    settled_at: datetime | None = timestamp(nullable=True)


sa.Index("bank_payments_by_value_date", BankPayment.value_date)


class PendingReceipt(Table, table=True):
    """A receipt to send later (the late-receipt drill); sent by the simulator's own clock."""

    __tablename__ = "pending_receipts"

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    voucher_no: str = Field(max_length=35)
    due_at: datetime = timestamp()
    payload: dict[str, Any] = jsonb()


class FaultSettings(Table, table=True):
    __tablename__ = "fault_settings"

    id: int = Field(default=1, primary_key=True)
    faults: dict[str, Any] = jsonb()
