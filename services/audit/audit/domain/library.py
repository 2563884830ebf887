"""The rule base (规则库) as data: each rule's id, family, severity, source and parameters are data an operator
reads and tunes per region (国家医保智能审核和监控知识库、规则库; N art.13, JL art.13); only its check is code, a
pure function over one settlement and what the auditor knows of earlier ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from audit.domain.catalogue import Catalogue, CatalogueItem
from shared.contracts.codes import INPATIENT_MED_TYPES, SHANGHAI, business_date
from shared.contracts.settlement import FeeDetail, SettlementRecord
from shared.money import ZERO, to_fen

if TYPE_CHECKING:
    from audit.domain.history import History

Family = Literal["policy", "management", "medical"]
Severity = Literal["low", "medium", "high"]


class Params(BaseModel):
    """A rule's parameters: defaults in code, a region's overrides validated against this model."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    pass


# Line, Stay and Subject are values, never changed once built; not frozen only because a frozen dataclass
# costs three times as much to build, and audit builds one per fee line at intake's rate.


@dataclass(slots=True)
class Line:
    """A fee line as the rules read it: its catalogue entry (None outside the catalogue) and its Beijing day."""

    detail: FeeDetail
    item: CatalogueItem | None
    day: date


@dataclass(slots=True)
class Stay:
    """An inpatient stay (住院) from admission to discharge, as a settlement declares it."""

    fixmedins_code: str
    setl_id: str
    adm_date: date
    dscg_date: date
    main_dise: str | None

    def overlaps(self, other: Stay) -> bool:
        """Two stays overlap when each begins before the other ends: a discharge and an admission on the
        same day (a transfer) is no overlap."""
        return self.adm_date < other.dscg_date and other.adm_date < self.dscg_date


@dataclass(slots=True)
class Subject:
    """One settlement under audit: the record, its institution and region, and its lines read once and sorted
    by what the rules ask of them (most rules look at a few lines of one kind, and most records have none)."""

    fixmedins_code: str
    admdvs: str
    record: SettlementRecord
    lines: tuple[Line, ...]
    day: date
    key: tuple[str, str]
    psn_no: str
    stay: Stay | None
    #: The diagnoses, upper case (ICD-10 prefixes are compared upper case).
    diagnoses: tuple[str, ...]
    #: Lines whose code the catalogue does not know.
    unknown: tuple[Line, ...]
    #: Lines of drugs the catalogue knows, and of the services and materials it knows.
    drugs: tuple[Line, ...]
    services: tuple[Line, ...]
    #: Lines of items billed per day of a stay (bed-days, nursing).
    per_day: tuple[Line, ...]
    #: Lines of items limited to one sex or an age range.
    limited: tuple[Line, ...]
    #: Lines of services the catalogue allows once a day, and of those it allows a few times a day.
    once_daily: tuple[Line, ...]
    capped: tuple[Line, ...]
    #: The quantities per day and item: the settlement's rows of the person × day × item index.
    charges: dict[date, dict[str, Decimal]]

    @classmethod
    def of(cls, fixmedins_code: str, admdvs: str, record: SettlementRecord, catalogue: Catalogue) -> Subject:
        day = _day(record.setl_time)
        lines = tuple(Line(d, catalogue.get(d.med_list_codg), _day(d.fee_ocur_time) if d.fee_ocur_time else day)
                      for d in record.details)
        stay = None
        if record.med_type in INPATIENT_MED_TYPES and record.adm_date is not None and record.dscg_date is not None:
            stay = Stay(fixmedins_code, record.setl_id, record.adm_date, record.dscg_date,
                        record.dise_codg[0] if record.dise_codg else None)
        known = [line for line in lines if line.item is not None]
        services = tuple(line for line in known if line.item.kind != "drug")  # type: ignore[union-attr]
        charges: dict[date, dict[str, Decimal]] = {}
        for line in lines:
            items = charges.setdefault(line.day, {})
            code = line.detail.med_list_codg
            items[code] = items.get(code, _NONE) + line.detail.cnt
        return cls(
            fixmedins_code, admdvs, record, lines, day, (fixmedins_code, record.setl_id), record.psn_no, stay,
            tuple(code.upper() for code in record.dise_codg),
            tuple(line for line in lines if line.item is None),
            tuple(line for line in known if line.item.kind == "drug"),  # type: ignore[union-attr]
            services,
            tuple(line for line in known if line.item.per_day),  # type: ignore[union-attr]
            tuple(line for line in known if line.item.limited),  # type: ignore[union-attr]
            tuple(line for line in services if line.item.max_daily_qty == 1),  # type: ignore[union-attr]
            tuple(line for line in services if (line.item.max_daily_qty or 0) > 1),  # type: ignore[union-attr]
            charges,
        )

    @property
    def age(self) -> int | None:
        """The age the record states, else the age reached on the settlement day from the birth date."""
        if self.record.age is not None:
            return self.record.age
        born = self.record.brdy
        if born is None:
            return None
        return self.day.year - born.year - ((self.day.month, self.day.day) < (born.month, born.day))

    def all_lines(self) -> list[tuple[FeeDetail, Decimal]]:
        return [(line.detail, line.detail.det_item_fee_sumamt) for line in self.lines]


_NONE = Decimal(0)


def _day(moment: datetime) -> date:
    # The settlement contract already reads every timestamp as Beijing time: its date is the business date.
    return moment.date() if moment.tzinfo is SHANGHAI else business_date(moment)


@dataclass(frozen=True)
class Hits:
    """What a rule found on one settlement: the fee lines that prove it with the amount of each that is
    wrong (before the fund's share is taken), and a sentence for the reviewer."""

    lines: list[tuple[FeeDetail, Decimal]] = field(default_factory=list)
    detail: str = ""


@dataclass(frozen=True)
class Facts:
    """What the auditor knows besides the record: the knowledge base and the earlier settlements."""

    catalogue: Catalogue
    history: History


Check = Callable[[Subject, Facts, Any], Hits | None]


@dataclass(frozen=True)
class Rule:
    rule_id: str
    family: Family
    severity: Severity
    #: A clear-cut rule proves a violation by itself; the others make a record suspicious, for people to judge.
    clear_cut: bool
    description: str
    #: Where the rule comes from (the national rule base, the catalogue, an article).
    source: str
    check: Check
    params: type[Params] = NoParams

    @cached_property
    def defaults(self) -> Params:
        return self.params()

    def describe(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "family": self.family, "severity": self.severity,
                "clear_cut": self.clear_cut, "description": self.description, "source": self.source,
                "params": self.defaults.model_dump(mode="json"),
                "params_schema": self.params.model_json_schema()}


def fund_share(record: SettlementRecord, amount: Decimal) -> Decimal:
    """The part of ``amount`` the fund paid: the fund pays the record's lines in proportion."""
    if record.medfee_sumamt == 0:
        return ZERO
    return min(to_fen(amount * record.fund_pay_sumamt / record.medfee_sumamt), record.fund_pay_sumamt)


def part_of(line: FeeDetail, quantity: Decimal) -> Decimal:
    """The fee of ``quantity`` of the line's units, half-up to the fen."""
    if quantity >= line.cnt:
        return line.det_item_fee_sumamt
    return to_fen(line.det_item_fee_sumamt * quantity / line.cnt)


def with_prefix(codes: tuple[str, ...] | list[str], prefixes: tuple[str, ...]) -> bool:
    """Whether any (upper-case) diagnosis code starts with one of the prefixes (ICD-10: ``E11`` covers
    ``E11.9``)."""
    return any(code.startswith(prefixes) for code in codes)
