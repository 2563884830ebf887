"""Wiring: the bank simulator's app."""

from __future__ import annotations

from fastapi import FastAPI

from bank_simulator.api import bank
from bank_simulator.consumers import subscriptions
from bank_simulator.service.bank import deliver_late_receipts
from bank_simulator.service.uow import BankUnitOfWork
from bank_simulator.settings import BankSimulatorSettings
from shared.service import Runtime, service_app


def create_app(settings: BankSimulatorSettings) -> FastAPI:
    runtime = Runtime(settings, package="bank_simulator", uow_class=BankUnitOfWork, subscriptions=subscriptions,
                      background=[deliver_late_receipts])
    return service_app(runtime, title="Jishi bank simulator",
                       description="Stands in for the fund's bank: vouchers in, receipts out, faults on demand.",
                       routers=[bank.payments, bank.faults])
