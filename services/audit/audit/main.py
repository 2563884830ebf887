"""Wiring: the audit service's app."""

from __future__ import annotations

from fastapi import FastAPI

from audit.consumers import subscriptions
from audit.domain.catalogue import shipped_catalogue
from audit.domain.rules import RULES
from audit.service.uow import AuditUnitOfWork
from audit.settings import AuditSettings
from shared.service import Runtime, service_app


def create_app(settings: AuditSettings) -> FastAPI:
    runtime = Runtime(settings, package="audit", uow_class=AuditUnitOfWork,
                      subscriptions=subscriptions(shipped_catalogue(), RULES))
    return service_app(runtime, title="Jishi audit",
                       description="Intelligent audit: every settlement through the rules (N art.13).",
                       routers=[])
