"""Wiring: the disbursement service's app."""

from __future__ import annotations

from fastapi import FastAPI

from disbursement.api import calendar, enrollments, intake, regions, reports, runs, special_cases
from disbursement.consumers import subscriptions
from disbursement.service.uow import DisbursementUnitOfWork
from disbursement.settings import DisbursementSettings
from shared.service import Runtime, service_app


def create_app(settings: DisbursementSettings) -> FastAPI:
    runtime = Runtime(settings, package="disbursement", uow_class=DisbursementUnitOfWork,
                      subscriptions=subscriptions)
    return service_app(runtime, title="Jishi disbursement",
                       description="The policy engine: per-record lines, daily runs, payments and postponement.",
                       routers=[regions.router, runs.router, enrollments.router, special_cases.router, reports.router,
                                intake.router, calendar.router])
