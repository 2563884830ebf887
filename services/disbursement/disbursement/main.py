"""Wiring: the disbursement service's app."""

from __future__ import annotations

from fastapi import FastAPI

from disbursement.adapters.repositories.care_to_cash import MEAN_DAYS_SQL, PAID_WITHIN_SQL
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

#: Care to cash, the reform's headline ("days instead of months"): records paid in the last 30 days within so
#: many days of care (cumulative), and their mean days.
CARE_TO_CASH_PAID_WITHIN = DatabaseGauge(
    "jishi_care_to_cash_records", "Records paid in the last 30 days within `within_days` days of their care "
    "(business date to the bank's receipt, Beijing days), cumulative", PAID_WITHIN_SQL,
    labels=("admdvs", "within_days"))
CARE_TO_CASH_MEAN = DatabaseGauge(
    "jishi_care_to_cash_mean_days", "Mean days from care to the bank's receipt of the records paid in the last "
    "30 days", MEAN_DAYS_SQL, labels=("admdvs",))


def create_app(settings: DisbursementSettings) -> FastAPI:
    runtime = Runtime(settings, package="disbursement", uow_class=DisbursementUnitOfWork,
                      subscriptions=subscriptions, gauges=[RUNS_LATE, CARE_TO_CASH_PAID_WITHIN, CARE_TO_CASH_MEAN])
    return service_app(runtime, title="Jishi disbursement",
                       description="The policy engine: per-record lines, daily runs, payments and postponement.",
                       routers=[regions.router, runs.router, enrollments.router, special_cases.router, reports.router,
                                intake.router, calendar.router])
