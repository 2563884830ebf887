"""An institution as disbursement knows it: its registration, its place in instant settlement (N art.4, art.21),
the risk measures carried out on it and its annual assessment (N art.17)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from disbursement.adapters.tables.base import Table
from shared.columns import jsonb, money, timestamp


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
