"""Business-vs-finance consistency (业财一致性, N art.19, art.22): for one institution, fund and month, the
disbursement lines and the orders made of them, the payments the bank confirmed, and the books must agree.

Each difference names the payments it is about, so an operator sees which records explain it. Every figure
of a difference is taken over the same payments: ``business`` what the business side says (the lines of the
ordered batches, or the orders), ``bank`` what the bank confirmed, ``books`` what the books hold. A payment
the bank rejected is no difference: disbursement carries it into a later payment (N art.18), which is
compared in its turn.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shared.money import ZERO, money_text, total

_DIFFERENCE = uuid.UUID("0b8d7c52-61f4-4a53-9f3e-5f6d2b0c9a41")

DAILY = "daily-disbursement"


@dataclass(frozen=True)
class PaymentFacts:
    """What accounting heard of one payment, from whichever events have arrived."""

    payment_id: uuid.UUID
    run_type: str | None = None  # known once the order arrived
    amount: Decimal | None = None  # what the run assigned to the month (carried amounts excluded)
    payment: Decimal | None = None  # what was ordered from the bank
    lines: Decimal | None = None  # the lines of the batches it carries (a daily payment's LinesOrdered)
    bank_status: str | None = None  # "confirmed" or "rejected"
    bank_amount: Decimal | None = None
    voucher_no: str | None = None
    booked: Decimal = ZERO  # what the books debited to the advance for it
    #: What the books wrote off the month's advance when it was ordered: a special-cases payment's decided
    #: cost, an annual clearing's net (N art.16-17).
    written_off: Decimal = ZERO
    #: A special-cases payment whose prepaid share the annual clearing cleared (N art.16).
    cleared: bool = False

    @property
    def ordered(self) -> bool:
        return self.payment is not None

    def record(self) -> dict[str, Any]:
        return {"payment_id": str(self.payment_id), "run_type": self.run_type, "voucher_no": self.voucher_no,
                "lines": _text(self.lines), "amount": _text(self.amount), "ordered": _text(self.payment),
                "bank_status": self.bank_status or ("ordered" if self.ordered else "unknown"),
                "paid": _text(self.bank_amount), "booked": money_text(self.booked)}


@dataclass(frozen=True)
class SettlementFacts:
    """The month's settlement as the books saw it, once its net is paid (or nothing was to pay)."""

    payment_id: uuid.UUID | None
    carried_forward: Decimal  # ≤ 0: what the institution owes back
    carried_on: bool  # a later settlement netted it already


@dataclass(frozen=True)
class MonthFacts:
    admdvs: str
    fixmedins_code: str
    insutype: str
    period: str
    payments: Sequence[PaymentFacts] = ()
    settlement: SettlementFacts | None = None
    #: The books' balance of 暂付款—即时结算预拨 for the institution and month.
    open_advance: Decimal = ZERO


@dataclass(frozen=True)
class Difference:
    admdvs: str
    fixmedins_code: str
    insutype: str
    period: str
    kind: str
    business: Decimal
    bank: Decimal
    books: Decimal
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def difference_id(self) -> uuid.UUID:
        return difference_id(self.admdvs, self.period, self.fixmedins_code, self.insutype, self.kind)


def difference_id(admdvs: str, period: str, fixmedins_code: str, insutype: str, kind: str) -> uuid.UUID:
    """Stable for one kind of difference of one institution, fund and month: what an explanation names."""
    return uuid.uuid5(_DIFFERENCE, f"{admdvs}|{period}|{fixmedins_code}|{insutype}|{kind}")


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else money_text(amount)


def _paid(p: PaymentFacts) -> Decimal:
    return p.bank_amount if p.bank_status == "confirmed" and p.bank_amount is not None else ZERO


YEAR_END = ("special-cases", "annual-clearing")


def year_end_open(p: PaymentFacts) -> Decimal:
    """What a special-cases or annual-clearing payment leaves on its month's advance by design: its cash less
    what it wrote off — the prepaid share of cases cleared at year end, open until the clearing (N art.16), or
    a write-off whose cash the bank has not confirmed yet — and nothing once cleared."""
    if p.run_type not in YEAR_END:
        return ZERO
    left = _paid(p) - p.written_off
    if p.cleared and p.amount is not None:
        left -= p.amount - p.written_off
    return left


def differences(month: MonthFacts) -> list[Difference]:
    """业财核对 (N art.22): lines against orders, orders against the bank, the bank against the books, and
    after the settlement is paid, the month's advance written off but for what is still owed back."""
    found: list[Difference] = []

    def add(kind: str, business: Decimal, payments: Sequence[PaymentFacts], records: list[dict[str, Any]]) -> None:
        found.append(Difference(month.admdvs, month.fixmedins_code, month.insutype, month.period, kind, business,
                                total(_paid(p) for p in payments), total(p.booked for p in payments), records))

    live = [p for p in month.payments if p.bank_status != "rejected"]
    # 1. the lines of each ordered daily batch against the order made of them (JL art.11, N art.22)
    daily = [p for p in live if p.run_type == DAILY and p.lines is not None and p.amount is not None]
    off = [p for p in daily if p.lines != p.amount]
    if off:
        add("lines-not-ordered", total(p.lines or ZERO for p in daily), daily, [p.record() for p in off])
    # 2. every order answered by the bank, for the amount ordered (N art.15)
    ordered = [p for p in live if p.ordered]
    unanswered = [p for p in ordered if p.bank_status != "confirmed" or p.bank_amount != p.payment]
    if unanswered:
        add("ordered-not-paid", total(p.payment or ZERO for p in ordered), ordered, [p.record() for p in unanswered])
    unordered = [p for p in live if not p.ordered and p.bank_status == "confirmed"]
    if unordered:
        add("paid-not-ordered", ZERO, unordered, [p.record() for p in unordered])
    # 3. every payment the bank made is in the books, once (N art.19)
    misbooked = [p for p in live if _paid(p) != p.booked]
    if misbooked:
        kind = "paid-not-booked" if total(_paid(p) for p in misbooked) > total(p.booked for p in misbooked) \
            else "booked-not-paid"
        add(kind, total(p.payment or ZERO for p in live), live, [p.record() for p in misbooked])
    # 4. once the settlement's net is paid, the month is written off but for what is still owed back (SX §3)
    #    and what a special case prepaid until the annual clearing (N art.16-17)
    s = month.settlement
    net_paid = s is not None and (s.payment_id is None or any(
        p.payment_id == s.payment_id and p.bank_status == "confirmed" for p in month.payments))
    if s is not None and net_paid:
        owed_back = ZERO if s.carried_on else -s.carried_forward
        owed_back += total(year_end_open(p) for p in live)
        if month.open_advance != owed_back:
            found.append(Difference(
                month.admdvs, month.fixmedins_code, month.insutype, month.period, "settlement-not-written-off",
                owed_back, total(_paid(p) for p in live), month.open_advance,
                [{"settlement": month.period, "owed_back": money_text(owed_back),
                  "open_in_books": money_text(month.open_advance)}]))
    return found
