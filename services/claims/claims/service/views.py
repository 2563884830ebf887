"""A settlement's whole story as its institution reads it: what was accepted, the audit's outcome, the
disbursement line(s), and each payment's voucher and receipt."""

from __future__ import annotations

from typing import Any

from claims.adapters.tables import Settlement, ViewAudit, ViewLine, ViewLinePayment, ViewPayment
from claims.service.uow import ClaimsUnitOfWork
from shared.money import money_text


async def settlement_view(fixmedins_code: str, setl_id: str, uow: ClaimsUnitOfWork) -> dict[str, Any] | None:
    async with uow:
        settlement = await uow.settlements.get(fixmedins_code, setl_id)
        if settlement is None:
            return None
        audit = await uow.views.audit(fixmedins_code, setl_id)
        lines = await uow.views.lines(fixmedins_code, setl_id)
        payments = await uow.views.payments(fixmedins_code, setl_id)
        return _view(settlement, audit, lines, payments)


def _view(settlement: Settlement, audit: ViewAudit | None, lines: list[ViewLine],
          payments: list[tuple[ViewLinePayment, ViewPayment | None]]) -> dict[str, Any]:
    view: dict[str, Any] = {
        "setl_id": settlement.setl_id,
        "fixmedins_code": settlement.fixmedins_code,
        "admdvs": settlement.admdvs,
        "business_date": settlement.business_date.isoformat(),
        "accepted_at": settlement.accepted_at.isoformat(),
        "record": settlement.record,
    }
    if audit is not None:
        view["audit"] = {
            "status": audit.status,
            "vola_amt": money_text(audit.vola_amt),
            "findings": audit.findings,
            "audited_at": audit.audited_at.isoformat(),
        }
    computed = [line for line in lines if line.computed_at is not None]
    if computed:
        view["disbursement"] = {
            "lines": [
                {
                    "line_id": str(line.line_id),
                    "amount": money_text(line.amount),
                    "ratio": str(line.ratio),
                    "business_date": line.business_date.isoformat() if line.business_date else None,
                    "policy_version": line.policy_version,
                    "computed_at": line.computed_at.isoformat() if line.computed_at else None,
                }
                for line in computed
            ]
        }
    view["payments"] = [
        {
            "payment_id": str(link.payment_id),
            "line_id": str(link.line_id),
            "voucher_no": payment.voucher_no if payment else None,
            "status": payment.status if payment else "ordered",
            "reason": payment.reason if payment else None,
            "ordered_at": link.ordered_at.isoformat(),
            "receipt_at": payment.receipt_at.isoformat() if payment and payment.receipt_at else None,
        }
        for link, payment in payments
    ]
    return view
