"""The rule base (规则库): each rule a function over one settlement and what the auditor knows, returning
findings. A finding names its rule, the fee lines that prove it and the fund's share of what they cost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from audit.domain.catalogue import Catalogue
from shared.contracts.codes import business_date
from shared.contracts.events import Finding
from shared.contracts.settlement import FeeDetail, SettlementRecord
from shared.money import ZERO, to_fen, total

Family = Literal["policy", "management", "medical"]
Severity = Literal["low", "medium", "high"]


@dataclass
class ChargeHistory:
    """Quantities already charged to a person per item and day, across records (管理类规则 need it)."""

    quantities: dict[tuple[str, str, date], Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def charged(self, psn_no: str, med_list_codg: str, day: date) -> Decimal:
        return self.quantities.get((psn_no, med_list_codg, day), Decimal(0))

    def add(self, record: SettlementRecord) -> None:
        for line in record.details:
            self.quantities[(record.psn_no, line.med_list_codg, fee_date(record, line))] += line.cnt


@dataclass(frozen=True)
class Facts:
    catalogue: Catalogue
    history: ChargeHistory


@dataclass(frozen=True)
class Rule:
    rule_id: str
    family: Family
    severity: Severity
    #: A clear-cut rule proves a violation by itself; the others make a record suspicious, for people to judge.
    clear_cut: bool
    description: str
    source: str
    check: Callable[[SettlementRecord, Facts], list[tuple[FeeDetail, Decimal]]]

    def findings(self, record: SettlementRecord, facts: Facts) -> list[Finding]:
        hits = self.check(record, facts)
        if not hits:
            return []
        return [Finding(
            rule_id=self.rule_id, family=self.family, sev_deg=self.severity, description=self.description,
            vola_amt=fund_share(record, total(amount for _, amount in hits)),
            feedetl_sns=[line.feedetl_sn for line, _ in hits],
        )]


def fee_date(record: SettlementRecord, line: FeeDetail) -> date:
    return business_date(line.fee_ocur_time or record.setl_time)


def fund_share(record: SettlementRecord, amount: Decimal) -> Decimal:
    """The part of ``amount`` the fund paid: the fund pays the record's lines in proportion."""
    if record.medfee_sumamt == 0:
        return ZERO
    return min(to_fen(amount * record.fund_pay_sumamt / record.medfee_sumamt), record.fund_pay_sumamt)


def sex_restricted_item(record: SettlementRecord, facts: Facts) -> list[tuple[FeeDetail, Decimal]]:
    """限性别项目: an item for one sex billed for a person of the other."""
    hits = []
    for line in record.details:
        item = facts.catalogue.get(line.med_list_codg)
        if item and item.sex_limit and record.gend in ("1", "2") and record.gend != item.sex_limit:
            hits.append((line, line.det_item_fee_sumamt))
    return hits


def repeated_once_daily_item(record: SettlementRecord, facts: Facts) -> list[tuple[FeeDetail, Decimal]]:
    """重复收费: an item billable once a day (a consultation, a bed-day) charged again the same day, in this
    record or an earlier one of the same person. The charges beyond the first are the violation."""
    hits = []
    seen: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for line in record.details:
        item = facts.catalogue.get(line.med_list_codg)
        if item is None or item.max_daily_qty != 1:
            continue
        day = fee_date(record, line)
        before = facts.history.charged(record.psn_no, line.med_list_codg, day) + seen[(line.med_list_codg, day)]
        seen[(line.med_list_codg, day)] += line.cnt
        excess = min(line.cnt, before + line.cnt - 1)
        if excess > 0:
            hits.append((line, to_fen(line.det_item_fee_sumamt * excess / line.cnt)))
    return hits


RULES: list[Rule] = [
    Rule("POL-SEX-01", "policy", "high", True,
         "限性别项目：限定单一性别使用的药品或诊疗项目用于其他性别",
         "国家医保智能审核规则库（性别限定）; N art.13", sex_restricted_item),
    Rule("MGT-DUP-01", "management", "high", True,
         "重复收费：每日限收一次的项目同日重复收取",
         "国家医保智能审核规则库（重复收费）; N art.13", repeated_once_daily_item),
]
