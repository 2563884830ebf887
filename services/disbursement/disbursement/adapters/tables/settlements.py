"""What disbursement heard of each settlement (recorded, audited, declared), the deductions that reach a month
and the special cases (特例单议) with their monthly prepaid shares."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from disbursement.adapters.tables.base import Table
from shared.columns import jsonb, money, timestamp


class Intake(Table, table=True):
    """A settlement as disbursement knows it: filled from the recorded event and the audited event, which
    may arrive in either order."""

    __tablename__ = "intake"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    admdvs: str | None = Field(default=None, max_length=6)
    insutype: str | None = Field(default=None, max_length=3)
    med_type: str | None = Field(default=None, max_length=4)
    business_date: date | None = None
    fund_pay_sumamt: Decimal | None = money(nullable=True)
    #: The personal account's part (个人账户支出) and, within it, what mutual aid paid (个人账户共济).
    acct_pay: Decimal | None = money(nullable=True)
    acct_mulaid_pay: Decimal | None = money(nullable=True)
    recorded_at: datetime | None = timestamp(nullable=True)
    audit_status: str | None = Field(default=None, max_length=12)
    vola_amt: Decimal | None = money(nullable=True)
    audited_at: datetime | None = timestamp(nullable=True)
    #: A finding on it is open for people: its month's audit has not ended (SX §3).
    under_review: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    line_id: uuid.UUID | None = None
    reversed_at: datetime | None = timestamp(nullable=True)
    #: The monthly settlement that took this record in; no daily line is computed for it afterwards.
    settled_run_id: uuid.UUID | None = None

sa.Index("intake_by_month", Intake.admdvs, Intake.business_date)

sa.Index("intake_waiting", Intake.admdvs, postgresql_where=sa.text("line_id IS NULL"))


class Declaration(Table, table=True):
    """An institution's monthly declaration (申报), as claims published it."""

    __tablename__ = "declarations"

    declaration_id: uuid.UUID = Field(primary_key=True)
    fixmedins_code: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    period: str = Field(max_length=7)
    totals: dict[str, Any] = jsonb()
    declared_at: datetime = timestamp()
    late: bool

sa.Index("declarations_by_month", Declaration.admdvs, Declaration.period, Declaration.fixmedins_code)


class Deduction(Table, table=True):
    """A confirmed deduction (月度抵扣, N art.13), or a cancelled settlement found after its month was settled;
    applied by the first monthly settlement of its institution and fund that comes after it."""

    __tablename__ = "deductions"

    deduction_id: uuid.UUID = Field(primary_key=True)
    fixmedins_code: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    setl_id: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    amount: Decimal = money()
    source: str = Field(max_length=12)
    confirmed_at: datetime = timestamp()
    applied_run_id: uuid.UUID | None = None

sa.Index("deductions_unapplied", Deduction.admdvs, postgresql_where=sa.text("applied_run_id IS NULL"))


class SpecialCase(Table, table=True):
    """A special case (特例单议, N art.16, JL art.16): claimed by an institution, pending until the expert panel
    decides it, then approved at an amount or rejected."""

    __tablename__ = "special_cases"

    case_id: uuid.UUID = Field(primary_key=True)
    admdvs: str = Field(max_length=6)
    fixmedins_code: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    #: The review period: "2025-09" (monthly) or "2025-Q3" (quarterly).
    review_period: str = Field(max_length=7)
    claimed: Decimal = money()
    #: pending | approved | rejected
    status: str = Field(default="pending", max_length=10)
    approved: Decimal | None = money(nullable=True)
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = timestamp(nullable=True)
    decision_reason: str | None = None
    description: str
    clearing: str = Field(max_length=12)
    prepay_share: Decimal = Field(sa_column=sa.Column(sa.Numeric(5, 4), nullable=False))
    #: Paid before the annual clearing: the whole approved amount on approval, or the monthly prepayments.
    paid_now: Decimal | None = money(nullable=True)
    run_id: uuid.UUID | None = None
    cleared_run_id: uuid.UUID | None = None
    created_at: datetime = timestamp()


class SpecialCasePrepayment(Table, table=True):
    """One month's prepaid share of a case cleared at year end (N art.16 "按月给予一定比例的预拨"): one row per
    case and month, so a month never prepays a case twice."""

    __tablename__ = "special_case_prepayments"

    case_id: uuid.UUID = Field(primary_key=True, foreign_key="special_cases.case_id")
    period: str = Field(primary_key=True, max_length=7)
    amount: Decimal = money()
    run_id: uuid.UUID
