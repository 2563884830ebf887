"""Bank gateway's tables: the vouchers, the day's voucher sequence per region, and every receipt received."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from shared.columns import jsonb, money, table_base, timestamp

Table = table_base()
metadata = Table.metadata


class Voucher(Table, table=True):
    __tablename__ = "vouchers"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="voucher_amount_positive"),
        # The timeout scan reads only the vouchers still waiting for the bank.
        sa.Index("vouchers_awaiting_receipt", "issued_at", postgresql_where=sa.text("status = 'issued'")),
        sa.Index("vouchers_by_value_date", "value_date"),
        sa.Index("vouchers_by_run", "run_id"),
    )

    voucher_no: str = Field(primary_key=True, max_length=35)
    #: One voucher per payment order, ever: the order's id is the idempotency key.
    payment_id: uuid.UUID = Field(unique=True)
    run_id: uuid.UUID
    run_type: str | None = Field(default=None, max_length=40)
    business_date: date | None = None
    admdvs: str = Field(max_length=6)
    fixmedins_code: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    payer: dict[str, Any] = jsonb()
    payee: dict[str, Any] = jsonb()
    amount: Decimal = money()
    purpose: str
    #: issued → paid | rejected (the bank's receipt) | cancelled (stopped before the bank accepted it).
    status: str = Field(max_length=12)
    issued_at: datetime = timestamp()
    pain001: str
    bank_ref: str | None = Field(default=None, max_length=64)
    value_date: date | None = None
    receipt_at: datetime | None = timestamp(nullable=True)
    reason_code: str | None = Field(default=None, max_length=10)
    reason: str | None = None
    #: Status queries made for it (银企直联), the last one's time and what the bank said.
    queries: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_query_at: datetime | None = timestamp(nullable=True)
    last_query_answer: str | None = Field(default=None, max_length=40)
    cancelled_at: datetime | None = timestamp(nullable=True)


class VoucherSequence(Table, table=True):
    __tablename__ = "voucher_sequences"

    admdvs: str = Field(primary_key=True, max_length=6)
    issue_date: date = Field(primary_key=True)
    last_seq: int


class Receipt(Table, table=True):
    """Every receipt the bank returned, as received (append-only): what was applied, what was a duplicate,
    and the exceptions an operator must look at (an unknown voucher, a contradiction, a wrong amount)."""

    __tablename__ = "receipts"
    __table_args__ = (
        sa.Index("receipt_exceptions", "id", postgresql_where=sa.text(
            "outcome IN ('unknown-voucher', 'contradicts', 'amount-mismatch', 'account-mismatch', 'malformed')")),
    )

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    voucher_no: str = Field(max_length=64, index=True)
    status: str = Field(max_length=12)
    outcome: str = Field(max_length=20)
    received_at: datetime = timestamp()
    body: dict[str, Any] = jsonb()
    #: push (bank.receipt-returned) | status-query (the answer to asking the bank).
    source: str = Field(default="push", max_length=20, sa_column_kwargs={"server_default": "push"})
    #: Why an exception is one, in words an operator can act on.
    detail: str | None = None
