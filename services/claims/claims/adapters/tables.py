"""Claims' tables. ``settlements`` is the system of record of what institutions uploaded; the ``view_*``
tables are claims' own copy of what other services decided, built from their events, so that an
institution reads its settlement's whole story here without claims ever reading another service's tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from shared.columns import jsonb, money, table_base, timestamp

Table = table_base()
metadata = Table.metadata


class Institution(Table, table=True):
    __tablename__ = "institutions"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    fixmedins_name: str = Field(max_length=200)
    admdvs: str = Field(max_length=6)
    fixmedins_type: str = Field(max_length=2)
    hosp_lv: str | None = Field(default=None, max_length=10)
    bank_acct: dict[str, Any] = jsonb()
    #: SHA-256 of the current token; None once revoked (the institution then gets 401 until a new one).
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    token_issued_at: datetime | None = timestamp(nullable=True)
    version: int
    registered_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class Settlement(Table, table=True):
    __tablename__ = "settlements"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    admdvs: str = Field(max_length=6)
    psn_no: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    med_type: str = Field(max_length=4)
    setl_time: datetime = timestamp()
    business_date: date
    medfee_sumamt: Decimal = money()
    fund_pay_sumamt: Decimal = money()
    fingerprint: str = Field(max_length=64)
    record: dict[str, Any] = jsonb()
    accepted_at: datetime = timestamp()


sa.Index("settlements_by_day", Settlement.fixmedins_code, Settlement.business_date)


class ViewAudit(Table, table=True):
    """The audit outcome of a settlement (from ``audit.settlement-audited``)."""

    __tablename__ = "view_audits"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    status: str = Field(max_length=12)
    vola_amt: Decimal = money()
    findings: list[dict[str, Any]] = jsonb()
    audited_at: datetime = timestamp()


class ViewLine(Table, table=True):
    """A disbursement line (from ``disbursement.line-computed``, again when it moves to another batch)."""

    __tablename__ = "view_lines"

    line_id: uuid.UUID = Field(primary_key=True)
    fixmedins_code: str = Field(max_length=30)
    setl_id: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    amount: Decimal = money()
    ratio: Decimal = Field(sa_column=sa.Column(sa.Numeric(7, 4), nullable=False))
    business_date: date
    #: The daily batch that pays it; None once a monthly settlement took it in.
    batch_date: date | None = None
    policy_version: int
    computed_at: datetime = timestamp()


sa.Index("view_lines_by_settlement", ViewLine.fixmedins_code, ViewLine.setl_id)


class ViewPayment(Table, table=True):
    """A daily payment (from ``disbursement.lines-ordered``) with its voucher and the bank's outcome (from
    the bank gateway's events, which may come first). It carries every line of its institution, fund, month
    and batch, and whatever the payments in ``carried_from`` still owed."""

    __tablename__ = "view_payments"

    payment_id: uuid.UUID = Field(primary_key=True)
    fixmedins_code: str | None = Field(default=None, max_length=30)
    insutype: str | None = Field(default=None, max_length=3)
    period: str | None = Field(default=None, max_length=7)
    #: The daily batches whose lines it pays (ISO dates).
    batch_dates: list[str] = Field(default_factory=list, sa_column=sa.Column(JSONB, nullable=False,
                                                                             server_default=sa.text("'[]'::jsonb")))
    carried_from: list[str] = Field(default_factory=list, sa_column=sa.Column(JSONB, nullable=False,
                                                                              server_default=sa.text("'[]'::jsonb")))
    ordered_at: datetime | None = timestamp(nullable=True)
    voucher_no: str | None = Field(default=None, max_length=35)
    status: str = Field(max_length=12)
    reason: str | None = None
    issued_at: datetime | None = timestamp(nullable=True)
    receipt_at: datetime | None = timestamp(nullable=True)
    #: What the bank paid (from the confirmation): with period and fund, the statement's "already paid".
    amount: Decimal | None = money(nullable=True)


sa.Index("view_payments_by_month", ViewPayment.fixmedins_code, ViewPayment.insutype, ViewPayment.period)


class Reversal(Table, table=True):
    """A cancelled settlement (结算撤销, N art.10): the record stays, this says it no longer counts."""

    __tablename__ = "reversals"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    reason: str
    reversed_at: datetime = timestamp()
    recorded_at: datetime = timestamp()


class Declaration(Table, table=True):
    """An institution's monthly declaration (申报, N art.12, JL art.14): one per institution and month."""

    __tablename__ = "declarations"
    __table_args__ = (sa.UniqueConstraint("fixmedins_code", "period"),)

    declaration_id: uuid.UUID = Field(primary_key=True)
    fixmedins_code: str = Field(max_length=30)
    period: str = Field(max_length=7)
    totals: dict[str, Any] = jsonb()
    fingerprint: str = Field(max_length=64)
    declared_at: datetime = timestamp()
    deadline: date
    late: bool


class RegionDeadline(Table, table=True):
    """What intake and declarations need of a region's policy version (``disbursement.policy-set``): when its
    declarations are due, and which insutypes it settles (N art.3)."""

    __tablename__ = "region_deadlines"

    admdvs: str = Field(primary_key=True, max_length=6)
    version: int = Field(primary_key=True)
    effective_from: date
    declaration_deadline_day: int
    #: The insutypes the region settles or folds into a settled fund; None when the policy did not say.
    insutypes: list[str] | None = jsonb(nullable=True)


class ViewDeduction(Table, table=True):
    """A confirmed audit deduction (from ``audit.deduction-confirmed``), for the statement."""

    __tablename__ = "view_deductions"

    deduction_id: uuid.UUID = Field(primary_key=True)
    fixmedins_code: str = Field(max_length=30)
    setl_id: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    amount: Decimal = money()
    source: str = Field(max_length=12)
    confirmed_at: datetime = timestamp()


sa.Index("view_deductions_by_month", ViewDeduction.fixmedins_code, ViewDeduction.period)


class ViewMonth(Table, table=True):
    """A monthly settlement line (from ``disbursement.monthly-settled``): the statement of a settled month."""

    __tablename__ = "view_months"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    insutype: str = Field(primary_key=True, max_length=3)
    period: str = Field(primary_key=True, max_length=7)
    run_id: uuid.UUID
    figures: dict[str, Any] = jsonb()
    settled_at: datetime = timestamp()
