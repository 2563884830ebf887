"""The medical catalogue (医保药品和医疗服务项目目录): the knowledge base the rules check against.

Shipped as ``audit/data/catalogue.csv``, a small catalogue made for this project in the national code style.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from io import StringIO


@dataclass(frozen=True)
class CatalogueItem:
    med_list_codg: str
    name: str
    chrgitm_type: str
    price_ceiling: Decimal | None
    #: "1" male only, "2" female only (national gend codes), None for either.
    sex_limit: str | None
    age_min: int | None
    age_max: int | None
    max_daily_qty: Decimal | None
    #: ICD-10 prefixes the item is restricted to (限定支付范围); empty when unrestricted.
    indications: tuple[str, ...]


class Catalogue:
    def __init__(self, items: list[CatalogueItem]) -> None:
        self._items = {item.med_list_codg: item for item in items}

    def get(self, med_list_codg: str) -> CatalogueItem | None:
        return self._items.get(med_list_codg)

    def __len__(self) -> int:
        return len(self._items)

    @classmethod
    def from_csv(cls, text: str) -> Catalogue:
        return cls([_item(row) for row in csv.DictReader(StringIO(text))])


def _item(row: dict[str, str]) -> CatalogueItem:
    def optional(name: str) -> str | None:
        return row[name].strip() or None

    def number(name: str) -> Decimal | None:
        value = optional(name)
        return Decimal(value) if value is not None else None

    def integer(name: str) -> int | None:
        value = optional(name)
        return int(value) if value is not None else None

    return CatalogueItem(
        med_list_codg=row["med_list_codg"].strip(),
        name=row["name"].strip(),
        chrgitm_type=row["chrgitm_type"].strip(),
        price_ceiling=number("price_ceiling"),
        sex_limit=optional("sex_limit"),
        age_min=integer("age_min"),
        age_max=integer("age_max"),
        max_daily_qty=number("max_daily_qty"),
        indications=tuple(p.strip() for p in (optional("indications") or "").split(";") if p.strip()),
    )


@cache
def shipped_catalogue() -> Catalogue:
    return Catalogue.from_csv((files("audit") / "data" / "catalogue.csv").read_text(encoding="utf-8"))
