"""A settlement's whole story as its institution reads it: what was accepted, the audit's outcome, the
disbursement line(s), and each payment's voucher and receipt."""

from __future__ import annotations

from typing import Any

from claims.adapters.tables import Reversal, Settlement, ViewAudit, ViewLine, ViewPayment
from claims.service.uow import ClaimsUnitOfWork
from shared.money import money_text


async def settlement_view(fixmedins_code: str, setl_id: str, uow: ClaimsUnitOfWork) -> dict[str, Any] | None:
    async with uow:
        settlement = await uow.settlements.get(fixmedins_code, setl_id)
        if settlement is None:
            return None
        audit = await uow.views.audit(fixmedins_code, setl_id)
        lines = await uow.views.lines(fixmedins_code, setl_id)
        payments = await _payments(uow, fixmedins_code, lines)
        reversal = await uow.reversals.get(fixmedins_code, setl_id)
        return _view(settlement, audit, lines, payments, reversal)


async def _payments(uow: ClaimsUnitOfWork, fixmedins_code: str, lines: list[ViewLine]) -> list[ViewPayment]:
    """The payment of each line's batch, then every later payment that took over one that failed or was
    postponed (N art.18), in the order they were made."""
    batches = {(line.insutype, line.period, line.batch_date) for line in lines if line.batch_date is not None}
    found = {p.payment_id: p for p in await uow.views.payments_of_batches(fixmedins_code, batches)}
    frontier = [str(pid) for pid in found]
    while frontier:
        later = [p for p in await uow.views.payments_carrying(frontier) if p.payment_id not in found]
        found.update({p.payment_id: p for p in later})
        frontier = [str(p.payment_id) for p in later]
    return sorted(found.values(), key=lambda p: p.ordered_at or p.issued_at or p.receipt_at)


def _view(settlement: Settlement, audit: ViewAudit | None, lines: list[ViewLine],
          payments: list[ViewPayment], reversal: Reversal | None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "setl_id": settlement.setl_id,
        "fixmedins_code": settlement.fixmedins_code,
        "admdvs": settlement.admdvs,
        "business_date": settlement.business_date.isoformat(),
        "accepted_at": settlement.accepted_at.isoformat(),
        "record": settlement.record,
    }
    if reversal is not None:
        view["reversal"] = {"reason": reversal.reason, "reversed_at": reversal.reversed_at.isoformat(),
                            "recorded_at": reversal.recorded_at.isoformat()}
    if audit is not None:
        view["audit"] = {
            "status": audit.status,
            "vola_amt": money_text(audit.vola_amt),
            "findings": audit.findings,
            "audited_at": audit.audited_at.isoformat(),
        }
    computed = lines
    if computed:
        view["disbursement"] = {
            "lines": [
                {
                    "line_id": str(line.line_id),
                    "amount": money_text(line.amount),
                    "ratio": str(line.ratio),
                    "business_date": line.business_date.isoformat(),
                    "batch_date": line.batch_date.isoformat() if line.batch_date else None,
                    "policy_version": line.policy_version,
                    "computed_at": line.computed_at.isoformat(),
                }
                for line in computed
            ]
        }
    view["payments"] = [
        {
            "payment_id": str(payment.payment_id),
            "voucher_no": payment.voucher_no,
            "status": "postponed" if payment.status == "failed" and _taken_over(payment, payments) else payment.status,
            "reason": payment.reason,
            "carried_from": payment.carried_from,
            "ordered_at": payment.ordered_at.isoformat() if payment.ordered_at else None,
            "receipt_at": payment.receipt_at.isoformat() if payment.receipt_at else None,
        }
        for payment in payments
    ]
    return view


def _taken_over(payment: ViewPayment, payments: list[ViewPayment]) -> bool:
    """A failed payment a later one took over is postponed (累计顺延), not lost."""
    return any(str(payment.payment_id) in later.carried_from for later in payments)
