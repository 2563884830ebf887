"""Wiring: the bank gateway's app."""

from __future__ import annotations

from fastapi import FastAPI

from bank_gateway.api import vouchers
from bank_gateway.consumers import subscriptions
from bank_gateway.domain.accounts import PayerAccounts
from bank_gateway.service.uow import BankGatewayUnitOfWork
from bank_gateway.settings import BankGatewaySettings
from shared.service import Runtime, service_app


def create_app(settings: BankGatewaySettings) -> FastAPI:
    accounts = PayerAccounts.load(settings.payer_accounts_file)
    runtime = Runtime(settings, package="bank_gateway", uow_class=BankGatewayUnitOfWork,
                      subscriptions=subscriptions(accounts))
    return service_app(runtime, title="Jishi bank gateway",
                       description="Payment vouchers to the fund's bank, and its receipts back.",
                       routers=[vouchers.router])
