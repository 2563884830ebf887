"""Manual review (人工复核) and deduction (月度抵扣), N art.13, JL art.13: a settlement the rules found suspicious,
or that the random sample chose, waits for a reviewer; a confirmed violation is deducted in the monthly
settlement of the month it was settled in.

A *finding* here is what the review queue holds for one settlement — its rule findings together, judged as a
whole, so one settlement has one decision and at most one deduction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from audit.domain.outcome import Outcome
from shared.money import ZERO

Kind = Literal["violation", "suspicious", "sampled"]
Status = Literal["open", "confirmed", "dismissed", "reversed"]
Decision = Literal["confirm", "dismiss"]
DeductionSource = Literal["automatic", "review"]

#: Names this service's findings and deductions: the same settlement always gives the same ids, so a
#: deduction is published once however often its cause is replayed.
NAMESPACE = uuid.UUID("6f1c5a8e-3b7d-5e2a-9c41-0d8f7e6b5a13")
AUTOMATIC_REVIEWER = "automatic"
SYSTEM_REVIEWER = "system"


def finding_id_of(fixmedins_code: str, setl_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"finding/{fixmedins_code}/{setl_id}")


def deduction_id_of(finding_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"deduction/{finding_id}")


@dataclass(frozen=True)
class Opening:
    kind: Kind
    status: Status


def opening(outcome: Outcome, *, sampled: bool, auto_confirm: bool, reversed_already: bool) -> Opening | None:
    """What the automatic audit puts in the queue (N art.13): nothing for a pass the sample left alone; a
    sampled pass and a suspicious record open for review; a violation found only by clear-cut rules is
    confirmed at once where the region auto-confirms, else proposed to reviewers. A settlement already
    reversed is never deducted (its finding is closed as reversed)."""
    if outcome.status == "pass" and not sampled:
        return None
    kind: Kind = "sampled" if outcome.status == "pass" else outcome.status
    if reversed_already:
        return Opening(kind, "reversed")
    if outcome.status == "violation" and outcome.clear_cut_only and auto_confirm:
        return Opening(kind, "confirmed")
    return Opening(kind, "open")


@dataclass(frozen=True)
class AuditFinding:
    finding_id: uuid.UUID
    seq: int
    fixmedins_code: str
    setl_id: str
    admdvs: str
    insutype: str
    psn_no: str
    business_date: date
    period: str
    kind: Kind
    status: Status
    #: What the rules found (the fund's share of the lines that prove it); 0.00 for a sampled pass.
    vola_amt: Decimal
    fund_pay_sumamt: Decimal
    rule_ids: list[str]
    created_at: datetime
    decided_at: datetime | None
    confirmed_amt: Decimal | None


class ReviewError(Exception):
    status = 422
    slug = "invalid-decision"
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AlreadyDecided(ReviewError):
    status = 409
    slug = "already-decided"


def amount_to_deduct(finding: AuditFinding, decision: Decision, amount: Decimal | None) -> Decimal | None:
    """A reviewer's decision on an open finding (N art.13): confirm deducts ``amount`` (by default what the
    rules found), at most what the fund paid for the settlement and more than nothing; dismiss deducts
    nothing and takes no amount. A finding is decided once: a second decision is a conflict."""
    if finding.status != "open":
        raise AlreadyDecided(f"finding {finding.finding_id} is {finding.status}; a finding is decided once")
    if decision == "dismiss":
        if amount is not None:
            raise ReviewError("a dismissal deducts nothing: leave amount out", field="amount")
        return None
    chosen = finding.vola_amt if amount is None else amount
    if chosen <= ZERO:
        raise ReviewError("confirming needs an amount above 0.00 (the rules found none here): give amount, or "
                          "dismiss", field="amount")
    if chosen > finding.fund_pay_sumamt:
        raise ReviewError(f"{chosen} is more than the fund paid for the settlement ({finding.fund_pay_sumamt})",
                          field="amount")
    return chosen
