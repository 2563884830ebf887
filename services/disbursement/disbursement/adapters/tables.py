"""Disbursement's tables: what it heard (institutions, settlements and their audit status), the policy
versions, the per-record lines, the runs and the payments they ordered."""

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
    """From ``claims.institution-registered``; the latest version wins."""

    __tablename__ = "institutions"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    fixmedins_name: str = Field(max_length=200)
    admdvs: str = Field(max_length=6, index=True)
    fixmedins_type: str = Field(max_length=2)
    bank_acct: dict[str, Any] = jsonb()
    #: None once the institution's credential is revoked.
    token_hash: str | None = Field(default=None, max_length=64, index=True)
    hosp_lv: str | None = Field(default=None, max_length=10)
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
    #: Four eyes (N art.22): who proposed this version and who, another person, put it in force.
    proposed_by: str | None = Field(default=None, max_length=100)
    approved_by: str | None = Field(default=None, max_length=100)


class PolicyProposal(Table, table=True):
    """A policy change one operator proposed and a second must approve before it is a version in force."""

    __tablename__ = "policy_proposals"
    __table_args__ = (
        sa.CheckConstraint("status IN ('proposed', 'approved', 'rejected')", name="proposal_status"),
        sa.CheckConstraint("decided_by IS NULL OR lower(decided_by) <> lower(proposed_by)", name="four_eyes"),
        sa.Index("proposals_by_region", "admdvs", "proposed_at"),
    )

    proposal_id: uuid.UUID = Field(primary_key=True)
    admdvs: str = Field(max_length=6)
    pack: str = Field(max_length=20)
    effective_from: date
    overrides: dict[str, Any] = jsonb()
    #: The policy as it would resolve, kept so the checker approves exactly what the maker saw.
    body: dict[str, Any] = jsonb()
    proposed_by: str = Field(max_length=100)
    proposed_at: datetime = timestamp()
    #: proposed → approved (a version now) | rejected
    status: str = Field(max_length=10)
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = timestamp(nullable=True)
    reason: str | None = Field(default=None, max_length=500)
    version: int | None = None


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


class Batch(Table, table=True):
    """A daily batch of a region, named by its last calendar day (N art.22): open while lines join it,
    closed by the run that pays it — or by a later run, if its own day was never run."""

    __tablename__ = "batches"

    admdvs: str = Field(primary_key=True, max_length=6)
    batch_date: date = Field(primary_key=True)
    run_id: uuid.UUID | None = None
    closed_at: datetime | None = timestamp(nullable=True)
sa.Index("lines_by_settlement", Line.fixmedins_code, Line.setl_id)


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


class Enrollment(Table, table=True):
    """An institution's place in instant settlement (N art.4, art.21)."""

    __tablename__ = "enrollments"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    admdvs: str = Field(max_length=6)
    state: str = Field(max_length=12)
    #: The paths this institution is paid by (all of the region's when None).
    paths: list[str] | None = Field(default=None, sa_column=sa.Column(JSONB, nullable=True))
    since: datetime = timestamp()


class EnrollmentEvent(Table, table=True):
    __tablename__ = "enrollment_history"

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    fixmedins_code: str = Field(max_length=30, index=True)
    action: str = Field(max_length=12)
    state: str = Field(max_length=12)
    reason: str
    effective_at: datetime = timestamp()
    recorded_at: datetime = timestamp()
    criteria: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(JSONB, nullable=True))


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


class Assessment(Table, table=True):
    """The annual assessment's adjustment to an institution's clearing (年度考核, N art.17, SX §3)."""

    __tablename__ = "assessments"

    admdvs: str = Field(primary_key=True, max_length=6)
    fixmedins_code: str = Field(primary_key=True, max_length=30)
    insutype: str = Field(primary_key=True, max_length=3)
    year: int = Field(primary_key=True)
    adjustment: Decimal = money()
    note: str
    recorded_at: datetime = timestamp()


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


class ConsistencyCheck(Table, table=True):
    """Accounting's latest business-vs-finance check of a region's month (N art.19, art.22)."""

    __tablename__ = "consistency_checks"

    admdvs: str = Field(primary_key=True, max_length=6)
    period: str = Field(primary_key=True, max_length=7)
    agreed: bool
    differences: list[dict[str, Any]] = jsonb()
    checked_at: datetime = timestamp()


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


class RiskMeasure(Table, table=True):
    """A measure audit's operators took on a risk warning (``audit.risk-measure-taken``), as carried out here:
    ``applied`` (a ratio cap, a suspension), ``refused`` (a suspension the enrollment cannot make, with why),
    or ``noted`` (an interview reminder, nothing to carry out)."""

    __tablename__ = "risk_measures"
    __table_args__ = (
        sa.CheckConstraint("measure IN ('interview', 'lower_ratio', 'suspend')", name="risk_measure_kind"),
        sa.CheckConstraint("outcome IN ('applied', 'refused', 'noted')", name="risk_measure_outcome"),
        sa.CheckConstraint("(measure = 'lower_ratio') = (ratio IS NOT NULL AND effective_from IS NOT NULL)",
                           name="risk_measure_cap"),
        sa.Index("risk_measures_by_institution", "fixmedins_code", "taken_at"),
    )

    measure_id: uuid.UUID = Field(primary_key=True)
    warning_id: uuid.UUID
    fixmedins_code: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    measure: str = Field(max_length=12)
    ratio: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(5, 4), nullable=True))
    effective_from: date | None = None
    actor: str = Field(max_length=100)
    reason: str = Field(max_length=500)
    taken_at: datetime = timestamp()
    outcome: str = Field(max_length=10)
    detail: str | None = Field(default=None, max_length=500)
    recorded_at: datetime = timestamp()


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
