"""Audit's tables: each settlement's outcome; the index the cross-record rules read instead of scanning every
record (person × day × item, persons' stays, institutions' averages); the review queue with its append-only
decisions and the deductions; reversals heard; and each region's configuration, version by version."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field

from shared.columns import jsonb, money, table_base, timestamp

Table = table_base()
metadata = Table.metadata


class AuditOutcome(Table, table=True):
    __tablename__ = "audit_outcomes"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    admdvs: str = Field(max_length=6)
    insutype: str = Field(max_length=3)
    psn_no: str = Field(max_length=30)
    business_date: date
    status: str = Field(max_length=12)
    vola_amt: Decimal = money()
    findings: list[dict[str, Any]] = jsonb()
    #: The record as received, kept only when a reviewer will read it (a finding, or the sample chose it).
    record: dict[str, Any] | None = jsonb(nullable=True)
    audited_at: datetime = timestamp()
    sampled: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    #: The seed and share the random sample drew with (N art.13): anyone can draw it again.
    sample_seed: int | None = Field(sa_column=sa.Column(sa.BigInteger, nullable=True))
    sample_share: Decimal | None = Field(sa_column=sa.Column(sa.Numeric(5, 4), nullable=True))
    #: The region's configuration version the record was judged under (0: the defaults).
    config_version: int | None = Field(sa_column=sa.Column(sa.Integer, nullable=True))
    #: The settlement's fund payment and what the risk indicators counted it as (``high_cost``, ``repeat``,
    #: ``late``): a warning lists its records from here.
    fund_pay_sumamt: Decimal | None = money(nullable=True)
    risk_flags: list[str] | None = Field(default=None, sa_column=sa.Column(ARRAY(sa.Text), nullable=True))


class PersonDay(Table, table=True):
    """One settlement's charges on one day of one person: the person × day × item index, one row per
    settlement and day with its items' quantities (``{"110200001": "1"}``), and its kind of care."""

    __tablename__ = "person_days"

    psn_no: str = Field(primary_key=True, max_length=30)
    fee_date: date = Field(primary_key=True)
    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    med_type: str = Field(max_length=6)
    items: dict[str, str] = jsonb()


class InpatientStay(Table, table=True):
    """A person's inpatient stay as a date range, for overlapping stays, outpatient visits during a stay and
    readmissions."""

    __tablename__ = "inpatient_stays"
    __table_args__ = (sa.Index("inpatient_stays_by_person", "psn_no", "dscg_date"),)

    psn_no: str = Field(primary_key=True, max_length=30)
    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    adm_date: date
    dscg_date: date
    main_dise: str | None = Field(default=None, max_length=20)


class InstitutionAverage(Table, table=True):
    """An institution's running count and total cost per kind of care: its average per settlement."""

    __tablename__ = "institution_averages"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    med_type: str = Field(primary_key=True, max_length=6)
    records: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    medfee_sumamt: Decimal = Field(sa_column=sa.Column(sa.Numeric(20, 2), nullable=False))


class FindingRow(Table, table=True):
    """What the review queue holds for one settlement (its rule findings judged together)."""

    __tablename__ = "findings"
    __table_args__ = (
        sa.UniqueConstraint("fixmedins_code", "setl_id", name="findings_one_per_settlement"),
        sa.Index("findings_queue", "status", "seq"),
        sa.Index("findings_by_region", "admdvs", "status", "seq"),
        sa.Index("findings_by_institution", "fixmedins_code", "status", "seq"),
    )

    finding_id: uuid.UUID = Field(primary_key=True)
    seq: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(), nullable=False, unique=True))
    fixmedins_code: str = Field(max_length=30)
    setl_id: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    insutype: str = Field(max_length=3)
    psn_no: str = Field(max_length=30)
    business_date: date
    period: str = Field(max_length=7)
    kind: str = Field(max_length=12)
    status: str = Field(max_length=12)
    vola_amt: Decimal = money()
    fund_pay_sumamt: Decimal = money()
    rule_ids: list[str] = Field(sa_column=sa.Column(ARRAY(sa.Text), nullable=False))
    created_at: datetime = timestamp()
    decided_at: datetime | None = timestamp(nullable=True)
    confirmed_amt: Decimal | None = money(nullable=True)


class FindingDecision(Table, table=True):
    """Each decision on a finding, appended, never changed (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "finding_decisions"

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    finding_id: uuid.UUID = Field(foreign_key="findings.finding_id", index=True)
    decision: str = Field(max_length=12)
    amount: Decimal | None = money(nullable=True)
    reviewer: str = Field(max_length=100)
    reason: str = Field(max_length=1000)
    decided_at: datetime = timestamp()


class Deduction(Table, table=True):
    """A confirmed violation to deduct in the monthly settlement (月度抵扣); published once."""

    __tablename__ = "deductions"
    __table_args__ = (sa.Index("deductions_by_institution", "fixmedins_code", "period"),)

    deduction_id: uuid.UUID = Field(primary_key=True)
    finding_id: uuid.UUID = Field(foreign_key="findings.finding_id", unique=True)
    fixmedins_code: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    setl_id: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    amount: Decimal = money()
    rule_ids: list[str] = Field(sa_column=sa.Column(ARRAY(sa.Text), nullable=False))
    source: str = Field(max_length=12)
    confirmed_at: datetime = timestamp()


class Reversal(Table, table=True):
    """A settlement claims reversed (结算撤销): never deducted."""

    __tablename__ = "reversals"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    reason: str = Field(max_length=500)
    reversed_at: datetime = timestamp()


class AuditConfigVersion(Table, table=True):
    """A region's audit configuration, one row per version; the highest version is in force."""

    __tablename__ = "audit_config_versions"

    admdvs: str = Field(primary_key=True, max_length=6)
    version: int = Field(primary_key=True)
    config: dict[str, Any] = jsonb()
    created_at: datetime = timestamp()


class RiskDay(Table, table=True):
    """An institution's day as the risk indicators count it, grown as its records are audited."""

    __tablename__ = "risk_days"
    __table_args__ = (sa.Index("risk_days_by_region", "admdvs", "day"),)

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    day: date = Field(primary_key=True)
    admdvs: str = Field(max_length=6)
    records: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    fund_pay: Decimal = money()
    high_cost: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, server_default="0"))
    repeats: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, server_default="0"))
    late: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, server_default="0"))
    violations: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, server_default="0"))
    reversals: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, server_default="0"))


class RiskConfigVersion(Table, table=True):
    """A region's risk indicators, one row per version; the highest is in force."""

    __tablename__ = "risk_config_versions"

    admdvs: str = Field(primary_key=True, max_length=6)
    version: int = Field(primary_key=True)
    config: dict[str, Any] = jsonb()
    changed_by: str = Field(max_length=100)
    created_at: datetime = timestamp()


class RiskWarning(Table, table=True):
    """A warning on one institution's day and indicator; raised once, turned red at most once."""

    __tablename__ = "risk_warnings"
    __table_args__ = (
        sa.UniqueConstraint("fixmedins_code", "day", "indicator", name="risk_warnings_one_per_day_indicator"),
        sa.Index("risk_warnings_by_region", "admdvs", "status", "seq"),
    )

    warning_id: uuid.UUID = Field(primary_key=True)
    seq: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(), nullable=False, unique=True))
    fixmedins_code: str = Field(max_length=30)
    admdvs: str = Field(max_length=6)
    day: date
    indicator: str = Field(max_length=30)
    basis: str = Field(max_length=12)
    level: str = Field(max_length=6)
    value: Decimal = Field(sa_column=sa.Column(sa.Numeric(24, 4), nullable=False))
    figure: Decimal = Field(sa_column=sa.Column(sa.Numeric(24, 4), nullable=False))
    reference: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(24, 4), nullable=True))
    threshold: Decimal = Field(sa_column=sa.Column(sa.Numeric(24, 4), nullable=False))
    records: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    config_version: int
    status: str = Field(max_length=10, default="open")
    raised_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class RiskMeasure(Table, table=True):
    """An operator's measure on a warning, appended, never changed (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "risk_measures"

    measure_id: uuid.UUID = Field(primary_key=True)
    warning_id: uuid.UUID = Field(foreign_key="risk_warnings.warning_id", index=True)
    measure: str = Field(max_length=12)
    ratio: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(5, 4), nullable=True))
    effective_from: date | None = None
    actor: str = Field(max_length=100)
    reason: str = Field(max_length=500)
    taken_at: datetime = timestamp()
