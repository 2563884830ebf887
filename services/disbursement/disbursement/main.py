"""Wiring: the disbursement service's app."""

from __future__ import annotations

from fastapi import FastAPI

from disbursement.adapters.repositories.runs import RUNS_LATE_SQL
from disbursement.api import calendar, enrollments, intake, regions, reports, runs, special_cases
from disbursement.consumers import subscriptions
from disbursement.service.uow import DisbursementUnitOfWork
from disbursement.settings import DisbursementSettings
from shared.observability.metrics import DatabaseGauge
from shared.service import Runtime, service_app

#: For the alert "a run late against its due date" (JishiRunLate, LS §3.2, N art.18): past its due date
#: (Beijing), unsigned, or with money not yet at the institution — postponed batches included.
RUNS_LATE = DatabaseGauge(
    "jishi_runs_late", "Runs past their due date still unsigned or whose money has not reached the institution "
    "(postponed or rejected and not yet paid by the payment that took it over included), by run type",
    RUNS_LATE_SQL, labels=("run_type",))


def create_app(settings: DisbursementSettings) -> FastAPI:
    runtime = Runtime(settings, package="disbursement", uow_class=DisbursementUnitOfWork,
                      subscriptions=subscriptions, gauges=[RUNS_LATE])
    return service_app(runtime, title="Jishi disbursement",
                       description="The policy engine: per-record lines, daily runs, payments and postponement.",
                       routers=[regions.router, runs.router, enrollments.router, special_cases.router, reports.router,
                                intake.router, calendar.router])
