"""Projections of other services' events into claims' view tables. Events of different topics arrive in
any order (a line may be ordered before claims hears it was computed), so every write is an upsert that
never moves a fact backwards."""

from __future__ import annotations

from typing import Any

from claims.adapters.tables import ViewAudit, ViewDeduction, ViewLine, ViewMonth, ViewPayment
from claims.service.uow import ClaimsUnitOfWork
from shared.contracts import events as e
from shared.contracts import topics
from shared.contracts.codes import period_of
from shared.messaging.consumer import Subscription
from shared.messaging.envelope import Event

_NOT_FINAL = "view_payments.status NOT IN ('paid', 'failed')"


async def on_audited(events: list[Event[e.SettlementAudited]], uow: ClaimsUnitOfWork) -> None:
    rows = [
        {
            "fixmedins_code": p.fixmedins_code,
            "setl_id": p.setl_id,
            "status": p.status,
            "vola_amt": p.vola_amt,
            "findings": [f.model_dump(mode="json") for f in p.findings],
            "audited_at": p.audited_at,
        }
        for p in _latest(events, lambda p: (p.fixmedins_code, p.setl_id))
    ]
    await uow.views.upsert(ViewAudit, rows, keys=["fixmedins_code", "setl_id"])


async def on_line_computed(events: list[Event[e.LineComputed]], uow: ClaimsUnitOfWork) -> None:
    rows = [
        {
            "line_id": p.line_id, "fixmedins_code": p.fixmedins_code, "setl_id": p.setl_id,
            "insutype": p.insutype, "period": period_of(p.business_date), "amount": p.amount, "ratio": p.ratio,
            "business_date": p.business_date, "batch_date": p.batch_date, "policy_version": p.policy_version,
            "computed_at": p.computed_at,
        }
        for p in _latest(events, lambda p: p.line_id)
    ]
    await uow.views.upsert(ViewLine, rows, keys=["line_id"])


async def on_lines_ordered(events: list[Event[e.LinesOrdered]], uow: ClaimsUnitOfWork) -> None:
    """A daily payment and its batch; the bank's outcome may have been heard first, and is kept."""
    rows = [
        {
            "payment_id": p.payment_id, "fixmedins_code": p.fixmedins_code, "insutype": p.insutype,
            "period": p.period, "batch_dates": [d.isoformat() for d in p.batch_dates],
            "carried_from": [str(i) for i in p.carried_from],
            "ordered_at": p.ordered_at, "status": p.payment_status,
        }
        for p in _latest(events, lambda p: p.payment_id)
    ]
    await uow.views.upsert(ViewPayment, rows, keys=["payment_id"],
                           update=["fixmedins_code", "insutype", "period", "batch_dates", "carried_from", "ordered_at"])


async def on_voucher_issued(events: list[Event[e.VoucherIssued]], uow: ClaimsUnitOfWork) -> None:
    rows = [{"payment_id": p.payment_id, "voucher_no": p.voucher_no, "status": "ordered", "issued_at": p.issued_at}
            for p in _latest(events, lambda p: p.payment_id)]
    await uow.views.upsert(ViewPayment, rows, keys=["payment_id"], update=["voucher_no", "issued_at"])


async def on_payment_confirmed(events: list[Event[e.PaymentConfirmed]], uow: ClaimsUnitOfWork) -> None:
    await _settled(uow, [(p, "paid", None) for p in _latest(events, lambda p: p.payment_id)])


async def on_payment_rejected(events: list[Event[e.PaymentRejected]], uow: ClaimsUnitOfWork) -> None:
    rows = [(p, "failed", f"{p.reason_code}: {p.reason}") for p in _latest(events, lambda p: p.payment_id)]
    await _settled(uow, rows)


async def _settled(uow: ClaimsUnitOfWork, outcomes: list[tuple[e.PaymentSettled, str, str | None]]) -> None:
    rows = [{"payment_id": p.payment_id, "voucher_no": p.voucher_no, "status": status, "reason": reason,
             "receipt_at": p.receipt_at, "fixmedins_code": p.fixmedins_code, "insutype": p.insutype,
             "period": p.period, "amount": p.amount} for p, status, reason in outcomes]
    # The bank's first final answer stands: a late or duplicate receipt never changes it.
    await uow.views.upsert(ViewPayment, rows, keys=["payment_id"], where=_NOT_FINAL)


async def on_deductions_confirmed(events: list[Event[e.DeductionConfirmed]], uow: ClaimsUnitOfWork) -> None:
    rows = [{"deduction_id": p.deduction_id, "fixmedins_code": p.fixmedins_code, "setl_id": p.setl_id,
             "insutype": p.insutype, "period": p.period, "amount": p.amount, "source": p.source,
             "confirmed_at": p.confirmed_at} for p in _latest(events, lambda p: p.deduction_id)]
    await uow.views.upsert(ViewDeduction, rows, keys=["deduction_id"], update=[])


async def on_monthly_settled(events: list[Event[e.MonthlySettled]], uow: ClaimsUnitOfWork) -> None:
    """The statement of a settled month, as the monthly settlement fixed it (N art.16)."""
    rows = [{"fixmedins_code": p.fixmedins_code, "insutype": p.insutype, "period": p.period, "run_id": p.run_id,
             "settled_at": p.settled_at,
             "figures": p.model_dump(mode="json", include={"payable", "deductions", "deposit_reserved",
                                                           "already_paid", "carried_in", "net", "payment",
                                                           "carried_forward", "by_category"})}
            for p in _latest(events, lambda p: (p.fixmedins_code, p.insutype, p.period))]
    await uow.views.upsert(ViewMonth, rows, keys=["fixmedins_code", "insutype", "period"])


async def on_policies_set(events: list[Event[e.RegionPolicySet]], uow: ClaimsUnitOfWork) -> None:
    """A region's declaration deadline, for answering declarations (N art.16 counts from it), and the insutypes
    it settles, for refusing at intake a record no fund of the region would pay (N art.3)."""
    await uow.declarations.set_deadlines([
        {"admdvs": p.admdvs, "version": p.version, "effective_from": p.effective_from,
         "declaration_deadline_day": int(p.policy.get("settlement", {}).get("declaration_deadline_day", 10)),
         "insutypes": _accepted(p.policy.get("funds"))}
        for p in (ev.payload for ev in events)])


def _accepted(funds: Any) -> list[str] | None:
    if not isinstance(funds, dict):
        return None
    return sorted({*funds.get("settled", []), *funds.get("folded", {})})


def _latest(events: list[Event[Any]], key: Any) -> list[Any]:
    """One payload per key (the last in the batch): one upsert statement cannot touch a row twice."""
    return list({key(ev.payload): ev.payload for ev in events}.values())


subscriptions: list[Subscription[ClaimsUnitOfWork]] = [
    Subscription(topics.SETTLEMENT_AUDITED, on_audited),
    Subscription(topics.LINE_COMPUTED, on_line_computed),
    Subscription(topics.LINES_ORDERED, on_lines_ordered),
    Subscription(topics.VOUCHER_ISSUED, on_voucher_issued),
    Subscription(topics.PAYMENT_CONFIRMED, on_payment_confirmed),
    Subscription(topics.PAYMENT_REJECTED, on_payment_rejected),
    Subscription(topics.DEDUCTION_CONFIRMED, on_deductions_confirmed),
    Subscription(topics.MONTHLY_SETTLED, on_monthly_settled),
    Subscription(topics.POLICY_SET, on_policies_set),
]
