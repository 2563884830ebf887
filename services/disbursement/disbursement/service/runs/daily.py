"""The daily disbursement run (日拨付, JL art.11, N art.22): sum the batch's lines of the enrolled institutions
per institution, fund and month, add what was postponed earlier (N art.18), and order the payments. Every
line joined its batch when it was computed, so the run reads its batch instead of updating each line.
Weekly and dekad regions run it on the batch's closing working day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from disbursement.adapters.tables import Run
from disbursement.domain.batches import batch_closing, batch_end, open_batch
from disbursement.domain.errors import NotABatchClosing
from disbursement.domain.signatures import AUTOMATIC_SIGNATURE
from disbursement.service.lines import republish
from disbursement.service.runs.common import (
    carry_in,
    enrolled_for,
    existing_or_policy,
    new_run,
    order,
    payment_rows,
    record_carries,
    summarize_groups,
)
from disbursement.service.runs.view import run_view_of
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.contracts.codes import SHANGHAI

DAILY = "daily-disbursement"


def batch_goes_out(day: date, due: date, today: date, calendar: WorkingDayCalendar) -> bool:
    """A batch of a working day goes out when signed. One that falls on a non-working day is postponed
    (顺延, N art.18) until its due date, the next working day, and goes out on that day, not a day later
    (LS §3.2): signed on or after its due date, it is sent at once."""
    return calendar.is_working_day(day) or today >= due


async def daily_disbursement(admdvs: str, day: date, uow: DisbursementUnitOfWork,
                             calendar: WorkingDayCalendar, *, today: date | None = None,
                             prepared_by: str | None = None) -> dict[str, Any]:
    """``today`` is the Beijing date the run is made on (a scheduler passes the day it runs for);
    ``prepared_by`` who asked for it (whoever signs must be someone else)."""
    today = today or datetime.now(SHANGHAI).date()
    async with uow:
        await uow.lines.lock_batches([admdvs], exclusive=True)
        found = await existing_or_policy(uow, DAILY, admdvs, day.isoformat(), day, path="B")
        if isinstance(found, Run):
            return await run_view_of(found, uow, calendar)
        policy = found.policy
        closing = batch_closing(day, policy.batch, calendar)
        if closing != day:
            raise NotABatchClosing(f"region {admdvs} pays in {policy.batch} batches; the batch of {day} closes "
                                   f"on {closing}")
        batch = batch_end(day, policy.batch)
        due = calendar.add_working_days(day, policy.pay_within_working_days)
        working = calendar.is_working_day(day)
        goes_out = batch_goes_out(day, due, today, calendar)
        automatic = policy.daily_sign_off == "automatic"
        now = datetime.now(UTC)
        institutions = await enrolled_for(uow, admdvs, "B")
        # This batch, and any earlier one whose day was never run: no line is left behind. A batch a later
        # day's run already closed (it catches up on days never run) is not paid again.
        already = (await uow.lines.closed_batches([admdvs], batch)).get(admdvs, set())
        closing = sorted(set(await uow.lines.open_batches(admdvs, batch)) | ({batch} - already))
        closed = already | set(closing)
        later = open_batch(batch + timedelta(days=1), policy.batch, closed)
        # A suspended institution's lines wait in the next batch (N art.21): held, not lost.
        await republish(uow, await uow.lines.move_batch(admdvs, closing, institutions, later))
        run = new_run(DAILY, admdvs, day.isoformat(), found.version, due, "computed", [], [], {}, prepared_by)
        run.batch_date = batch
        claimed = await uow.lines.batch(admdvs, closing)
        await uow.lines.close_batches(admdvs, closing, run.run_id, now)
        carried = await carry_in(uow, admdvs, institutions, daily=True)
        summary = summarize_groups(claimed, carried)
        status = "computed" if not automatic else "ordered" if goes_out else "postponed"
        await uow.payments.add(payment_rows(run.run_id, DAILY, admdvs, summary, status=status, now=now))
        await record_carries(uow, run.run_id, carried)
        counts: Counter[str] = Counter()
        for group in claimed:
            counts[group.fixmedins_code] += group.records
        run.status = status
        run.total = sum((s.amount for s in summary), run.total)
        run.payment_total = sum((s.payment for s in summary if status == "ordered"), run.payment_total)
        run.summary = {"business_date": day.isoformat(), "batch": policy.batch, "batch_date": batch.isoformat(),
                       "batches": [d.isoformat() for d in closing],
                       "working_day": working, "records": sum(counts.values()), "institutions": dict(counts)}
        if automatic:
            run.signed_by, run.signed_at = AUTOMATIC_SIGNATURE, now
        uow.runs.add(run)
        await uow.session.flush()
        if automatic:
            await order(uow, run, await uow.payments.of_run(run.run_id), purpose=f"日拨付 {day}", business_date=day)
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view
