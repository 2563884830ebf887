"""Wiring: the claims service's app, built from its settings (never at import)."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from claims.api import afterwards, institutions, settlements
from claims.api.schemas import SettlementBatch
from claims.consumers import subscriptions
from claims.service.uow import ClaimsUnitOfWork
from claims.settings import ClaimsSettings
from shared.contracts.settlement import SettlementRecord
from shared.service import Runtime, service_app


def create_app(settings: ClaimsSettings) -> FastAPI:
    # Its work is its API: it stays ready (in its Service) while the consumer of its views rebalances, which
    # happens whenever a replica comes or goes; the views catch up on their own.
    runtime = Runtime(settings, package="claims", uow_class=ClaimsUnitOfWork, subscriptions=subscriptions,
                      ready_without_partitions=True)
    app = service_app(
        runtime,
        title="Jishi claims",
        description="The institutions' API: settlements and fee details, and what became of each.",
        routers=[institutions.router, settlements.router, afterwards.router],
        max_body_bytes=settings.max_body_bytes,
        extra_schemas=[SettlementRecord, SettlementBatch],
    )
    app.state.intake_slots = asyncio.Semaphore(settings.intake_concurrency)
    return app
