"""Signing a run (签字, JL art.11): the summary an operator signs is what the bank is asked to pay."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from disbursement.domain.errors import NotFound, Refused
from disbursement.domain.signatures import second_pair_of_eyes, signatory
from disbursement.service.runs.common import order, suspended
from disbursement.service.runs.daily import batch_goes_out
from disbursement.service.runs.settlement import publish_settlement
from disbursement.service.runs.view import run_view_of
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.contracts.codes import SHANGHAI

PURPOSES = {"daily-disbursement": "日拨付", "monthly-prepayment": "按月预拨", "monthly-settlement": "月结算",
            "special-cases": "特例单议", "annual-clearing": "年度清算"}


async def sign_off(run_id: uuid.UUID, signed_by: str, uow: DisbursementUnitOfWork,
                   calendar: WorkingDayCalendar, *, today: date | None = None) -> dict[str, Any]:
    """Release a computed run's payments; signing a signed run again returns it as it is. ``today`` is the
    Beijing date of the signature."""
    today = today or datetime.now(SHANGHAI).date()
    signed_by = signatory(signed_by)
    async with uow:
        run = await uow.runs.get(run_id, for_update=True)
        if run is None:
            raise NotFound(f"run {run_id}")
        if run.status != "computed":
            return await run_view_of(run, uow, calendar)
        second_pair_of_eyes(run.prepared_by, signed_by, f"the {run.run_type} run {run.run_key} of {run.admdvs}")
        if run.run_type == "monthly-settlement":
            await _refuse_unexplained_differences(uow, run.admdvs, run.run_key)
        now = datetime.now(UTC)
        held = await suspended(uow, run.admdvs)
        business_date = date.fromisoformat(run.run_key) if run.run_type == "daily-disbursement" else None
        payments = await uow.payments.release(run.run_id, held, now)
        if business_date is not None and not batch_goes_out(business_date, run.due_date, today, calendar):
            for payment in payments:
                if payment.status == "ordered":
                    payment.status = "postponed"
        run.status = "postponed" if any(p.status == "postponed" for p in payments) else "ordered"
        run.signed_by, run.signed_at = signed_by, now
        run.payment_total = sum((p.payment for p in payments if p.status == "ordered"), run.total * 0)
        await uow.session.flush()
        await order(uow, run, payments, purpose=f"{PURPOSES.get(run.run_type, run.run_type)} {run.run_key}",
                    business_date=business_date)
        if run.run_type == "monthly-settlement":
            publish_settlement(uow, run, payments, now)
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view


async def _refuse_unexplained_differences(uow: DisbursementUnitOfWork, admdvs: str, period: str) -> None:
    """N art.22: business and finance agree before the month is settled; a difference accounting found
    and nobody explained blocks the signature, each named."""
    check = await uow.consistency.get(admdvs, period)
    if check is None:
        return  # accounting has not checked this month yet: nothing known to disagree
    open_ = [d for d in check.differences if not d.get("explained")]
    if open_:
        raise Refused(f"business and finance disagree on {len(open_)} line(s) of {period}; explain them in "
                      "accounting first", errors=[{"field": f"{d['fixmedins_code']}/{d['insutype']}",
                                                   "message": f"{d['kind']}: business {d['business']}, bank "
                                                              f"{d['bank']}, books {d['books']}"} for d in open_])
