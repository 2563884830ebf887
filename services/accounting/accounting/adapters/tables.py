"""The books: accounts, journal entries and their legs. PostgreSQL itself refuses an unbalanced entry (a
deferred constraint trigger, see the migration), a non-positive leg and a side that is neither D nor C."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from shared.columns import money, table_base, timestamp

Table = table_base()
metadata = Table.metadata


class Account(Table, table=True):
    __tablename__ = "accounts"

    code: str = Field(primary_key=True, max_length=10)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=10)
    parent: str | None = Field(default=None, max_length=10)


class JournalEntry(Table, table=True):
    __tablename__ = "journal_entries"

    entry_id: uuid.UUID = Field(primary_key=True)
    #: The event that caused the entry: each event is posted once (the books' idempotency key).
    source_event_id: uuid.UUID = Field(unique=True)
    source_type: str = Field(max_length=60)
    fund: str = Field(max_length=3)
    period: str = Field(max_length=7, index=True)
    entry_date: date
    memo: str
    posted_at: datetime = timestamp()


class Posting(Table, table=True):
    __tablename__ = "postings"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="leg_amount_positive"),
        sa.CheckConstraint("side IN ('D', 'C')", name="leg_side_is_debit_or_credit"),
    )

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    entry_id: uuid.UUID = Field(foreign_key="journal_entries.entry_id", index=True)
    account_code: str = Field(foreign_key="accounts.code", max_length=10)
    side: str = Field(max_length=1)
    amount: Decimal = money()
    fund: str = Field(max_length=3)
    period: str = Field(max_length=7)
    fixmedins_code: str | None = Field(default=None, max_length=30)
    aux_period: str | None = Field(default=None, max_length=7)


sa.Index("postings_by_account_period", Posting.account_code, Posting.fund, Posting.period)
