"""The rule base (规则库) as data: each rule's id, family, severity, source and parameters are data an operator
reads and tunes per region (国家医保智能审核和监控知识库、规则库; N art.13, JL art.13); only its check is code, a
pure function over one settlement and what the auditor knows of earlier ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from audit.domain.catalogue import Catalogue, CatalogueItem
from shared.contracts.codes import INPATIENT_MED_TYPES, business_date
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


@dataclass(frozen=True, slots=True)
class Line:
    """A fee line as the rules read it: its catalogue entry (None outside the catalogue) and its Beijing day."""

    detail: FeeDetail
    item: CatalogueItem | None
    day: date


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True)
class Subject:
    """One settlement under audit: the record, its institution and region, its lines read once."""

    fixmedins_code: str
    admdvs: str
    record: SettlementRecord
    lines: tuple[Line, ...]
    day: date

    @classmethod
    def of(cls, fixmedins_code: str, admdvs: str, record: SettlementRecord, catalogue: Catalogue) -> Subject:
        day = business_date(record.setl_time)
        lines = tuple(
            Line(d, catalogue.get(d.med_list_codg), business_date(d.fee_ocur_time) if d.fee_ocur_time else day)
            for d in record.details
        )
        return cls(fixmedins_code, admdvs, record, lines, day)

    @property
    def key(self) -> tuple[str, str]:
        return (self.fixmedins_code, self.record.setl_id)

    @property
    def psn_no(self) -> str:
        return self.record.psn_no

    @property
    def stay(self) -> Stay | None:
        r = self.record
        if r.med_type not in INPATIENT_MED_TYPES or r.adm_date is None or r.dscg_date is None:
            return None
        return Stay(self.fixmedins_code, r.setl_id, r.adm_date, r.dscg_date, r.dise_codg[0] if r.dise_codg else None)

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


def with_prefix(codes: list[str], prefixes: tuple[str, ...] | list[str]) -> bool:
    """Whether any diagnosis code starts with one of the prefixes (ICD-10: ``E11`` covers ``E11.9``)."""
    return any(code.upper().startswith(prefix) for code in codes for prefix in prefixes)
