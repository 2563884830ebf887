"""Wiring: the accounting service's app."""

from __future__ import annotations

from fastapi import FastAPI

from accounting.api import books, consistency
from accounting.consumers import subscriptions
from accounting.service.uow import AccountingUnitOfWork
from accounting.settings import AccountingSettings
from shared.service import Runtime, service_app


def create_app(settings: AccountingSettings) -> FastAPI:
    runtime = Runtime(settings, package="accounting", uow_class=AccountingUnitOfWork, subscriptions=subscriptions)
    return service_app(runtime, title="Jishi accounting",
                       description="The fund's double-entry books and the business-vs-finance check "
                                   "(N art.19, art.22, SX §5, ZJ §5).",
                       routers=[books.router, consistency.router])
