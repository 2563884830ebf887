"""How amounts and times read on a page: thousands separators, exact to the fen (Decimal, never float)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from shared.contracts.codes import SHANGHAI


def yuan(amount: str | Decimal | None) -> str:
    """``"1234567.8"`` → ``"1,234,567.80"``; a missing amount is a dash."""
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return f"{value.quantize(Decimal('0.01')):,.2f}"


def beijing(moment: str | None) -> str:
    """An ISO timestamp as Beijing time to the second (the agency's clock)."""
    if not moment:
        return "—"
    return datetime.fromisoformat(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
