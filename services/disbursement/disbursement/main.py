"""Wiring: the disbursement service's app."""

from __future__ import annotations

from fastapi import FastAPI

from disbursement.api import calendar, enrollments, intake, regions, reports, runs, special_cases
from disbursement.consumers import subscriptions
from disbursement.service.uow import DisbursementUnitOfWork
from disbursement.settings import DisbursementSettings
from shared.observability.metrics import DatabaseGauge
from shared.service import Runtime, service_app

#: For the alert "a run late against its due date" (JishiRunLate): past its due date (Beijing), still awaiting a
#: signature, with a payment the bank has not settled, or with a postponed payment (N art.18) not yet taken
#: over by a later payment, or taken over by one still unpaid.
RUNS_LATE = DatabaseGauge(
    "jishi_runs_late", "Runs past their due date still unsigned or with a payment not settled, by run type",
    "SELECT r.run_type, count(*) FROM runs r WHERE r.due_date < (now() AT TIME ZONE 'Asia/Shanghai')::date"
    " AND (r.status = 'computed' OR EXISTS (SELECT 1 FROM payments p WHERE p.run_id = r.run_id"
    " AND (p.status = 'ordered' OR p.status = 'postponed' AND (p.carried_into IS NULL OR EXISTS ("
    "SELECT 1 FROM payments q WHERE q.payment_id = p.carried_into AND q.status IN ('computed', 'ordered')))))"
    ") GROUP BY r.run_type", labels=("run_type",))


def create_app(settings: DisbursementSettings) -> FastAPI:
    runtime = Runtime(settings, package="disbursement", uow_class=DisbursementUnitOfWork,
                      subscriptions=subscriptions, gauges=[RUNS_LATE])
    return service_app(runtime, title="Jishi disbursement",
                       description="The policy engine: per-record lines, daily runs, payments and postponement.",
                       routers=[regions.router, runs.router, enrollments.router, special_cases.router, reports.router,
                                intake.router, calendar.router])
