"""What is due on a day, started by a scheduler that cannot know the Chinese working-day calendar (a
Kubernetes CronJob): yesterday's daily batch, this month's prepayment, last month's settlement. Every run is
idempotent, so a retried job pays nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from disbursement.domain.batches import batch_closing
from disbursement.domain.errors import DisbursementError, SettlementNotReady
from disbursement.domain.monthly import declaration_deadline
from disbursement.domain.versions import policy_in_force
from disbursement.service.runs.daily import daily_disbursement
from disbursement.service.runs.prepayment import monthly_prepayment_run, previous_period
from disbursement.service.runs.settlement import monthly_settlement_run
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.contracts.codes import period_of


async def due_on(day: date, uow_factory: Callable[[], DisbursementUnitOfWork],
                 calendar: WorkingDayCalendar, *, prepared_by: str = "scheduler") -> list[dict[str, Any]]:
    """Start every run due on ``day`` in every region with a policy; returns what each run is now. The runs are
    the scheduler's (``prepared_by``): any person may sign them."""
    async with uow_factory() as uow:
        regions = await uow.policies.regions()
        versions = await uow.policies.versions(regions)
    started: list[dict[str, Any]] = []
    for admdvs in sorted(regions):
        in_force = policy_in_force(versions[admdvs], day)
        if in_force is None:
            continue
        policy = in_force.policy
        yesterday = day - timedelta(days=1)
        wanted: list[tuple[str, Any]] = []
        if "B" in policy.paths and batch_closing(yesterday, policy.batch, calendar) == yesterday:
            wanted.append(("daily-disbursement", lambda u, a=admdvs, d=yesterday: daily_disbursement(a, d, u, calendar, today=day, prepared_by=prepared_by)))
        period = period_of(day)
        if "C" in policy.paths and calendar.is_working_day(day):
            wanted.append(("monthly-prepayment",
                           lambda u, a=admdvs, p=period: monthly_prepayment_run(a, p, u, calendar, today=day, prepared_by=prepared_by)))
        last = previous_period(period)
        if day > declaration_deadline(last, policy.settlement):
            # Asked every day from the day after the deadline; made once the month's audit has ended (SX §3).
            wanted.append(("monthly-settlement",
                           lambda u, a=admdvs, p=last: monthly_settlement_run(a, p, u, calendar, today=day, prepared_by=prepared_by)))
        for run_type, start in wanted:
            try:
                view = await start(uow_factory())
                started.append({"admdvs": admdvs, "run_type": run_type, "run_id": view["run_id"],
                                "status": view["status"], "due_date": view["due_date"]})
            except SettlementNotReady as exc:
                started.append({"admdvs": admdvs, "run_type": run_type, "waiting": str(exc), "errors": exc.errors})
            except DisbursementError as exc:
                started.append({"admdvs": admdvs, "run_type": run_type, "error": str(exc)})
    return started

