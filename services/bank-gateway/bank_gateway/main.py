"""Wiring: the bank gateway's app."""

from __future__ import annotations

from fastapi import FastAPI

from bank_gateway.adapters.bank_link import BankLink
from bank_gateway.api import bank_reconciliation, fhir, receipt_exceptions, vouchers
from bank_gateway.consumers import subscriptions
from bank_gateway.domain.accounts import PayerAccounts
from bank_gateway.service.status_queries import status_queries
from bank_gateway.service.uow import BankGatewayUnitOfWork
from bank_gateway.settings import BankGatewaySettings
from shared.observability.metrics import DatabaseGauge
from shared.service import Runtime, service_app


def receipt_gauges(settings: BankGatewaySettings) -> list[DatabaseGauge]:
    """For the alert "a receipt missing past its timeout": vouchers issued and still without a receipt."""
    return [
        DatabaseGauge("jishi_vouchers_awaiting_receipt", "Vouchers issued to the bank and not yet answered",
                      "SELECT count(*) FROM vouchers WHERE status = 'issued'"),
        DatabaseGauge("jishi_vouchers_receipt_overdue",
                      "Vouchers still without a receipt longer than BANK_GATEWAY_RECEIPT_TIMEOUT_S after issue",
                      "SELECT count(*) FROM vouchers WHERE status = 'issued'"
                      " AND issued_at < now() - make_interval(secs => :timeout)",
                      params={"timeout": settings.receipt_timeout_s}),
    ]


def create_app(settings: BankGatewaySettings) -> FastAPI:
    accounts = PayerAccounts.load(settings.payer_accounts_file)
    link = BankLink(settings.bank_url, settings.bank_credential, settings.bank_http_timeout_s)
    runtime = Runtime(settings, package="bank_gateway", uow_class=BankGatewayUnitOfWork,
                      subscriptions=subscriptions(accounts),
                      background=[status_queries(settings, link)],  # it also closes the link when it stops
                      gauges=receipt_gauges(settings))
    app = service_app(runtime, title="Jishi bank gateway",
                      description="Payment vouchers to the fund's bank, and its receipts back.",
                      routers=[vouchers.router, receipt_exceptions.router, bank_reconciliation.router, fhir.router])
    app.state.bank_link = link
    return app
