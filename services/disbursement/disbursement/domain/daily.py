"""The daily disbursement summary (日拨付业务拨付汇总表, JL art.11): per institution, fund and month, what
this batch's records earn, what was postponed earlier (累计顺延, N art.18), and what is ordered now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shared.money import ZERO

#: (fixmedins_code, insutype, period): one payment each. A line of an earlier month paid today stays in its
#: own month, so the month's settlement and the books' sub-ledger (institution × month) see it there.
GroupKey = tuple[str, str, str]


@dataclass(frozen=True)
class SummaryLine:
    fixmedins_code: str
    insutype: str
    period: str
    records: int
    amount: Decimal
    carried_in: Decimal

    @property
    def due(self) -> Decimal:
        return self.amount + self.carried_in

    @property
    def payment(self) -> Decimal:
        """What is ordered now: never below zero (a bank transfer cannot be negative)."""
        return max(self.due, ZERO)

    @property
    def carried_forward(self) -> Decimal:
        """A negative remainder (reversals beyond what was earned) owed back, netted in a later payment."""
        return min(self.due, ZERO)


def daily_summary(lines: Iterable[tuple[GroupKey, Decimal]], carried: Iterable[tuple[GroupKey, Decimal]]) -> list[SummaryLine]:
    """Sum already-rounded record lines per group, and add what earlier payments carried in."""
    return batch_summary(((key, 1, amount) for key, amount in lines), carried)


def batch_summary(groups: Iterable[tuple[GroupKey, int, Decimal]],
                  carried: Iterable[tuple[GroupKey, Decimal]]) -> list[SummaryLine]:
    """The same from lines already summed per group (records, amount), as the database sums a large batch."""
    amounts: dict[GroupKey, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[GroupKey, int] = defaultdict(int)
    carried_in: dict[GroupKey, Decimal] = defaultdict(lambda: ZERO)
    for key, records, amount in groups:
        amounts[key] += amount
        counts[key] += records
    for key, amount in carried:
        carried_in[key] += amount
    return [
        SummaryLine(code, insutype, period, counts[(code, insutype, period)], amounts[(code, insutype, period)],
                    carried_in[(code, insutype, period)])
        for code, insutype, period in sorted(set(amounts) | set(carried_in))
    ]


def carry_value(status: str, payment: Decimal, carried_forward: Decimal) -> Decimal:
    """What an earlier payment still owes (or is owed): its whole payment if the bank never paid it or it was
    postponed (N art.18, JL art.19), plus any negative remainder it carried forward."""
    unpaid = payment if status in ("postponed", "failed") else ZERO
    return unpaid + carried_forward
