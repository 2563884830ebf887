"""The medical catalogue (医保药品、医用耗材和医疗服务项目目录): the knowledge base (知识库) the rules check
against, after the national platform's "two libraries" (国家医保智能审核和监控知识库、规则库).

Shipped as ``audit/data/catalogue.csv``, a small catalogue made for this project in the national code style:
drugs ``X…`` (western, the ATC class in characters 2-6) and ``Z…`` (Chinese patent medicines), medical
consumables ``C…``, medical services nine digits (医疗服务项目 codes).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from io import StringIO
from typing import Literal

ItemKind = Literal["drug", "material", "service"]
#: 计价单位 of the items billed once per day of a stay (bed-days, nursing): a person occupies one bed a day.
PER_DAY_UNIT = "日"


@dataclass(frozen=True)
class CatalogueItem:
    med_list_codg: str
    name: str
    chrgitm_type: str
    #: 计价单位: 日 (per day of a stay), 次 (per service), 片/粒/支 (per dose unit)...
    unit: str
    price_ceiling: Decimal | None
    #: "1" male only, "2" female only (national gend codes), None for either.
    sex_limit: str | None
    age_min: int | None
    age_max: int | None
    max_daily_qty: Decimal | None
    #: ICD-10 prefixes the item is restricted to (限定支付范围); empty when unrestricted.
    indications: tuple[str, ...]
    #: Read from the code and the unit once, at load: the rules ask for every line.
    kind: ItemKind
    per_day: bool
    #: Limited to one sex or an age range.
    limited: bool


def item_kind(med_list_codg: str) -> ItemKind:
    """What a national code names, from its first character."""
    first = med_list_codg[:1]
    if first in ("X", "Z", "T"):
        return "drug"
    if first == "C":
        return "material"
    return "service"


def drug_class(med_list_codg: str, level: int = 5) -> str | None:
    """The ATC class of a western drug (``XJ01CAA040…`` → ``J01CA`` at level 5), None for anything else."""
    if not med_list_codg.startswith("X") or len(med_list_codg) < 1 + level:
        return None
    return med_list_codg[1:1 + level]


class Catalogue:
    def __init__(self, items: list[CatalogueItem]) -> None:
        self._items = {item.med_list_codg: item for item in items}

    def get(self, med_list_codg: str) -> CatalogueItem | None:
        return self._items.get(med_list_codg)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[CatalogueItem]:
        return iter(self._items.values())

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
        unit=row["unit"].strip(),
        price_ceiling=number("price_ceiling"),
        sex_limit=optional("sex_limit"),
        age_min=integer("age_min"),
        age_max=integer("age_max"),
        max_daily_qty=number("max_daily_qty"),
        indications=tuple(p.strip() for p in (optional("indications") or "").split(";") if p.strip()),
        kind=item_kind(row["med_list_codg"].strip()),
        per_day=row["unit"].strip() == PER_DAY_UNIT,
        limited=bool(optional("sex_limit") or optional("age_min") or optional("age_max")),
    )


@cache
def shipped_catalogue() -> Catalogue:
    return Catalogue.from_csv((files("audit") / "data" / "catalogue.csv").read_text(encoding="utf-8"))
