"""Reconciliation with an institution (对账, N art.11, JL art.12): both sides' totals must agree, and when
they do not, the records that explain it are listed one by one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shared.money import ZERO, money_text

FIELDS = ("records", "medfee_sumamt", "fund_pay_sumamt")


@dataclass(frozen=True)
class Theirs:
    """One record as the institution has it; amounts when it sent them."""

    setl_id: str
    medfee_sumamt: Decimal | None = None
    fund_pay_sumamt: Decimal | None = None


def total_differences(ours: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per fund and figure, where their totals and ours disagree."""
    out = []
    for insutype in sorted(set(ours) | set(theirs)):
        for name in FIELDS:
            zero: Any = 0 if name == "records" else ZERO
            a, b = ours.get(insutype, {}).get(name, zero), theirs.get(insutype, {}).get(name, zero)
            if a != b:
                show = str if name == "records" else money_text
                out.append({"insutype": insutype, "field": name, "ours": show(a), "theirs": show(b)})
    return out


def record_differences(ours: dict[str, tuple[str, Decimal, Decimal]], theirs: list[Theirs],
                       cancelled: frozenset[str] | set[str] = frozenset()) -> list[dict[str, Any]]:
    """Record by record: missing on our side (or cancelled here while they still count it), missing on
    theirs, and amounts that differ."""
    out: list[dict[str, Any]] = []
    seen = set()
    for record in theirs:
        seen.add(record.setl_id)
        mine = ours.get(record.setl_id)
        if mine is None:
            missing = "reversed_on_our_side" if record.setl_id in cancelled else "missing_on_our_side"
            out.append({"setl_id": record.setl_id, "difference": missing})
            continue
        for name, value, our_value in (("medfee_sumamt", record.medfee_sumamt, mine[1]),
                                       ("fund_pay_sumamt", record.fund_pay_sumamt, mine[2])):
            if value is not None and value != our_value:
                out.append({"setl_id": record.setl_id, "difference": "amount_differs", "field": name,
                            "ours": money_text(our_value), "theirs": money_text(value)})
    out += [{"setl_id": setl_id, "difference": "missing_on_their_side", "insutype": mine[0]}
            for setl_id, mine in sorted(ours.items()) if setl_id not in seen]
    return out
