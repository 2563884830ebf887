"""Money to the fen (分).

Amounts are ``Decimal`` yuan with exactly two decimals, on the wire a string (``"1234.50"``), in PostgreSQL
``NUMERIC(18,2)``. A ratio applies record by record and is rounded half-up to the fen (JL art.11), then the
rounded parts are summed; nothing in the system ever holds money as a float.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
# NUMERIC(18,2): 16 digits before the point. ASCII digits only, and no trailing newline (`$` would allow one).
_MONEY_TEXT = re.compile(r"-?[0-9]{1,16}\.[0-9]{2}")


def to_fen(amount: Decimal) -> Decimal:
    """Round half-up to the fen (四舍五入到分), the only rounding money ever gets."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def total(amounts: Iterable[Decimal]) -> Decimal:
    """Sum amounts that are already at the fen; the empty sum is 0.00, never the int 0."""
    return sum(amounts, ZERO)


def money_text(amount: Decimal) -> str:
    """The wire form: exactly two decimals, no exponent (``Decimal('1E+2')`` → ``"100.00"``), and never a
    negative zero (``Decimal('0.00') * -1`` is ``-0.00``)."""
    fen = to_fen(amount)
    return f"{fen if fen else ZERO:.2f}"


def parse_money(value: object) -> Decimal:
    """Read an amount as the contract writes it: a string with exactly two decimals.

    A JSON number is refused on purpose: ``0.1 + 0.2`` has already lost the fen before we see it.
    """
    if isinstance(value, Decimal):
        if value != to_fen(value):
            raise ValueError("must have at most two decimals (fen)")
        return to_fen(value)
    if not isinstance(value, str):
        raise ValueError('must be a string with exactly two decimals, e.g. "1234.50"')
    if not _MONEY_TEXT.fullmatch(value):
        raise ValueError(f'{value!r} is not an amount with exactly two decimals, e.g. "1234.50"')
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guarantees a number
        raise ValueError(f"{value!r} is not a number") from exc


class _MoneyType:
    """An amount on the wire: a string with exactly two decimals, checked by pydantic-core itself (a settlement
    has a dozen amounts and intake reads tens of thousands a second), or a ``Decimal`` already at the fen
    when code builds a model. Written back as text in JSON only; Python-mode dumps keep the Decimal."""

    def __init__(self, *, signed: bool) -> None:
        self.signed = signed
        self.pattern = r"^-?\d{1,16}\.\d{2}$" if signed else r"^\d{1,16}\.\d{2}$"

    def _exact(self, value: Decimal) -> Decimal:
        if value != to_fen(value):
            raise ValueError("must have at most two decimals (fen)")
        if not self.signed and (value < 0 or value.is_signed()):
            raise ValueError("must not be negative")
        return to_fen(value)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        from_text = core_schema.no_info_after_validator_function(
            Decimal, core_schema.str_schema(pattern=self.pattern))
        from_decimal = core_schema.no_info_after_validator_function(
            self._exact, core_schema.is_instance_schema(Decimal))
        message = 'must be a string with exactly two decimals, e.g. "1234.50"'
        return core_schema.union_schema(
            [from_text, from_decimal],
            custom_error_type="money",
            custom_error_message=message if self.signed else message + " (and must not be negative)",
            serialization=core_schema.plain_serializer_function_ser_schema(money_text, when_used="json"),
        )

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": self.pattern, "examples": ["1234.50"]}


#: A signed amount in yuan, two decimals, as a string on the wire.
Money = Annotated[Decimal, _MoneyType(signed=True)]
#: An amount that can never be negative (what an institution reports for a settlement's parts).
Amount = Annotated[Decimal, _MoneyType(signed=False)]


def ratio_split(whole: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``whole`` in proportion to ``weights`` so the parts always sum to the whole.

    Each part is floored to the fen, then the leftover fen go one by one to the largest remainders
    (as hordak's ``ratio_split`` does), so no fen is created or lost.
    """
    if whole != to_fen(whole):
        raise ValueError("whole must already be at the fen")
    if whole < 0:
        return [-part for part in ratio_split(-whole, weights)]
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative with a positive sum")
    fen_whole = int(whole / FEN)
    exact = [Decimal(fen_whole) * w / weight_sum for w in weights]
    floors = [int(e) for e in exact]
    leftover = fen_whole - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in by_remainder[:leftover]:
        floors[i] += 1
    return [Decimal(f) * FEN for f in floors]
