"""The books: accounts, journal entries and their legs, the closed periods; and what accounting heard of the
business (lines, payments, settlements) to check business against finance. PostgreSQL itself refuses an
unbalanced entry, a posting into a closed period and any edit of history (triggers, see the migrations)."""

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


class Account(Table, table=True):
    __tablename__ = "accounts"

    code: str = Field(primary_key=True, max_length=10)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=10)
    parent: str | None = Field(default=None, max_length=10)


class JournalEntry(Table, table=True):
    __tablename__ = "journal_entries"

    entry_id: uuid.UUID = Field(primary_key=True)
    #: The order entries were posted in: the journal's order and its cursor.
    seq: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), unique=True,
                                                                nullable=False))
    #: The event (or request) that caused the entry: each is posted once (the books' idempotency key).
    source_event_id: uuid.UUID = Field(unique=True)
    source_type: str = Field(max_length=60)
    fund: str = Field(max_length=3)
    period: str = Field(max_length=7, index=True)
    entry_date: date
    memo: str
    posted_at: datetime = timestamp()
    admdvs: str | None = Field(default=None, max_length=6)
    #: The payment whose cash the entry books (bank-vs-books check).
    payment_id: uuid.UUID | None = Field(default=None, index=True)
    #: A fund request's reference, an operator's reason: what a person looks the entry up by.
    source_ref: str | None = Field(default=None, max_length=200)
    #: The entry this one reverses (红字冲销): corrections name what they correct; each is reversed once.
    reverses: uuid.UUID | None = Field(default=None, foreign_key="journal_entries.entry_id", unique=True)


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
sa.Index("postings_by_institution_month", Posting.account_code, Posting.fixmedins_code, Posting.aux_period)


class ClosedPeriod(Table, table=True):
    """A month closed for good (结账): the database refuses any entry booked in it."""

    __tablename__ = "closed_periods"

    period: str = Field(primary_key=True, max_length=7)
    closed_at: datetime = timestamp()
    closed_by: str = Field(max_length=100)
    reason: str = Field(max_length=500)


class FundTransfer(Table, table=True):
    """Finance's transfer after a fund request (SX §4), as the operator recorded it."""

    __tablename__ = "fund_transfers"

    reference: str = Field(primary_key=True, max_length=100)
    admdvs: str = Field(max_length=6)
    fund: str = Field(max_length=3)
    period: str = Field(max_length=7)
    amount: Decimal = money()
    value_date: date
    entry_id: uuid.UUID = Field(foreign_key="journal_entries.entry_id")
    recorded_at: datetime = timestamp()
    #: The fund request it answers (SX §4); None for a transfer recorded before requests were.
    request_id: uuid.UUID | None = Field(default=None, foreign_key="fund_requests.request_id")


class FundRequestMade(Table, table=True):
    """A fund request the agency made (``disbursement.fund-requested``, SX §4): what finance's transfers answer."""

    __tablename__ = "fund_requests"

    request_id: uuid.UUID = Field(primary_key=True)
    admdvs: str = Field(max_length=6)
    period: str = Field(max_length=7)
    funds: dict[str, Any] = jsonb()
    requested_by: str = Field(max_length=100)
    requested_at: datetime = timestamp()


class LineFact(Table, table=True):
    """A disbursement line as last published (upserted by line_id: a line that moved batch counts once)."""

    __tablename__ = "line_facts"

    line_id: uuid.UUID = Field(primary_key=True)
    admdvs: str = Field(max_length=6)
    fixmedins_code: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    batch_date: date | None = None
    amount: Decimal = money()


sa.Index("line_facts_by_batch", LineFact.fixmedins_code, LineFact.insutype, LineFact.period, LineFact.batch_date)


class PaymentFact(Table, table=True):
    """One payment as the order, its batches and the bank's answer told it, in whichever order they came."""

    __tablename__ = "payment_facts"

    payment_id: uuid.UUID = Field(primary_key=True)
    admdvs: str | None = Field(default=None, max_length=6)
    fixmedins_code: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    period: str = Field(max_length=7)
    run_id: uuid.UUID | None = None
    run_type: str | None = Field(default=None, max_length=30)
    amount: Decimal | None = money(nullable=True)
    carried_in: Decimal | None = money(nullable=True)
    payment: Decimal | None = money(nullable=True)
    ordered_at: datetime | None = timestamp(nullable=True)
    batch_dates: list[date] | None = Field(default=None, sa_column=sa.Column(ARRAY(sa.Date), nullable=True))
    lines_status: str | None = Field(default=None, max_length=10)
    carried_from: list[Any] | None = jsonb(nullable=True)
    bank_status: str | None = Field(default=None, max_length=10)
    bank_amount: Decimal | None = money(nullable=True)
    voucher_no: str | None = Field(default=None, max_length=35)
    bank_ref: str | None = Field(default=None, max_length=100)
    value_date: date | None = None
    reason: str | None = Field(default=None, max_length=500)
    #: What the books wrote off when it was ordered: a special-cases payment's decided cost, an annual
    #: clearing's net (N art.16-17).
    written_off: Decimal | None = money(nullable=True)
    #: The annual-clearing payment that cleared a special-cases payment's prepaid share (N art.16).
    cleared_by: uuid.UUID | None = None
    #: An annual-clearing payment: the months it clears (carried_from, special_cases_prepaid), so that a
    #: settlement or special-cases payment of one of them heard after it is marked as cleared too.
    clears: dict[str, Any] | None = jsonb(nullable=True)


sa.Index("payment_facts_by_month", PaymentFact.fixmedins_code, PaymentFact.insutype, PaymentFact.period)
sa.Index("payment_facts_by_region", PaymentFact.admdvs, PaymentFact.period)


class SettlementFact(Table, table=True):
    """A monthly settlement line (MonthlySettled) and what the books made of it."""

    __tablename__ = "settlement_facts"

    fixmedins_code: str = Field(primary_key=True, max_length=30)
    insutype: str = Field(primary_key=True, max_length=3)
    period: str = Field(primary_key=True, max_length=7)
    admdvs: str = Field(max_length=6)
    run_id: uuid.UUID
    payable: Decimal = money()
    deductions: Decimal = money()
    deposit_reserved: Decimal = money()
    already_paid: Decimal = money()
    carried_in: Decimal = money()
    net: Decimal = money()
    payment: Decimal = money()
    carried_forward: Decimal = money()
    by_category: dict[str, Any] = jsonb()
    payment_id: uuid.UUID | None = None
    settled_at: datetime = timestamp()
    #: The later month whose settlement netted this month's negative net (SX §3).
    carried_into: str | None = Field(default=None, max_length=7)


class ConsistencyItem(Table, table=True):
    """A difference standing now (recomputed as events arrive): the working state of the check."""

    __tablename__ = "consistency_items"

    admdvs: str = Field(primary_key=True, max_length=6)
    period: str = Field(primary_key=True, max_length=7)
    fixmedins_code: str = Field(primary_key=True, max_length=30)
    insutype: str = Field(primary_key=True, max_length=3)
    kind: str = Field(primary_key=True, max_length=40)
    difference_id: uuid.UUID
    business: Decimal = money()
    bank: Decimal = money()
    books: Decimal = money()
    records: list[Any] = jsonb()


class ConsistencyCheck(Table, table=True):
    """The check of a region's month as last published (accounting.consistency-checked)."""

    __tablename__ = "consistency_checks"

    admdvs: str = Field(primary_key=True, max_length=6)
    period: str = Field(primary_key=True, max_length=7)
    agreed: bool
    digest: str = Field(max_length=64)
    differences: list[Any] = jsonb()
    checked_at: datetime = timestamp()


class ConsistencyExplanation(Table, table=True):
    """An operator's explanation of a difference, for the figures it had then (append-only)."""

    __tablename__ = "consistency_explanations"

    explanation_id: uuid.UUID = Field(primary_key=True)
    difference_id: uuid.UUID = Field(index=True)
    admdvs: str = Field(max_length=6)
    period: str = Field(max_length=7)
    fixmedins_code: str = Field(max_length=30)
    insutype: str = Field(max_length=3)
    kind: str = Field(max_length=40)
    business: Decimal = money()
    bank: Decimal = money()
    books: Decimal = money()
    reason: str = Field(max_length=500)
    explained_by: str = Field(max_length=100)
    explained_at: datetime = timestamp()
