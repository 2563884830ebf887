"""The agency's expenditure accounts (医保基金支出户): every voucher is debited from one (N art.15)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from shared.contracts.events import BankAccount


class PayerAccounts:
    def __init__(self, by_region: dict[str, dict[str, BankAccount]]) -> None:
        self._by_region = by_region

    def payer(self, admdvs: str, insutype: str) -> BankAccount | None:
        for region in (admdvs, "default"):
            account = self._by_region.get(region, {}).get(insutype)
            if account is not None:
                return account
        return None

    @classmethod
    def load(cls, path: str | None = None) -> PayerAccounts:
        text = Path(path).read_text(encoding="utf-8") if path else \
            (files("bank_gateway") / "data" / "payer_accounts.json").read_text(encoding="utf-8")
        data = json.loads(text)
        return cls({
            region: {fund: BankAccount.model_validate(acct) for fund, acct in funds.items()}
            for region, funds in data.items() if not region.startswith("_")
        })
