"""The institution's monthly statement (结算单): payable, deductions, already paid, net, carried forward — as
the monthly settlement fixed it, or, before it, as far as is known now."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from claims.domain.institution import Institution
from claims.domain.periods import month_bounds
from claims.service.uow import ClaimsUnitOfWork
from shared.contracts.codes import INSUTYPES
from shared.money import ZERO, money_text

FIGURES = ("payable", "deductions", "deposit_reserved", "already_paid", "carried_in", "net", "payment",
           "carried_forward")


async def monthly_statement(institution: Institution, period: str, uow: ClaimsUnitOfWork) -> dict[str, Any]:
    start, end = month_bounds(period)
    async with uow:
        settled = await uow.statements.settled(institution.fixmedins_code, period)
        recorded = await uow.totals.by_fund(institution.fixmedins_code, start, end)
        deductions = await uow.statements.deductions(institution.fixmedins_code, period)
        paid = await uow.statements.paid(institution.fixmedins_code, period)
        declaration = await uow.declarations.get(institution.fixmedins_code, period)
    lines = []
    for insutype in sorted(set(settled) | set(recorded) | set(deductions) | set(paid)):
        records = recorded.get(insutype, {}).get("records", 0)
        if insutype in settled:
            figures, settled_at = settled[insutype]
            line = {"status": "settled", **{k: figures[k] for k in FIGURES}, "settled_at": settled_at.isoformat()}
        else:
            payable = recorded.get(insutype, {}).get("fund_pay_sumamt", ZERO)
            line = _provisional(payable, deductions.get(insutype, ZERO), paid.get(insutype, ZERO))
        lines.append({"fixmedins_code": institution.fixmedins_code, "insutype": insutype,
                      "fund": INSUTYPES.get(insutype, insutype), "period": period, "records": records, **line})
    return {"fixmedins_code": institution.fixmedins_code, "fixmedins_name": institution.fixmedins_name,
            "period": period, "declared": declaration is not None,
            "status": "settled" if lines and all(x["status"] == "settled" for x in lines) else "provisional",
            "lines": lines}


def _provisional(payable: Decimal, deductions: Decimal, paid: Decimal) -> dict[str, Any]:
    """Before the monthly settlement: what is known so far; the deposit and any carried balance are set by
    the settlement itself."""
    net = payable - deductions - paid
    return {"status": "provisional", "payable": money_text(payable), "deductions": money_text(deductions),
            "deposit_reserved": None, "already_paid": money_text(paid), "carried_in": None,
            "net": money_text(net), "payment": None, "carried_forward": None}
