"""Bank reconciliation (银行对账, N art.22) for one value date: the bank's list against our vouchers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bank_gateway.adapters.bank_link import BankLink
from bank_gateway.domain.reconciliation import Difference, OurVoucher, reconcile
from bank_gateway.service.uow import BankGatewayUnitOfWork
from shared.money import total


@dataclass(frozen=True)
class BankReconciliation:
    value_date: date
    ours_count: int
    ours_total: Decimal
    bank_count: int
    bank_total: Decimal
    differences: list[Difference]


async def reconcile_with_bank(value_date: date, uow_factory: Callable[[], BankGatewayUnitOfWork],
                              link: BankLink) -> BankReconciliation:
    """Raises BankUnavailable when the bank's list cannot be had."""
    bank = await link.paid_on(value_date)
    async with uow_factory() as uow:
        paid = await uow.vouchers.paid_on(value_date)
        named = await uow.vouchers.numbered([p.voucher_no for p in bank])
        ours = {v.voucher_no: OurVoucher(v.voucher_no, v.status, v.amount, v.value_date) for v in paid + named}
        paid_total = total(v.amount for v in paid)
    return BankReconciliation(
        value_date=value_date, ours_count=len(paid), ours_total=paid_total,
        bank_count=len(bank), bank_total=total(p.amount for p in bank),
        differences=reconcile(value_date, list(ours.values()), bank),
    )
