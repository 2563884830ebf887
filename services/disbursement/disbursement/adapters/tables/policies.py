"""A region's policy versions and the proposals waiting for a second operator's approval."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from disbursement.adapters.tables.base import Table
from shared.columns import jsonb, timestamp


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
