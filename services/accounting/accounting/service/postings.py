"""Postings from events, each once (N art.19: business and accounting agree at every point), and the facts
the business-vs-finance check compares. Every handler gets a batch inside the consumer's unit of work; the
months it touched are checked again just before that unit of work commits."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from accounting.adapters.repositories import Source
from accounting.domain.entries import Entry, Unbalanced, advance_paid
from accounting.domain.periods import booking_period, business_day
from accounting.domain.settlement import SettlementFigures, monthly_settled, negative_carried
from accounting.domain.year_end import (
    CLEARED,
    SPECIAL_SETTLED,
    ClearingItems,
    annual_cleared,
    special_cases_settled,
)
from accounting.service.uow import AccountingUnitOfWork
from shared.contracts import topics
from shared.contracts.events import (
    FundRequested,
    LineComputed,
    LinesOrdered,
    MonthlySettled,
    PaymentConfirmed,
    PaymentOrdered,
    PaymentRejected,
)
from shared.messaging.consumer import PoisonEvent
from shared.messaging.envelope import Event, reader
from shared.money import ZERO

_KEYS = uuid.UUID("5d0f3b8e-2a41-4c7e-8b6a-1f9e0c7d4a22")
#: What each run's payment is, in the words of the memo (its purpose on the voucher).
_RUNS = {"daily-disbursement": "日拨付", "monthly-prepayment": "按月预拨", "monthly-settlement": "月结算拨付",
         "special-cases": "特例单议拨付", "annual-clearing": "年度清算拨付"}


def source_key(*parts: object) -> uuid.UUID:
    """The idempotency key of a posting: the business fact it books, so that even the same fact published
    twice under two event ids is booked once."""
    return uuid.uuid5(_KEYS, "|".join(str(p) for p in parts))


async def post_payments_confirmed(events: list[Event[PaymentConfirmed]], uow: AccountingUnitOfWork) -> None:
    """The bank paid (回单): Dr 暂付款—即时结算预拨 (institution × the payment's month) / Cr 支出户存款, whatever
    run ordered it (SX §5, ZJ §5); the settlement writes the month off later."""
    closed = await uow.ledger.closed_periods()
    known = {p.payment_id: p for p in await uow.facts.payments_of(
        (e.payload.fixmedins_code, e.payload.insutype, e.payload.period) for e in events)}
    entries = []
    for event in events:
        p = event.payload
        run_type = known[p.payment_id].run_type if p.payment_id in known else None
        entry = advance_paid(fund=p.insutype, value_date=p.value_date, amount=p.amount,
                             fixmedins_code=p.fixmedins_code, advance_period=p.period, voucher_no=p.voucher_no,
                             booked_in=booking_period(p.value_date, closed), what=_RUNS.get(run_type or "", "即时结算预拨"))
        entries.append((entry, Source(source_key("paid", p.payment_id), topics.PAYMENT_CONFIRMED.name,
                                      admdvs=p.admdvs, payment_id=p.payment_id, ref=p.voucher_no)))
        if run_type == "monthly-settlement":
            uow.settling.add(p.period)
    await uow.ledger.post_many(entries)
    await uow.facts.merge_payments([_bank(e.payload, "confirmed") | {"value_date": e.payload.value_date}
                                    for e in events], ["bank_status", "bank_amount", "voucher_no", "bank_ref",
                                                       "value_date"])
    uow.touched.update((e.payload.fixmedins_code, e.payload.insutype, e.payload.period) for e in events)


async def on_funds_requested(events: list[Event[FundRequested]], uow: AccountingUnitOfWork) -> None:
    """请款 (SX §4): the requests finance's transfers will answer; nothing is posted until the money moves."""
    await uow.ledger.add_fund_requests([{
        "request_id": e.payload.request_id, "admdvs": e.payload.admdvs, "period": e.payload.period,
        "funds": {fund: f"{amount:.2f}" for fund, amount in e.payload.funds.items()},
        "requested_by": e.payload.requested_by, "requested_at": e.payload.requested_at} for e in events])


async def on_payments_rejected(events: list[Event[PaymentRejected]], uow: AccountingUnitOfWork) -> None:
    """A rejected payment posts nothing: disbursement carries it into a later payment (N art.18)."""
    await uow.facts.merge_payments([_bank(e.payload, "rejected") | {"reason": f"{e.payload.reason_code} "
                                                                              f"{e.payload.reason}"[:500]}
                                    for e in events], ["bank_status", "voucher_no", "bank_ref", "reason"])
    uow.touched.update((e.payload.fixmedins_code, e.payload.insutype, e.payload.period) for e in events)


def _bank(p: PaymentConfirmed | PaymentRejected, status: str) -> dict[str, Any]:
    return {"payment_id": p.payment_id, "admdvs": p.admdvs, "fixmedins_code": p.fixmedins_code,
            "insutype": p.insutype, "period": p.period, "bank_status": status, "bank_amount": p.amount,
            "voucher_no": p.voucher_no, "bank_ref": p.bank_ref}


async def on_payments_ordered(events: list[Event[PaymentOrdered]], uow: AccountingUnitOfWork) -> None:
    """What each payment is (which run, for how much): the bank's receipt does not say. A special-cases or
    annual-clearing payment also writes off what it settles (N art.16-17, see ``domain.year_end``)."""
    entries, written_off = await _year_end_entries([e.payload for e in events], uow)
    await uow.facts.merge_payments([
        {"payment_id": p.payment_id, "admdvs": p.admdvs, "fixmedins_code": p.fixmedins_code, "insutype": p.insutype,
         "period": p.period, "run_id": p.run_id, "run_type": p.run_type, "amount": p.amount,
         "carried_in": p.carried_in, "payment": p.payment, "ordered_at": p.ordered_at,
         "written_off": written_off.get(p.payment_id),
         "clears": None if p.clearing is None else p.clearing.model_dump(mode="json")}
        for p in (e.payload for e in events)],
        ["run_id", "run_type", "amount", "carried_in", "payment", "ordered_at", "written_off", "clears"])
    for p in (e.payload for e in events):
        if p.run_type == "special-cases":  # heard after the clearing that cleared its prepaid share
            cleared = await uow.facts.clearing_of(p.fixmedins_code, p.insutype, p.period)
            if cleared is not None:
                await uow.facts.mark_cleared(p.fixmedins_code, p.insutype, [p.period], cleared[0])
    await uow.ledger.post_many(entries)
    uow.touched.update((e.payload.fixmedins_code, e.payload.insutype, e.payload.period) for e in events)
    uow.settling.update(e.payload.period for e in events if e.payload.run_type == "monthly-settlement")


async def _year_end_entries(payments: list[PaymentOrdered], uow: AccountingUnitOfWork
                            ) -> tuple[list[tuple[Entry, Source]], dict[uuid.UUID, Decimal]]:
    """The write-offs of special-cases and annual-clearing payments, and per payment what it wrote off. They
    carry no payment id: they are not cash, and the bank-vs-books check sums the cash a payment booked."""
    closed: set[str] | None = None
    entries: list[tuple[Entry, Source]] = []
    written_off: dict[uuid.UUID, Decimal] = {}
    for p in payments:
        if p.special_cases_settled is None and p.clearing is None:
            continue
        if closed is None:
            closed = await uow.ledger.closed_periods()
        day = business_day(p.ordered_at)
        booked_in = booking_period(day, closed)
        try:
            if p.clearing is not None:
                c = p.clearing
                items = ClearingItems(c.year, p.period, c.deposits_released, c.special_cases_cost,
                                      c.special_cases_prepaid, c.assessment, c.carried_from)
                entry = annual_cleared(items, fund=p.insutype, fixmedins_code=p.fixmedins_code, amount=p.amount,
                                       carried_in=p.carried_in, booked_in=booked_in, entry_date=day,
                                       reference=str(p.payment_id))
                written_off[p.payment_id] = items.net
                kind, source_type = "cleared", CLEARED
                owed = {m for m, v in c.carried_from.items() if v < 0}
                if owed:
                    await uow.facts.mark_carried(p.fixmedins_code, p.insutype, owed, into=str(c.year))
                    uow.touched.update((p.fixmedins_code, p.insutype, m) for m in c.carried_from)
                if c.special_cases_prepaid:
                    await uow.facts.mark_cleared(p.fixmedins_code, p.insutype, c.special_cases_prepaid, p.payment_id)
                    uow.touched.update((p.fixmedins_code, p.insutype, m) for m in c.special_cases_prepaid)
            else:
                cost = p.special_cases_settled or ZERO
                entry = special_cases_settled(fund=p.insutype, fixmedins_code=p.fixmedins_code, period=p.period,
                                              cost=cost, booked_in=booked_in, entry_date=day,
                                              reference=str(p.payment_id))
                written_off[p.payment_id] = cost
                kind, source_type = "special-settled", SPECIAL_SETTLED
        except Unbalanced as exc:
            raise PoisonEvent(f"{p.run_type} payment {p.payment_id}: {exc}") from exc
        if entry is not None:
            entries.append((entry, Source(source_key(kind, p.payment_id), source_type, admdvs=p.admdvs,
                                          ref=str(p.payment_id))))
    return entries, written_off


async def on_lines_ordered(events: list[Event[LinesOrdered]], uow: AccountingUnitOfWork) -> None:
    """Which batches of lines a daily payment carries (JL art.11), and which earlier payments (N art.18)."""
    await uow.facts.merge_payments([
        {"payment_id": p.payment_id, "fixmedins_code": p.fixmedins_code, "insutype": p.insutype, "period": p.period,
         "run_id": p.run_id, "batch_dates": p.batch_dates, "lines_status": p.payment_status,
         "carried_from": [str(c) for c in p.carried_from]}
        for p in (e.payload for e in events)], ["run_id", "batch_dates", "lines_status", "carried_from"])
    uow.touched.update((e.payload.fixmedins_code, e.payload.insutype, e.payload.period) for e in events)


#: What the books need of a line: its amount, whose and which month's it is, and the batch that pays it.
LINE_FOR_FACTS = reader(LineComputed, "line_id", "admdvs", "fixmedins_code", "insutype", "business_date",
                        "batch_date", "amount")


async def on_lines_computed(events: list[Event[LineComputed]], uow: AccountingUnitOfWork) -> None:
    """Each line as last published (upserted by line_id); a line of a batch already ordered is checked again.
    The consumer reads each payload as ``LINE_FOR_FACTS``: only the fields below exist on it."""
    rows = [{"line_id": p.line_id, "admdvs": p.admdvs, "fixmedins_code": p.fixmedins_code, "insutype": p.insutype,
             "period": f"{p.business_date:%Y-%m}", "batch_date": p.batch_date, "amount": p.amount}
            for p in (e.payload for e in events)]
    await uow.facts.upsert_lines(rows)
    uow.touched.update(await uow.facts.ordered_months(
        (r["fixmedins_code"], r["insutype"], r["period"], r["batch_date"]) for r in rows))


async def on_monthly_settled(events: list[Event[MonthlySettled]], uow: AccountingUnitOfWork) -> None:
    """月结算 (SX §5, ZJ §5): the month's benefit expenditure by category, the advances written off, the deposit
    reserved; earlier months' negative nets netted in it (SX §3). Once per institution, fund and month."""
    closed = await uow.ledger.closed_periods()
    for event in events:
        p = event.payload
        new = await uow.facts.add_settlements([{
            "fixmedins_code": p.fixmedins_code, "insutype": p.insutype, "period": p.period, "admdvs": p.admdvs,
            "run_id": p.run_id, "payable": p.payable, "deductions": p.deductions,
            "deposit_reserved": p.deposit_reserved, "already_paid": p.already_paid, "carried_in": p.carried_in,
            "net": p.net, "payment": p.payment, "carried_forward": p.carried_forward,
            "by_category": {k: str(v) for k, v in p.by_category.items()}, "payment_id": p.payment_id,
            "settled_at": p.settled_at}])
        if not new:
            continue
        if p.carried_forward < 0:  # heard after the annual clearing that netted it (N art.17)
            cleared = await uow.facts.clearing_of(p.fixmedins_code, p.insutype, p.period)
            if cleared is not None:
                await uow.facts.mark_carried(p.fixmedins_code, p.insutype, [p.period], into=cleared[1])
        day = business_day(p.settled_at)
        booked_in = booking_period(day, closed)
        figures = SettlementFigures(p.fixmedins_code, p.insutype, p.period, p.payable, p.deductions,
                                    p.deposit_reserved, p.already_paid, p.carried_in, p.net, p.by_category)
        try:
            entry = monthly_settled(figures, booked_in=booked_in, entry_date=day)
        except Unbalanced as exc:
            raise PoisonEvent(f"settlement {p.fixmedins_code}/{p.insutype}/{p.period}: {exc}") from exc
        entries = []
        if entry is not None:
            entries.append((entry, Source(source_key("settled", p.fixmedins_code, p.insutype, p.period),
                                          topics.MONTHLY_SETTLED.name, admdvs=p.admdvs, ref=str(p.run_id))))
        owed = await uow.facts.owed_back(p.fixmedins_code, p.insutype, before=p.period)
        carry = negative_carried(fund=p.insutype, fixmedins_code=p.fixmedins_code, owed_back=owed,
                                 into_period=p.period, booked_in=booked_in, entry_date=day)
        if carry is not None:
            entries.append((carry, Source(source_key("carried", p.fixmedins_code, p.insutype, p.period),
                                          "negative-carried", admdvs=p.admdvs, ref=str(p.run_id))))
            await uow.facts.mark_carried(p.fixmedins_code, p.insutype, owed, into=p.period)
            uow.touched.update((p.fixmedins_code, p.insutype, month) for month in owed)
        await uow.ledger.post_many(entries)
        uow.touched.add((p.fixmedins_code, p.insutype, p.period))
        uow.settling.add(p.period)
