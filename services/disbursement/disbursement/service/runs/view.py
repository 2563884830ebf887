"""What a run computed, per institution, fund and month, and what became of each payment (N art.22:
every disbursement accurate and traceable)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from disbursement.adapters.tables import Payment, Run
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import CalendarNotLoaded, WorkingDayCalendar
from shared.contracts.codes import SHANGHAI
from shared.money import money_text

_KEYS = {"daily-disbursement": "business_date", "special-cases": "review_period", "annual-clearing": "year"}


async def run_view(run_id: uuid.UUID, uow: DisbursementUnitOfWork, calendar: WorkingDayCalendar) -> dict[str, Any] | None:
    async with uow:
        run = await uow.runs.get(run_id)
        return await run_view_of(run, uow, calendar) if run else None


async def run_view_of(run: Run, uow: DisbursementUnitOfWork, calendar: WorkingDayCalendar) -> dict[str, Any]:
    payments = await uow.payments.of_run(run.run_id)
    made_on = run.computed_at.astimezone(SHANGHAI).date()
    today = datetime.now(SHANGHAI).date()
    late_by: int | None = 0
    if made_on > run.due_date:
        try:
            late_by = calendar.working_days_between(run.due_date, made_on)
        except CalendarNotLoaded:
            late_by = None  # late, by a count the loaded calendar cannot give
    consistency = None
    if run.run_type == "monthly-settlement":
        check = await uow.consistency.get(run.admdvs, run.run_key)
        consistency = {"checked": False} if check is None else {
            "checked": True, "agreed": check.agreed, "checked_at": check.checked_at.isoformat(),
            "unexplained": sum(1 for d in check.differences if not d.get("explained")),
            "differences": check.differences}
    return {
        "run_id": str(run.run_id), "run_type": run.run_type, "admdvs": run.admdvs,
        **({"consistency": consistency} if consistency is not None else {}),
        _KEYS.get(run.run_type, "period"): run.run_key,
        "status": run.status, "policy_version": run.policy_version, "computed_at": run.computed_at.isoformat(),
        "prepared_by": run.prepared_by, "signed_by": run.signed_by, "signed_at": run.signed_at.isoformat() if run.signed_at else None,
        "due_date": run.due_date.isoformat(), "late": made_on > run.due_date, "late_by_working_days": late_by,
        "overdue_now": today > run.due_date and (run.status == "computed"
                                                 or await uow.payments.undelivered_past_due(run.run_id, today)),
        "records": run.summary.get("records", 0), **{k: v for k, v in run.summary.items() if k != "records"},
        "lines": [payment_view(p) for p in payments],
        "total": money_text(run.total), "payment_total": money_text(run.payment_total),
        "by_fund": _by_fund(payments),
    }


async def runs_listing(uow: DisbursementUnitOfWork, *, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    """A page of runs without their lines: what an operator scans for what awaits a signature or is late."""
    today = datetime.now(SHANGHAI).date()
    async with uow:
        runs, count = await uow.runs.listing(limit=limit, offset=offset, **filters)
        items = [{
            "run_id": str(run.run_id), "run_type": run.run_type, "admdvs": run.admdvs, "key": run.run_key,
            "status": run.status, "policy_version": run.policy_version, "due_date": run.due_date.isoformat(),
            "computed_at": run.computed_at.isoformat(), "prepared_by": run.prepared_by, "signed_by": run.signed_by,
            "total": money_text(run.total), "payment_total": money_text(run.payment_total),
            "overdue_now": today > run.due_date and (run.status == "computed"
                                                     or await uow.payments.undelivered_past_due(run.run_id, today)),
        } for run in runs]
    return {"items": items, "count": count, "limit": limit, "offset": offset}


def payment_view(p: Payment) -> dict[str, Any]:
    return {
        "payment_id": str(p.payment_id), "run_id": str(p.run_id), "run_type": p.run_type,
        "fixmedins_code": p.fixmedins_code, "insutype": p.insutype, "period": p.period, "records": p.records,
        **p.details,
        "amount": money_text(p.amount), "carried_in": money_text(p.carried_in), "payment": money_text(p.payment),
        "carried_forward": money_text(p.carried_forward), "status": p.status, "voucher_no": p.voucher_no,
        "reason": p.reason, "carried_into": str(p.carried_into) if p.carried_into else None,
        "ordered_at": p.ordered_at.isoformat(), "settled_at": p.settled_at.isoformat() if p.settled_at else None,
    }


def _by_fund(payments: list[Payment]) -> dict[str, dict[str, str]]:
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for p in payments:
        sums[p.insutype]["amount"] += p.amount
        sums[p.insutype]["payment"] += p.payment
    return {fund: {k: money_text(v) for k, v in values.items()} for fund, values in sorted(sums.items())}
