"""The daily disbursement run (日拨付, JL art.11, N art.22): claim the enrolled institutions' unordered lines
up to the business date, sum them per institution, fund and month with what was postponed earlier
(N art.18), and order the payments. Weekly and dekad regions run it on the batch's closing working day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from disbursement.adapters.tables import Run
from disbursement.domain.batches import batch_closing
from disbursement.domain.errors import NotABatchClosing
from disbursement.service.runs.common import (
    carry_in,
    enrolled_for,
    existing_or_policy,
    new_run,
    order,
    payment_rows,
    record_carries,
    summarize,
)
from disbursement.service.runs.view import run_view_of
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar

DAILY = "daily-disbursement"


async def daily_disbursement(admdvs: str, day: date, uow: DisbursementUnitOfWork,
                             calendar: WorkingDayCalendar) -> dict[str, Any]:
    async with uow:
        found = await existing_or_policy(uow, DAILY, admdvs, day.isoformat(), day, path="B")
        if isinstance(found, Run):
            return await run_view_of(found, uow, calendar)
        policy = found.policy
        closing = batch_closing(day, policy.batch, calendar)
        if closing != day:
            raise NotABatchClosing(f"region {admdvs} pays in {policy.batch} batches; the batch of {day} closes "
                                   f"on {closing}")
        due = calendar.add_working_days(day, policy.pay_within_working_days)
        working = calendar.is_working_day(day)
        automatic = policy.daily_sign_off == "automatic"
        now = datetime.now(UTC)
        institutions = await enrolled_for(uow, admdvs, "B")
        run = new_run(DAILY, admdvs, day.isoformat(), found.version, due, "computed", [], [], {})
        claimed = await uow.lines.claim_for_run(run.run_id, admdvs, day, institutions)
        carried = await carry_in(uow, admdvs, institutions)
        summary = summarize((((c.fixmedins_code, c.insutype, c.period), c.amount) for c in claimed), carried)
        # A batch that falls on a non-working day is made but not sent: the next working day's run carries it.
        status = "computed" if not automatic else "ordered" if working else "postponed"
        rows = payment_rows(run.run_id, DAILY, admdvs, summary, status=status, now=now)
        await uow.payments.add(rows)
        await record_carries(uow, run.run_id, carried)
        counts = Counter(c.fixmedins_code for c in claimed)
        run.status = status
        run.total = sum((s.amount for s in summary), run.total)
        run.payment_total = sum((s.payment for s in summary if status == "ordered"), run.payment_total)
        run.summary = {"business_date": day.isoformat(), "batch": policy.batch, "working_day": working,
                       "records": len(claimed), "institutions": dict(counts)}
        if automatic:
            run.signed_by, run.signed_at = "system", now
        uow.runs.add(run)
        await uow.session.flush()
        if automatic:
            await order(uow, run, await uow.payments.of_run(run.run_id), purpose=f"日拨付 {day}", business_date=day)
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view
