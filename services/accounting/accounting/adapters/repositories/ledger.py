"""The books' repository: post entries (once per source), closed periods, and the questions reports ask."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import case, func, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounting.adapters.tables import ClosedPeriod, FundRequestMade, FundTransfer, JournalEntry, Posting
from accounting.domain.chart import ADVANCE
from accounting.domain.entries import Entry, Leg
from accounting.domain.year_end import CLEARED, SPECIAL_SETTLED

# The order of unnest's columns is the order of the arrays; ON CONFLICT keeps each source posted once.
_INSERT_HEADS = text(
    "INSERT INTO journal_entries (entry_id, source_event_id, source_type, fund, period, entry_date, memo, posted_at, "
    "admdvs, payment_id, source_ref, reverses) SELECT e, s, t, f, p, d, m, :posted_at, a, pay, r, rev FROM unnest("
    "CAST(:entry_id AS uuid[]), CAST(:source_event_id AS uuid[]), CAST(:source_type AS text[]), "
    "CAST(:fund AS text[]), CAST(:period AS text[]), CAST(:entry_date AS date[]), CAST(:memo AS text[]), "
    "CAST(:admdvs AS text[]), CAST(:payment_id AS uuid[]), CAST(:source_ref AS text[]), "
    "CAST(:reverses AS uuid[])) AS x(e, s, t, f, p, d, m, a, pay, r, rev) "
    "ON CONFLICT (source_event_id) DO NOTHING RETURNING entry_id")
_INSERT_LEGS = text(
    "INSERT INTO postings (entry_id, account_code, side, amount, fund, period, fixmedins_code, aux_period) "
    "SELECT * FROM unnest(CAST(:entry_id AS uuid[]), CAST(:account_code AS text[]), CAST(:side AS text[]), "
    "CAST(:amount AS numeric[]), CAST(:fund AS text[]), CAST(:period AS text[]), "
    "CAST(:fixmedins_code AS text[]), CAST(:aux_period AS text[]))")
_DEBIT = case((Posting.side == "D", Posting.amount), else_=0)
_CREDIT = case((Posting.side == "C", Posting.amount), else_=0)


@dataclass(frozen=True)
class Source:
    """What caused an entry: its idempotency key and what it is looked up by."""

    event_id: uuid.UUID
    type: str
    admdvs: str | None = None
    payment_id: uuid.UUID | None = None
    ref: str | None = None
    reverses: uuid.UUID | None = None

    @cached_property
    def entry_id(self) -> uuid.UUID:
        return uuid.uuid5(self.event_id, "entry")


@dataclass(frozen=True)
class Posted:
    entry_id: uuid.UUID
    seq: int
    source_type: str
    source_ref: str | None
    admdvs: str | None
    payment_id: uuid.UUID | None
    reverses: uuid.UUID | None
    posted_at: datetime
    entry: Entry


class Ledger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        #: The periods this unit of work booked entries in (none of them may close in the same transaction).
        self.posted_periods: set[str] = set()

    async def post(self, entry: Entry, *, source_event_id: uuid.UUID, source_type: str) -> bool:
        """Write the entry once per source event; False if that event was posted already."""
        return bool(await self.post_many([(entry, Source(source_event_id, source_type))]))

    async def post_many(self, entries: Sequence[tuple[Entry, Source]]) -> list[uuid.UUID]:
        """Write entries in two statements (their heads, then every leg), each a column of arrays: one bind
        whatever the batch's size, no per-row work in the ORM. Each source once; returns the ids of the entries
        written now. The database checks each entry's balance and period at commit."""
        if not entries:
            return []
        now = datetime.now(UTC)
        ids = [s.entry_id for _, s in entries]
        heads = {"entry_id": ids, "source_event_id": [s.event_id for _, s in entries],
                 "source_type": [s.type for _, s in entries], "fund": [e.fund for e, _ in entries],
                 "period": [e.period for e, _ in entries], "entry_date": [e.entry_date for e, _ in entries],
                 "memo": [e.memo for e, _ in entries], "admdvs": [s.admdvs for _, s in entries],
                 "payment_id": [s.payment_id for _, s in entries], "source_ref": [s.ref for _, s in entries],
                 "reverses": [s.reverses for _, s in entries]}
        written = set((await self._session.execute(_INSERT_HEADS, {**heads, "posted_at": now})).scalars())
        legs = [(entry_id, e, leg) for entry_id, (e, _) in zip(ids, entries, strict=True) if entry_id in written
                for leg in e.legs]
        if legs:
            await self._session.execute(_INSERT_LEGS, {
                "entry_id": [i for i, _, _ in legs], "account_code": [leg.account for _, _, leg in legs],
                "side": [leg.side for _, _, leg in legs], "amount": [leg.amount for _, _, leg in legs],
                "fund": [e.fund for _, e, _ in legs], "period": [e.period for _, e, _ in legs],
                "fixmedins_code": [leg.fixmedins_code for _, _, leg in legs],
                "aux_period": [leg.aux_period for _, _, leg in legs]})
        self.posted_periods.update(e.period for e, s in entries if s.entry_id in written)
        return [i for i in ids if i in written]

    # periods -------------------------------------------------------------------------------------------

    async def closed_periods(self) -> set[str]:
        return set((await self._session.execute(select(ClosedPeriod.period))).scalars())

    async def close_period(self, period: str, *, closed_by: str, reason: str) -> bool:
        statement = insert(ClosedPeriod).values(period=period, closed_at=datetime.now(UTC), closed_by=closed_by,
                                                reason=reason).on_conflict_do_nothing().returning(ClosedPeriod.period)
        return (await self._session.execute(statement)).first() is not None

    async def closed_period(self, period: str) -> ClosedPeriod | None:
        return await self._session.get(ClosedPeriod, period)

    # fund transfers ------------------------------------------------------------------------------------

    async def fund_transfer(self, reference: str) -> FundTransfer | None:
        return await self._session.get(FundTransfer, reference)

    async def add_fund_transfer(self, row: dict[str, Any]) -> None:
        await self._session.execute(insert(FundTransfer).values(**row))

    async def add_fund_requests(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(FundRequestMade).on_conflict_do_nothing(), rows)

    async def fund_request(self, request_id: uuid.UUID, *, for_update: bool = False) -> FundRequestMade | None:
        return await self._session.get(FundRequestMade, request_id, with_for_update=for_update)

    async def transfers_answering(self, request_id: uuid.UUID) -> list[FundTransfer]:
        statement = select(FundTransfer).where(FundTransfer.request_id == request_id).order_by(FundTransfer.value_date)
        return list((await self._session.execute(statement)).scalars())

    # reading -------------------------------------------------------------------------------------------

    async def balances(self, *, period: str | None, fund: str | None) -> Sequence[tuple[str, str, Decimal, Decimal]]:
        """(account, fund, debits, credits), for everything posted up to and including ``period``."""
        debit, credit = func.coalesce(func.sum(_DEBIT), 0), func.coalesce(func.sum(_CREDIT), 0)
        statement = select(Posting.account_code, Posting.fund, debit, credit).group_by(
            Posting.account_code, Posting.fund).order_by(Posting.fund, Posting.account_code)
        if period is not None:
            statement = statement.where(Posting.period <= period)
        if fund is not None:
            statement = statement.where(Posting.fund == fund)
        return [tuple(row) for row in await self._session.execute(statement)]  # type: ignore[misc]

    async def movements(self, *, period: str, fund: str | None) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        """(account, fund) → (debits, credits) booked in ``period`` alone."""
        statement = select(Posting.account_code, Posting.fund, func.sum(_DEBIT), func.sum(_CREDIT)).where(
            Posting.period == period).group_by(Posting.account_code, Posting.fund)
        if fund is not None:
            statement = statement.where(Posting.fund == fund)
        return {(a, f): (Decimal(d), Decimal(c)) for a, f, d, c in await self._session.execute(statement)}

    async def journal(self, *, period: str | None, fund: str | None, account: str | None,
                      fixmedins_code: str | None, after: int | None, limit: int) -> list[Posted]:
        """Entries in the order they were posted, those with a leg on ``account`` (or its details) or for the
        institution when asked."""
        statement = select(JournalEntry).order_by(JournalEntry.seq).limit(limit)
        if period is not None:
            statement = statement.where(JournalEntry.period == period)
        if fund is not None:
            statement = statement.where(JournalEntry.fund == fund)
        if after is not None:
            statement = statement.where(JournalEntry.seq > after)  # type: ignore[operator]
        if account is not None or fixmedins_code is not None:
            legs = select(Posting.entry_id)
            if account is not None:
                legs = legs.where(Posting.account_code.startswith(account))  # type: ignore[attr-defined]
            if fixmedins_code is not None:
                legs = legs.where(Posting.fixmedins_code == fixmedins_code)
            statement = statement.where(JournalEntry.entry_id.in_(legs))  # type: ignore[attr-defined]
        heads = list((await self._session.execute(statement)).scalars())
        return await self._with_legs(heads)

    async def entry(self, entry_id: uuid.UUID) -> Posted | None:
        head = await self._session.get(JournalEntry, entry_id)
        return (await self._with_legs([head]))[0] if head is not None else None

    async def reversal_of(self, entry_id: uuid.UUID) -> Posted | None:
        head = (await self._session.execute(select(JournalEntry).where(JournalEntry.reverses == entry_id))).scalar()
        return (await self._with_legs([head]))[0] if head is not None else None

    async def _with_legs(self, heads: list[JournalEntry]) -> list[Posted]:
        if not heads:
            return []
        rows = await self._session.execute(select(Posting).where(
            Posting.entry_id.in_([h.entry_id for h in heads])).order_by(Posting.id))  # type: ignore[attr-defined]
        legs: dict[uuid.UUID, list[Leg]] = {}
        for p in rows.scalars():
            legs.setdefault(p.entry_id, []).append(Leg(p.account_code, p.side, p.amount,  # type: ignore[arg-type]
                                                       p.fixmedins_code, p.aux_period))
        return [Posted(h.entry_id, h.seq or 0, h.source_type, h.source_ref, h.admdvs, h.payment_id, h.reverses,
                       h.posted_at, Entry(h.fund, h.period, h.entry_date, h.memo, tuple(legs.get(h.entry_id, []))))
                for h in heads]

    async def ledger_lines(self, *, account: str, period: str | None, fund: str | None,
                           fixmedins_code: str | None) -> tuple[Decimal, list[dict[str, Any]]]:
        """The general ledger of an account (and its details): the balance brought forward (debit − credit)
        and, in posting order, each leg of the period with its entry."""
        where = [Posting.account_code.startswith(account)]  # type: ignore[attr-defined]
        if fund is not None:
            where.append(Posting.fund == fund)
        if fixmedins_code is not None:
            where.append(Posting.fixmedins_code == fixmedins_code)
        opening = Decimal(0)
        if period is not None:
            before = select(func.coalesce(func.sum(_DEBIT - _CREDIT), 0)).where(*where, Posting.period < period)
            opening = Decimal((await self._session.execute(before)).scalar_one())
            where.append(Posting.period == period)
        statement = (select(Posting, JournalEntry.seq, JournalEntry.entry_date, JournalEntry.memo,
                            JournalEntry.source_type)
                     .join(JournalEntry, JournalEntry.entry_id == Posting.entry_id)
                     .where(*where).order_by(JournalEntry.seq, Posting.id))
        lines = [{"entry_id": p.entry_id, "account": p.account_code, "side": p.side, "amount": p.amount,
                  "fund": p.fund, "period": p.period, "fixmedins_code": p.fixmedins_code, "aux_period": p.aux_period,
                  "seq": seq, "entry_date": day, "memo": memo, "source_type": source}
                 for p, seq, day, memo, source in await self._session.execute(statement)]
        return opening, lines

    async def advance_sub_ledger(self, *, fund: str | None, fixmedins_code: str | None,
                                 period: str | None) -> list[dict[str, Any]]:
        """暂付款—即时结算预拨 per fund, institution and month: advanced by payments, written off by
        settlements, special cases and the annual clearing, moved by carries and reversals, and what stays open."""
        where = [Posting.account_code == ADVANCE]
        if fund is not None:
            where.append(Posting.fund == fund)
        if fixmedins_code is not None:
            where.append(Posting.fixmedins_code == fixmedins_code)
        if period is not None:
            where.append(Posting.aux_period == period)
        from_payments = JournalEntry.source_type == "bankgateway.payment-confirmed"
        from_settlements = JournalEntry.source_type.in_(  # type: ignore[attr-defined]
            ("disbursement.monthly-settled", SPECIAL_SETTLED, CLEARED))
        statement = (
            select(Posting.fund, Posting.fixmedins_code, Posting.aux_period,
                   func.sum(case((from_payments, _DEBIT - _CREDIT), else_=0)),
                   func.sum(case((from_settlements, _CREDIT - _DEBIT), else_=0)),
                   func.sum(case((or_(from_payments, from_settlements), 0), else_=_DEBIT - _CREDIT)),
                   func.sum(_DEBIT - _CREDIT))
            .join(JournalEntry, JournalEntry.entry_id == Posting.entry_id).where(*where)
            .group_by(Posting.fund, Posting.fixmedins_code, Posting.aux_period)
            .order_by(Posting.fund, Posting.fixmedins_code, Posting.aux_period))
        return [{"fund": f, "fixmedins_code": c, "period": p, "advanced": Decimal(a), "written_off": Decimal(w),
                 "other": Decimal(o), "open": Decimal(b)} for f, c, p, a, w, o, b in await self._session.execute(statement)]

    async def account_balance(self, account: str, fund: str | None) -> Decimal:
        statement = select(func.coalesce(func.sum(_DEBIT - _CREDIT), 0)).where(Posting.account_code == account)
        if fund is not None:
            statement = statement.where(Posting.fund == fund)
        return Decimal((await self._session.execute(statement)).scalar_one())

    # what the consistency check and the settlement need ------------------------------------------------

    async def advance_balances(self, months: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], Decimal]:
        """(institution, fund, month) → the balance of 暂付款—即时结算预拨 (debit − credit)."""
        keys = list(set(months))
        if not keys:
            return {}
        statement = (select(Posting.fixmedins_code, Posting.fund, Posting.aux_period, func.sum(_DEBIT - _CREDIT))
                     .where(Posting.account_code == ADVANCE,
                            tuple_(Posting.fixmedins_code, Posting.fund, Posting.aux_period).in_(keys))
                     .group_by(Posting.fixmedins_code, Posting.fund, Posting.aux_period))
        return {(c, f, p): Decimal(b) for c, f, p, b in await self._session.execute(statement)}

    async def booked_for_payments(self, payment_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
        """Per payment, the cash the books debited to the advance for it (a reversal names the same payment,
        so this is net of reversals)."""
        ids = list(set(payment_ids))
        if not ids:
            return {}
        statement = (select(JournalEntry.payment_id, func.sum(_DEBIT - _CREDIT))
                     .select_from(Posting).join(JournalEntry, JournalEntry.entry_id == Posting.entry_id)
                     .where(Posting.account_code == ADVANCE,
                            JournalEntry.payment_id.in_(ids))  # type: ignore[union-attr]
                     .group_by(JournalEntry.payment_id))
        return {p: Decimal(b) for p, b in await self._session.execute(statement)}

    async def entries_of_sources(self, source_event_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        ids = list(source_event_ids)
        if not ids:
            return set()
        statement = select(JournalEntry.source_event_id).where(
            JournalEntry.source_event_id.in_(ids))  # type: ignore[attr-defined]
        return set((await self._session.execute(statement)).scalars())

