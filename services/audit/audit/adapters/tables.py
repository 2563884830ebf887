"""Audit's tables: each settlement's outcome, and an index of charges per person and day that the
cross-record rules read instead of scanning every record."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
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
    record: dict[str, Any] = jsonb()
    audited_at: datetime = timestamp()


class DailyCharge(Table, table=True):
    """One fee line of one person on one day: what "the same item twice the same day" is checked against."""

    __tablename__ = "daily_charges"

    psn_no: str = Field(primary_key=True, max_length=30)
    fee_date: date = Field(primary_key=True)
    med_list_codg: str = Field(primary_key=True, max_length=50)
    fixmedins_code: str = Field(primary_key=True, max_length=30)
    setl_id: str = Field(primary_key=True, max_length=30)
    feedetl_sn: str = Field(primary_key=True, max_length=30)
    cnt: Decimal = Field(sa_column=sa.Column(sa.Numeric(16, 4), nullable=False))
