"""Wiring: the audit service's app."""

from __future__ import annotations

from fastapi import FastAPI

from audit.api import deductions, fhir, findings, regions, risk, rules
from audit.consumers import subscriptions
from audit.domain.catalogue import shipped_catalogue
from audit.domain.rules import LIBRARY
from audit.service.configs import RegionConfigs
from audit.service.risk import RiskConfigs
from audit.service.uow import AuditUnitOfWork
from audit.settings import AuditSettings
from shared.observability.metrics import DatabaseGauge
from shared.service import Runtime, service_app

#: For the alert JishiRiskWarningRed (N art.20): warnings no operator has acted on yet.
RISK_WARNINGS_OPEN = DatabaseGauge(
    "jishi_risk_warnings_open", "Risk warnings no operator has acted on, by region and level (N art.20)",
    "SELECT admdvs, level, count(*) FROM risk_warnings WHERE status = 'open' GROUP BY admdvs, level",
    labels=("admdvs", "level"))


def create_app(settings: AuditSettings) -> FastAPI:
    catalogue, configs = shipped_catalogue(), RegionConfigs(LIBRARY)
    risks = RiskConfigs(watching=settings.risk_watch)
    runtime = Runtime(settings, package="audit", uow_class=AuditUnitOfWork,
                      subscriptions=subscriptions(catalogue, configs, risks), gauges=[RISK_WARNINGS_OPEN])
    app = service_app(runtime, title="Jishi audit",
                      description="Intelligent audit: every settlement through the rule base, suspicious and sampled "
                                  "ones to manual review, confirmed violations deducted (N art.13, JL art.13).",
                      routers=[findings.router, deductions.router, regions.router, rules.router, risk.router, fhir.router])
    app.state.catalogue, app.state.audit_configs, app.state.risk_configs = catalogue, configs, risks
    return app
