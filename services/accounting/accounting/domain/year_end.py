"""The year-end books (N art.16-17, N art.19, SX §5): special cases written off to 待遇支出, and the annual
clearing (年度清算) that releases the quality deposit and clears what the year left on 暂付款.

Every payment the bank confirms is an advance to its institution × month, whatever run made it (see
``settlement``). What the monthly settlement does not write off, these do:

- a special-cases payment (特例单议): what the panel's decided cases cost is expenditure at once, Dr
  待遇支出—特例单议 / Cr 暂付款—即时结算预拨 (that month); the prepaid share of cases cleared at year end stays
  an advance until the clearing (N art.16 "按月给予一定比例的预拨，年底再进行清算");
- the annual clearing (N art.17, SX §3 "年终清算"): Dr 暂收款—医疗服务质量保证金 (each month that reserved
  it) for the deposit released — it was expensed when its month was settled, so it only changes hands now;
  Dr 待遇支出—特例单议 for what the year-end cases cost, Cr 暂付款 (each month that prepaid them) for their
  prepaid shares; Dr / Cr 待遇支出—年度清算考核调整 for the assessment; each earlier payment it nets moved
  from its month; Cr 暂付款 (the clearing's month) for the clearing's net, which its payment's cash meets.
  After the clearing is paid, each month's advance is zero and the deposit holds only what is still held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from accounting.domain.chart import ADVANCE, ASSESSMENT, DEPOSIT, SPECIAL_CASES
from accounting.domain.entries import Entry, Leg, Unbalanced, check, signed
from shared.money import ZERO, money_text, total

#: The source types of the year-end write-offs (the advance sub-ledger counts them as written off).
SPECIAL_SETTLED = "disbursement.special-cases-settled"
CLEARED = "disbursement.annual-cleared"


def special_cases_settled(*, fund: str, fixmedins_code: str, period: str, cost: Decimal, booked_in: str,
                          entry_date: date, reference: str) -> Entry | None:
    """特例单议结算 (N art.16): the decided cases' cost written off the month's advance to 待遇支出—特例单议."""
    if cost < 0:
        raise Unbalanced(f"special cases cost {cost}: a cost is not negative")
    if cost == ZERO:
        return None
    return check(Entry(fund=fund, period=booked_in, entry_date=entry_date,
                       memo=f"特例单议结算 {fixmedins_code} {period}：{money_text(cost)} 付款 {reference}",
                       legs=(Leg(SPECIAL_CASES, "D", cost), Leg(ADVANCE, "C", cost, fixmedins_code, period))))


@dataclass(frozen=True)
class ClearingItems:
    """What one annual-clearing payment clears for an institution and fund (N art.17)."""

    year: int
    #: The month the clearing's payment belongs to (its advance line: December of the year).
    period: str
    deposits_released: Mapping[str, Decimal] = field(default_factory=dict)
    special_cases_cost: Decimal = ZERO
    special_cases_prepaid: Mapping[str, Decimal] = field(default_factory=dict)
    assessment: Decimal = ZERO
    #: Signed, by month: − a negative net owed back, + an earlier payment not made (N art.18).
    carried_from: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        """What the clearing is worth to the institution: deposits + case cost − prepaid + assessment + carried."""
        return (total(self.deposits_released.values()) + self.special_cases_cost
                - total(self.special_cases_prepaid.values()) + self.assessment + total(self.carried_from.values()))


def annual_cleared(items: ClearingItems, *, fund: str, fixmedins_code: str, amount: Decimal, carried_in: Decimal,
                   booked_in: str, entry_date: date, reference: str) -> Entry | None:
    """年度清算核销 (N art.17, N art.19): one entry per institution and fund; refused if its items do not make
    the payment's ``amount`` and ``carried_in`` (the business and the books would then disagree)."""
    if total(items.carried_from.values()) != carried_in:
        raise Unbalanced(f"carried from {total(items.carried_from.values())} ≠ the payment's carried in {carried_in}")
    if items.net - carried_in != amount:
        raise Unbalanced(f"the clearing's items make {items.net - carried_in}, its payment's amount is {amount}")
    if any(v < 0 for v in items.deposits_released.values()) or any(v < 0 for v in items.special_cases_prepaid.values()):
        raise Unbalanced("a deposit released or a prepaid share is not negative")
    # Signed amounts by leg (debit +), one leg per account × month: December may be prepaid, carried and cleared.
    by_leg: dict[tuple[str, str | None], Decimal] = defaultdict(lambda: ZERO)
    for month, released in items.deposits_released.items():
        by_leg[(DEPOSIT, month)] += released
    by_leg[(SPECIAL_CASES, None)] += items.special_cases_cost
    for month, prepaid in items.special_cases_prepaid.items():
        by_leg[(ADVANCE, month)] -= prepaid
    by_leg[(ASSESSMENT, None)] += items.assessment
    for month, carried in items.carried_from.items():
        by_leg[(ADVANCE, month)] += carried
    by_leg[(ADVANCE, items.period)] -= items.net
    legs: list[Leg] = []
    for (account, month), value in sorted(by_leg.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        legs += signed(account, value, fixmedins_code if month else None, month)
    if not legs:
        return None
    memo = (f"年度清算 {fixmedins_code} {items.year}：退保证金 {money_text(total(items.deposits_released.values()))}，"
            f"特例单议 {money_text(items.special_cases_cost)}（已预拨 {money_text(total(items.special_cases_prepaid.values()))}），"
            f"考核 {money_text(items.assessment)}，结转 {money_text(carried_in)}，清算 {money_text(items.net)} 付款 {reference}")
    return check(Entry(fund=fund, period=booked_in, entry_date=entry_date, memo=memo, legs=tuple(legs)))
