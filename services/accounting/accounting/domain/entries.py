"""Journal entries (记账凭证): legs that balance, each on one side, never a negative amount (as hordak does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from accounting.domain.chart import ADVANCE, CASH_EXPENDITURE, chart
from shared.money import ZERO, to_fen, total


@dataclass(frozen=True)
class Leg:
    account: str
    side: Literal["D", "C"]
    amount: Decimal
    fixmedins_code: str | None = None
    #: The month an advance belongs to (辅助核算 年度、月份), which may differ from the entry's period.
    aux_period: str | None = None


@dataclass(frozen=True)
class Entry:
    fund: str
    period: str
    entry_date: date
    memo: str
    legs: tuple[Leg, ...]


class Unbalanced(ValueError):
    pass


def signed(account: str, amount: Decimal, fixmedins_code: str | None = None,
           aux_period: str | None = None) -> list[Leg]:
    """A leg from a signed amount: a debit when positive, a credit when negative, nothing when zero (the
    side says which way, never the sign, as in hordak)."""
    if amount == ZERO:
        return []
    return [Leg(account, "D" if amount > 0 else "C", abs(amount), fixmedins_code, aux_period)]


def check(entry: Entry) -> Entry:
    """Refuse an entry whose debits and credits differ, a non-positive leg, an unknown account or a leg
    missing its auxiliary dimensions. The database refuses the same again at commit."""
    accounts = chart()
    for leg in entry.legs:
        if leg.side not in ("D", "C"):
            raise Unbalanced(f"a leg on side {leg.side!r}: a leg is a debit (D) or a credit (C)")
        if leg.amount != to_fen(leg.amount):
            raise Unbalanced(f"a leg of {leg.amount} on {leg.account}: amounts are at the fen")
    debit = total(leg.amount for leg in entry.legs if leg.side == "D")
    credit = total(leg.amount for leg in entry.legs if leg.side == "C")
    if debit != credit:
        raise Unbalanced(f"debits {debit} ≠ credits {credit}")
    for leg in entry.legs:
        if leg.amount <= 0:
            raise Unbalanced(f"a leg of {leg.amount} on {leg.account}: amounts are positive, the side says which way")
        account = accounts.get(leg.account)
        if account is None:
            raise Unbalanced(f"no account {leg.account}")
        if "fixmedins_code" in account.aux and (leg.fixmedins_code is None or leg.aux_period is None):
            raise Unbalanced(f"{account.name} needs its institution and year-month")
    return entry


def advance_paid(*, fund: str, value_date: date, amount: Decimal, fixmedins_code: str, advance_period: str,
                 voucher_no: str, booked_in: str | None = None, what: str = "即时结算预拨") -> Entry:
    """A disbursement the bank paid is an advance to the institution (SX §5, ZJ §5):
    Dr 暂付款—即时结算预拨 (institution × month) / Cr 支出户存款. Booked in the month the money left, or the
    first open month after it when that one is closed."""
    return check(Entry(
        fund=fund, period=booked_in or f"{value_date:%Y-%m}", entry_date=value_date,
        memo=f"{what} {fixmedins_code} {advance_period} 凭证 {voucher_no}",
        legs=(Leg(ADVANCE, "D", amount, fixmedins_code, advance_period), Leg(CASH_EXPENDITURE, "C", amount)),
    ))


def reversal_of(entry: Entry, *, period: str, entry_date: date, reason: str, reference: str) -> Entry:
    """冲销 (红字冲销, N art.19): history is never edited; a wrong entry is undone by its mirror, booked in the
    open period and naming what it reverses, each leg on the other side with the same dimensions."""
    return check(Entry(
        fund=entry.fund, period=period, entry_date=entry_date, memo=f"冲销 {reference}：{reason}",
        legs=tuple(Leg(leg.account, "C" if leg.side == "D" else "D", leg.amount, leg.fixmedins_code, leg.aux_period)
                   for leg in entry.legs),
    ))
