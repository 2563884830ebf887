"""The per-record lines, the daily batches and runs, the payments they ordered and what the bank did with them,
the fund requests to finance, accounting's checks and the care-to-cash figures."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from disbursement.adapters.tables.base import Table
from shared.columns import jsonb, money, timestamp


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
    #: "record", or "reversal": the negative of a line whose settlement was cancelled (N art.10).
    kind: str = Field(default="record", max_length=10)
    #: The daily batch that pays it, named by the batch's last day (open_batch); None once a monthly
    #: settlement took it in instead. Set when the line is computed, so a run only sums its batch: a million
    #: lines are paid without a million updates.
    batch_date: date | None = None

sa.Index("lines_by_batch", Line.admdvs, Line.batch_date, Line.fixmedins_code)

sa.Index("lines_by_settlement", Line.fixmedins_code, Line.setl_id)


class Batch(Table, table=True):
    """A daily batch of a region, named by its last calendar day (N art.22): open while lines join it,
    closed by the run that pays it — or by a later run, if its own day was never run."""

    __tablename__ = "batches"

    admdvs: str = Field(primary_key=True, max_length=6)
    batch_date: date = Field(primary_key=True)
    run_id: uuid.UUID | None = None
    closed_at: datetime | None = timestamp(nullable=True)


class Run(Table, table=True):
    __tablename__ = "runs"
    __table_args__ = (sa.UniqueConstraint("run_type", "admdvs", "run_key"),
                      sa.CheckConstraint("signed_by IS NULL OR prepared_by IS NULL OR "
                                         "lower(signed_by) <> lower(prepared_by)", name="run_four_eyes"),
                      sa.Index("runs_by_batch", "admdvs", "batch_date", unique=True,
                               postgresql_where=sa.text("batch_date IS NOT NULL")))

    run_id: uuid.UUID = Field(primary_key=True)
    run_type: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    #: The business date or the period the run is for: what makes it idempotent.
    run_key: str = Field(max_length=10)
    policy_version: int
    #: computed (awaiting an operator's signature) → ordered | postponed.
    status: str = Field(max_length=20)
    due_date: date
    computed_at: datetime = timestamp()
    #: Who asked for the run (maker); whoever signs must be someone else (checker). None: a machine with the
    #: operator token that named no one.
    prepared_by: str | None = Field(default=None, max_length=100)
    signed_by: str | None = Field(default=None, max_length=100)
    signed_at: datetime | None = timestamp(nullable=True)
    #: A daily run's batch (its last calendar day): the lines whose batch_date it is are this run's.
    batch_date: date | None = None
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
    run_type: str = Field(default="daily-disbursement", max_length=30)
    admdvs: str = Field(max_length=6)
    fixmedins_code: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    records: int
    amount: Decimal = money()
    carried_in: Decimal = money()
    payment: Decimal = money()
    carried_forward: Decimal = money()
    #: computed (awaiting signature) → ordered → paid | failed; postponed (a non-working day's batch);
    #: held (the institution is suspended); nothing (zero to pay).
    status: str = Field(max_length=12)
    #: What the run type adds: base and ratio of a prepayment; payable, deductions, deposit, already paid and
    #: categories of a monthly settlement; the parts of an annual clearing.
    details: dict[str, Any] = jsonb()
    #: The later payment that took over what this one still owed (N art.18); set exactly once.
    carried_into: uuid.UUID | None = None
    ordered_at: datetime = timestamp()
    settled_at: datetime | None = timestamp(nullable=True)
    voucher_no: str | None = Field(default=None, max_length=35)
    reason: str | None = None


sa.Index("payments_to_carry", Payment.admdvs,
         postgresql_where=sa.text("carried_into IS NULL AND (status IN ('postponed', 'failed', 'held') "
                                  "OR carried_forward <> 0)"))
sa.Index("payments_by_institution", Payment.fixmedins_code, Payment.period)
#: Care to cash walks back from a paid payment to every one carried into it.
sa.Index("payments_carried_into", Payment.carried_into, postgresql_where=sa.text("carried_into IS NOT NULL"))


class FundRequest(Table, table=True):
    """A fund request made to finance (请款, SX §4): once per region and month, with what it asked per fund."""

    __tablename__ = "fund_requests"
    __table_args__ = (sa.UniqueConstraint("admdvs", "period", name="one_request_per_region_month"),)

    request_id: uuid.UUID = Field(primary_key=True)
    admdvs: str = Field(max_length=6)
    period: str = Field(max_length=7)
    funds: dict[str, Any] = jsonb()
    request_by: date | None = None
    requested_by: str = Field(max_length=100)
    requested_at: datetime = timestamp()
    policy_version: int


class ConsistencyCheck(Table, table=True):
    """Accounting's latest business-vs-finance check of a region's month (N art.19, art.22)."""

    __tablename__ = "consistency_checks"

    admdvs: str = Field(primary_key=True, max_length=6)
    period: str = Field(primary_key=True, max_length=7)
    agreed: bool
    differences: list[dict[str, Any]] = jsonb()
    checked_at: datetime = timestamp()


class CareToCash(Table, table=True):
    """Care to cash (从结算到回款): how many records of a business date one paid payment brought to the
    institution, and after how many days. Written in the transaction that hears the bank's receipt, once per
    payment, so the report and ``/metrics`` read a small table instead of joining lines to payments."""

    __tablename__ = "care_to_cash"

    payment_id: uuid.UUID = Field(primary_key=True)
    business_date: date = Field(primary_key=True)
    admdvs: str = Field(max_length=6)
    fixmedins_code: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    #: The receipt's day in Beijing.
    paid_on: date
    days: int
    records: int

sa.Index("care_to_cash_by_region", CareToCash.admdvs, CareToCash.business_date)

sa.Index("care_to_cash_by_paid_on", CareToCash.paid_on)
