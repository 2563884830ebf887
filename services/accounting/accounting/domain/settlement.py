"""The monthly settlement in the books (月结算核销, SX §5, ZJ §5), finance's transfers (SX §4) and the
negative net carried to a later month (SX §3).

暂付款—即时结算预拨 is a current account (往来科目) kept per institution × month (辅助核算): every payment the
bank confirms for a month is debited to it, whatever run made it; the month's settlement credits it with what
the month is worth to the institution (payable − deductions − deposit). Its balance for a month is then what
the institution still owes back (debit: advanced beyond what the month was worth, a negative net) or, between
the settlement and the receipt of its net payment, what the fund still owes it (credit). When the net is paid
the month's balance is zero: written off. One rule for every payment keeps the books right whichever order
the bank's receipt and the run's order arrive in, and a rejected payment carried into a later one (N art.18)
lands on the month it pays for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounting.domain.chart import ADVANCE, CASH_EXPENDITURE, DEPOSIT, FISCAL_SPECIAL, benefit_accounts
from accounting.domain.entries import Entry, Leg, Unbalanced, check, signed
from shared.money import ZERO, money_text, total


def split_pro_rata(whole: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split ``whole`` over ``weights`` in proportion, to the fen, handing out the leftover fen by largest
    remainder so the parts always sum to the whole (hordak's ratio_split)."""
    keys = sorted(weights)
    base = total(abs(weights[k]) for k in keys)
    if base == ZERO:
        if whole == ZERO:
            return {k: ZERO for k in keys}
        raise Unbalanced(f"cannot split {whole} over nothing")
    fen = int(whole * 100)
    raw = {k: fen * abs(weights[k]) / base for k in keys}
    parts = {k: int(raw[k]) for k in keys}  # toward zero
    leftover = fen - sum(parts.values())
    step = 1 if leftover > 0 else -1
    for k in sorted(keys, key=lambda k: (-(abs(raw[k] - parts[k])), k))[:abs(leftover)]:
        parts[k] += step
    return {k: Decimal(parts[k]) / 100 for k in keys}


@dataclass(frozen=True)
class SettlementFigures:
    """One line of the monthly settlement (MonthlySettled), as the books need it."""

    fixmedins_code: str
    fund: str
    period: str
    payable: Decimal
    deductions: Decimal
    deposit_reserved: Decimal
    already_paid: Decimal
    carried_in: Decimal
    net: Decimal
    by_category: Mapping[str, Decimal]

    @property
    def worth(self) -> Decimal:
        """What the month is worth to the institution now: payable less deductions and the deposit."""
        return self.payable - self.deductions - self.deposit_reserved


def monthly_settled(s: SettlementFigures, *, booked_in: str, entry_date: date) -> Entry | None:
    """月结算 (SX §5, ZJ §5): Dr 待遇支出 by category for the month's payable, Cr 待遇支出 for the confirmed
    deductions (冲减支出, N art.13, spread over the categories in proportion), Cr 暂收款—医疗服务质量保证金 for
    the deposit reserved (SX §3), Cr 暂付款—即时结算预拨 (institution × month) for the rest: the advances are
    written off, and the net still to pay (or owed back) is what remains on the month. None if all is zero."""
    accounts = benefit_accounts()
    unknown = sorted(set(s.by_category) - set(accounts))
    if unknown:
        raise Unbalanced(f"no 待遇支出 account for the categories {', '.join(unknown)}")
    if total(s.by_category.values()) != s.payable:
        raise Unbalanced(f"the categories sum to {total(s.by_category.values())}, the payable is {s.payable}")
    legs: list[Leg] = []
    for category, amount in sorted(s.by_category.items()):
        legs += signed(accounts[category], amount)
    if s.deductions:
        for category, share in split_pro_rata(s.deductions, s.by_category).items():
            legs += signed(accounts[category], -share)
    legs += signed(DEPOSIT, -s.deposit_reserved, s.fixmedins_code, s.period)
    legs += signed(ADVANCE, -s.worth, s.fixmedins_code, s.period)
    if not legs:
        return None
    memo = (f"月结算 {s.fixmedins_code} {s.period}：应付 {money_text(s.payable)}，扣款 {money_text(s.deductions)}，"
            f"保证金 {money_text(s.deposit_reserved)}，已拨付 {money_text(s.already_paid)}，"
            f"结转 {money_text(s.carried_in)}，轧差 {money_text(s.net)}")
    return check(Entry(fund=s.fund, period=booked_in, entry_date=entry_date, memo=memo, legs=tuple(legs)))


def negative_carried(*, fund: str, fixmedins_code: str, owed_back: Mapping[str, Decimal], into_period: str,
                     booked_in: str, entry_date: date) -> Entry | None:
    """负数结转 (SX §3): what earlier months owed back (their advances beyond what they were worth) is netted
    in a later month's settlement: Dr 暂付款—即时结算预拨 (the later month) / Cr the same account (each earlier
    month), so each month's balance says what it still owes."""
    legs: list[Leg] = []
    for month, amount in sorted(owed_back.items()):
        if amount <= 0:
            raise Unbalanced(f"{month} owes back {amount}: a carried negative net is positive here")
        legs.append(Leg(ADVANCE, "C", amount, fixmedins_code, month))
    if not legs:
        return None
    legs.insert(0, Leg(ADVANCE, "D", total(owed_back.values()), fixmedins_code, into_period))
    months = "、".join(sorted(owed_back))
    return check(Entry(fund=fund, period=booked_in, entry_date=entry_date,
                       memo=f"负数结转 {fixmedins_code}：{months} 应收回款转入 {into_period} 轧差", legs=tuple(legs)))


def fund_transferred(*, fund: str, amount: Decimal, value_date: date, booked_in: str, admdvs: str,
                     request_period: str, reference: str) -> Entry:
    """财政拨付 (SX §4): after the agency's fund request, finance transfers from the fiscal special account to
    the expenditure account: Dr 支出户存款 / Cr 财政专户存款."""
    return check(Entry(
        fund=fund, period=booked_in, entry_date=value_date,
        memo=f"财政专户拨入支出户 {admdvs} {request_period} 请款 {reference}",
        legs=(Leg(CASH_EXPENDITURE, "D", amount), Leg(FISCAL_SPECIAL, "C", amount)),
    ))
