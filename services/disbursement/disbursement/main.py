"""Wiring: the disbursement service's app."""

from __future__ import annotations

from fastapi import FastAPI

from disbursement.api import calendar, enrollments, intake, regions, reports, runs, special_cases
from disbursement.consumers import subscriptions
from disbursement.service.uow import DisbursementUnitOfWork
from disbursement.settings import DisbursementSettings
from shared.observability.metrics import DatabaseGauge
from shared.service import Runtime, service_app

#: For the alert "a run late against its due date": past its due date (Beijing), still awaiting a signature
#: or with a payment the bank has not settled.
RUNS_LATE = DatabaseGauge(
    "jishi_runs_late", "Runs past their due date still unsigned or with a payment not settled, by run type",
    "SELECT r.run_type, count(*) FROM runs r WHERE r.due_date < (now() AT TIME ZONE 'Asia/Shanghai')::date"
    " AND (r.status = 'computed' OR EXISTS (SELECT 1 FROM payments p WHERE p.run_id = r.run_id"
    " AND p.status = 'ordered')) GROUP BY r.run_type", labels=("run_type",))


def create_app(settings: DisbursementSettings) -> FastAPI:
    runtime = Runtime(settings, package="disbursement", uow_class=DisbursementUnitOfWork,
                      subscriptions=subscriptions, gauges=[RUNS_LATE])
    return service_app(runtime, title="Jishi disbursement",
                       description="The policy engine: per-record lines, daily runs, payments and postponement.",
                       routers=[regions.router, runs.router, enrollments.router, special_cases.router, reports.router,
                                intake.router, calendar.router])
