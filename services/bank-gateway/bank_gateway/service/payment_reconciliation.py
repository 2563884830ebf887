"""A voucher as a FHIR PaymentReconciliation (拨付对账): the fund's payment to an institution, what the bank
said of it, and the disbursement payment it settles (N art.14-15).

- ``outcome``: ``queued`` while the bank has not answered; ``complete`` once paid; ``error`` when the bank
  rejected it or it was cancelled before the bank accepted it (the payment is then carried, N art.18).
- ``status``: ``cancelled`` for a cancelled voucher, else ``active``.
- ``paymentDate``: the bank's value date once paid, else the day the voucher was issued (Beijing)."""

from __future__ import annotations

import calendar
from typing import TYPE_CHECKING

from bank_gateway.adapters.tables import Voucher
from shared.contracts.codes import SHANGHAI
from shared.fhir import INSTITUTION, PAYMENT, VOUCHER, fund, identifier, money

if TYPE_CHECKING:
    from fhir.resources.R4B.paymentreconciliation import PaymentReconciliation

_OUTCOME = {"issued": "queued", "paid": "complete", "rejected": "error", "cancelled": "error"}
_PAYMENT_TYPE = {"system": "http://terminology.hl7.org/CodeSystem/payment-type", "code": "payment"}


def payment_reconciliation(v: Voucher) -> PaymentReconciliation:
    from fhir.resources.R4B.paymentreconciliation import PaymentReconciliation  # on first use: see shared.fhir

    paid_on = v.value_date or v.issued_at.astimezone(SHANGHAI).date()
    year, month = int(v.period[:4]), int(v.period[5:])
    return PaymentReconciliation.model_validate({
        "resourceType": "PaymentReconciliation",
        "id": v.voucher_no,
        "identifier": [identifier(VOUCHER, v.voucher_no), identifier(PAYMENT, str(v.payment_id))],
        "status": "cancelled" if v.status == "cancelled" else "active",
        "period": {"start": f"{v.period}-01", "end": f"{v.period}-{calendar.monthrange(year, month)[1]:02d}"},
        "created": (v.receipt_at or v.cancelled_at or v.issued_at).isoformat(),
        "paymentIssuer": fund(v.admdvs),
        "outcome": _OUTCOME[v.status],
        "disposition": _disposition(v),
        "paymentDate": paid_on.isoformat(),
        "paymentAmount": money(v.amount),
        "paymentIdentifier": identifier(VOUCHER, v.voucher_no),
        "detail": [{
            "identifier": identifier(PAYMENT, str(v.payment_id)),
            "type": {"coding": [_PAYMENT_TYPE]},
            "payee": {"type": "Organization", "identifier": identifier(INSTITUTION, v.fixmedins_code),
                      "display": v.payee.get("acct_name")},
            "date": paid_on.isoformat(),
            "amount": money(v.amount),
        }],
        "processNote": [{"type": "display", "text": f"{v.reason_code or ''} {v.reason}".strip()}] if v.reason else None,
    })


def _disposition(v: Voucher) -> str:
    return {"issued": "已发送银行，待回单 (awaiting the bank's receipt)",
            "paid": f"已到账 (paid, bank reference {v.bank_ref})",
            "rejected": f"银行退回 (rejected: {v.reason_code})",
            "cancelled": "已撤销 (cancelled before the bank accepted it)"}[v.status]

