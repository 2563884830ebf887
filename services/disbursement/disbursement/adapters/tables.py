"""Disbursement's tables: what it heard (institutions, settlements and their audit status), the policy
versions, the per-record lines, the runs and the payments they ordered."""

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


class Institution(Table, table=True):
    """From ``claims.institution-registered``; the latest version wins."""

    __tablename__ = "institutions"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    fixmedins_name: str = Field(max_length=200)
    admdvs: str = Field(max_length=6, index=True)
    fixmedins_type: str = Field(max_length=2)
    bank_acct: dict[str, Any] = jsonb()
    token_hash: str = Field(max_length=64, index=True)
    version: int


class Policy(Table, table=True):
    __tablename__ = "policies"

    admdvs: str = Field(primary_key=True, max_length=6)
    version: int = Field(primary_key=True)
    pack: str = Field(max_length=20)
    effective_from: date
    body: dict[str, Any] = jsonb()
    overrides: dict[str, Any] = jsonb()
    created_at: datetime = timestamp()


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
    recorded_at: datetime | None = timestamp(nullable=True)
    audit_status: str | None = Field(default=None, max_length=12)
    vola_amt: Decimal | None = money(nullable=True)
    audited_at: datetime | None = timestamp(nullable=True)
    line_id: uuid.UUID | None = None


sa.Index("intake_waiting", Intake.admdvs, postgresql_where=sa.text("line_id IS NULL"))


class Line(Table, table=True):
    """A per-record disbursement line (JL art.11)."""

    __tablename__ = "lines"

    line_id: uuid.UUID = Field(primary_key=True)
    fixmedins_code: str = Field(max_length=30)
    setl_id: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    insutype: str = Field(max_length=3)
    med_type: str = Field(max_length=4)
    business_date: date
    period: str = Field(max_length=7)
    fund_pay_sumamt: Decimal = money()
    base: Decimal = money()
    ratio: Decimal = Field(sa_column=sa.Column(sa.Numeric(5, 4), nullable=False))
    amount: Decimal = money()
    policy_version: int
    computed_at: datetime = timestamp()
    run_id: uuid.UUID | None = None
    payment_id: uuid.UUID | None = None


sa.Index("lines_unordered", Line.admdvs, Line.business_date, postgresql_where=sa.text("run_id IS NULL"))
sa.Index("lines_by_run", Line.run_id)
sa.Index("lines_by_settlement", Line.fixmedins_code, Line.setl_id)


class Run(Table, table=True):
    __tablename__ = "runs"
    __table_args__ = (sa.UniqueConstraint("run_type", "admdvs", "run_key"),)

    run_id: uuid.UUID = Field(primary_key=True)
    run_type: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    #: The business date or the period the run is for: what makes it idempotent.
    run_key: str = Field(max_length=10)
    policy_version: int
    status: str = Field(max_length=20)
    due_date: date
    computed_at: datetime = timestamp()
    total: Decimal = money()
    payment_total: Decimal = money()
    summary: dict[str, Any] = jsonb()


class Payment(Table, table=True):
    """One line of a run's summary, and what became of it at the bank."""

    __tablename__ = "payments"
    __table_args__ = (sa.CheckConstraint("payment >= 0", name="payment_never_negative"),
                      sa.CheckConstraint("carried_forward <= 0", name="carried_forward_is_owed_back"))

    payment_id: uuid.UUID = Field(primary_key=True)
    run_id: uuid.UUID = Field(index=True)
    admdvs: str = Field(max_length=6)
    fixmedins_code: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    records: int
    amount: Decimal = money()
    carried_in: Decimal = money()
    payment: Decimal = money()
    carried_forward: Decimal = money()
    #: ordered → paid | failed; postponed (never sent: a non-working day); nothing (zero to pay).
    status: str = Field(max_length=12)
    #: The later payment that took over what this one still owed (N art.18); set exactly once.
    carried_into: uuid.UUID | None = None
    ordered_at: datetime = timestamp()
    settled_at: datetime | None = timestamp(nullable=True)
    voucher_no: str | None = Field(default=None, max_length=35)
    reason: str | None = None


sa.Index("payments_to_carry", Payment.admdvs,
         postgresql_where=sa.text("carried_into IS NULL AND (status IN ('postponed', 'failed') "
                                  "OR carried_forward <> 0)"))
