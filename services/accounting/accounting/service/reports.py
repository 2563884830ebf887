"""The trial balance (科目余额表): every account's debits, credits and balance, per fund."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from accounting.domain.chart import chart
from accounting.service.uow import AccountingUnitOfWork
from shared.money import ZERO, money_text


async def trial_balance(uow: AccountingUnitOfWork, *, period: str | None, fund: str | None) -> dict[str, Any]:
    async with uow:
        rows = await uow.ledger.balances(period=period, fund=fund)
    accounts = chart()
    funds: dict[str, list[dict[str, str]]] = defaultdict(list)
    debits, credits = ZERO, ZERO
    for code, row_fund, debit, credit in rows:
        account = accounts[code]
        balance = Decimal(debit) - Decimal(credit)
        if account.normal_side == "C":
            balance = -balance
        funds[row_fund].append({"account": code, "name": account.name, "debit": money_text(debit),
                                "credit": money_text(credit), "balance": money_text(balance),
                                "normal_side": account.normal_side})
        debits += debit
        credits += credit
    return {"period": period, "fund": fund, "funds": dict(funds), "total_debit": money_text(debits),
            "total_credit": money_text(credits), "balanced": debits == credits}
