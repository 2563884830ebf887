"""Wiring: the audit service's app."""

from __future__ import annotations

from fastapi import FastAPI

from audit.api import deductions, findings, regions, rules
from audit.consumers import subscriptions
from audit.domain.catalogue import shipped_catalogue
from audit.domain.rules import LIBRARY
from audit.service.configs import RegionConfigs
from audit.service.uow import AuditUnitOfWork
from audit.settings import AuditSettings
from shared.service import Runtime, service_app


def create_app(settings: AuditSettings) -> FastAPI:
    catalogue, configs = shipped_catalogue(), RegionConfigs(LIBRARY)
    runtime = Runtime(settings, package="audit", uow_class=AuditUnitOfWork,
                      subscriptions=subscriptions(catalogue, configs))
    app = service_app(runtime, title="Jishi audit",
                      description="Intelligent audit: every settlement through the rule base, suspicious and sampled "
                                  "ones to manual review, confirmed violations deducted (N art.13, JL art.13).",
                      routers=[findings.router, deductions.router, regions.router, rules.router])
    app.state.catalogue, app.state.audit_configs = catalogue, configs
    return app
