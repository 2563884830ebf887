"""Journal entries (记账凭证): legs that balance, each on one side, never a negative amount (as hordak does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from accounting.domain.chart import ADVANCE, CASH_EXPENDITURE, chart
from shared.money import to_fen, total


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
                 voucher_no: str) -> Entry:
    """A disbursement the bank paid is an advance to the institution (SX §5, ZJ §5):
    Dr 暂付款—即时结算预拨 (institution × month) / Cr 支出户存款."""
    return check(Entry(
        fund=fund, period=f"{value_date:%Y-%m}", entry_date=value_date,
        memo=f"即时结算预拨 {fixmedins_code} {advance_period} 凭证 {voucher_no}",
        legs=(Leg(ADVANCE, "D", amount, fixmedins_code, advance_period), Leg(CASH_EXPENDITURE, "C", amount)),
    ))
