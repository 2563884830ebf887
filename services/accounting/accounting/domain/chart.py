"""The chart of accounts (会计科目), as data from the seeds (SX §5, ZJ §5)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

Kind = Literal["asset", "liability", "equity", "income", "expense"]

FISCAL_SPECIAL = "1003"  # 财政专户存款
CASH_EXPENDITURE = "1004"  # 支出户存款
ADVANCE = "120101"  # 暂付款—即时结算预拨
DEPOSIT = "210101"  # 暂收款—医疗服务质量保证金
BENEFITS = "5101"  # 待遇支出
SPECIAL_CASES = "510107"  # 待遇支出—特例单议
ASSESSMENT = "510108"  # 待遇支出—年度清算考核调整


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    kind: Kind
    parent: str | None
    #: Auxiliary dimensions postings must carry (辅助核算): institution and year-month for the advance.
    aux: tuple[str, ...]
    #: For a detail of 待遇支出: the benefit category it books (outpatient, chronic, inpatient, ...).
    category: str | None = None

    @property
    def normal_side(self) -> Literal["D", "C"]:
        return "D" if self.kind in ("asset", "expense") else "C"


@cache
def chart() -> dict[str, Account]:
    data = json.loads((files("accounting") / "data" / "chart.json").read_text(encoding="utf-8"))
    return {a["code"]: Account(a["code"], a["name"], a["kind"], a.get("parent"), tuple(a.get("aux", [])),
                               a.get("category"))
            for a in data["accounts"]}


@cache
def benefit_accounts() -> dict[str, str]:
    """待遇支出 by category (SX §5, ZJ §5): category → its detail account, from the chart."""
    return {a.category: a.code for a in chart().values() if a.category is not None}
