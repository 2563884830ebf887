"""What the auditor knows of earlier settlements, for the cross-record rules (跨结算规则): each person's charges
per day and item, each person's inpatient stays, each institution's running averages. Loaded per batch from
audit's index tables for the batch's persons, days and institutions only, and grown as the batch is audited,
so later records of a batch see earlier ones."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from audit.domain.library import Stay, Subject
from shared.money import ZERO


@dataclass(slots=True)  # a value; not frozen for the cost of building one (see library.Line)
class DayCharges:
    """One settlement's presence on one day of one person: the items charged that day and their quantities."""

    fixmedins_code: str
    setl_id: str
    med_type: str
    #: Quantity per item code; or the index's JSON text of it, read only when a rule asks (most never do).
    items: dict[str, Decimal] | str

    def quantities(self) -> dict[str, Decimal]:
        if isinstance(self.items, str):
            self.items = {code: Decimal(qty) for code, qty in json.loads(self.items).items()}
        return self.items

    def quantity(self, code: str) -> Decimal:
        return self.quantities().get(code, Decimal(0))


@dataclass
class Average:
    records: int = 0
    medfee_sumamt: Decimal = ZERO

    @property
    def mean(self) -> Decimal:
        return self.medfee_sumamt / self.records if self.records else ZERO


@dataclass
class History:
    days: dict[tuple[str, date], list[DayCharges]] = field(default_factory=lambda: defaultdict(list))
    stays: dict[str, list[Stay]] = field(default_factory=lambda: defaultdict(list))
    averages: dict[tuple[str, str], Average] = field(default_factory=lambda: defaultdict(Average))

    # questions the rules ask ---------------------------------------------------------------------------------

    def others_on(self, subject: Subject, day: date) -> list[DayCharges]:
        """The person's other settlements with charges on ``day`` (the subject itself excluded, so a replay
        of a record never finds itself)."""
        key = subject.key
        return [c for c in self.days.get((subject.psn_no, day), ()) if (c.fixmedins_code, c.setl_id) != key]

    def other_stays(self, subject: Subject) -> list[Stay]:
        key = subject.key
        return [s for s in self.stays.get(subject.psn_no, ()) if (s.fixmedins_code, s.setl_id) != key]

    def average(self, fixmedins_code: str, med_type: str) -> Average:
        return self.averages.get((fixmedins_code, med_type)) or Average()

    # growing it ----------------------------------------------------------------------------------------------

    def add(self, subject: Subject) -> None:
        """Remember an audited settlement, so the batch's later records see it."""
        for day, items in subject.charges.items():
            self.days[(subject.psn_no, day)].append(
                DayCharges(subject.fixmedins_code, subject.record.setl_id, subject.record.med_type, items))
        stay = subject.stay
        if stay is not None:
            self.stays[subject.psn_no].append(stay)
        average = self.averages[(subject.fixmedins_code, subject.record.med_type)]
        average.records += 1
        average.medfee_sumamt += subject.record.medfee_sumamt

