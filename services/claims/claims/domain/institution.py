"""A designated institution (定点医药机构) as the registry knows it."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.events import BankAccount


@dataclass(frozen=True)
class Institution:
    fixmedins_code: str
    fixmedins_name: str
    admdvs: str
    fixmedins_type: str
    hosp_lv: str | None
    bank_acct: BankAccount
    version: int
