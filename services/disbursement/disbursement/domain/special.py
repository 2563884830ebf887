"""Special cases (特例单议, N art.16, JL art.16) and the annual clearing (年度清算, N art.17, SX §3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shared.money import ZERO, to_fen


def special_case_now(approved: Decimal, clearing: str, prepay_share: Decimal) -> Decimal:
    """What an approved special case pays now: all of it where it settles on approval; where it clears only
    at year end, the monthly prepaid share (N art.16), the rest at the annual clearing."""
    return approved if clearing == "on_approval" else to_fen(approved * prepay_share)


@dataclass(frozen=True)
class ClearingFigures:
    """年度清算 (N art.17): the months already netted the year's payable against what was paid, so what is
    left to clear is what was held back or decided at year end."""

    deposits_released: Decimal
    special_remainders: Decimal
    assessment: Decimal
    carried_in: Decimal

    @property
    def net(self) -> Decimal:
        return self.deposits_released + self.special_remainders + self.assessment + self.carried_in

    @property
    def payment(self) -> Decimal:
        return max(self.net, ZERO)

    @property
    def carried_forward(self) -> Decimal:
        return min(self.net, ZERO)
