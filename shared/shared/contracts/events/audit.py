"""What audit publishes: each settlement's outcome, confirmed deductions, risk measures taken."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, StringConstraints

from shared.contracts.codes import Admdvs, Code, Insutype, Period, Text
from shared.contracts.events.base import Payload, Ratio
from shared.money import Amount

AuditStatus = Literal["pass", "suspicious", "violation"]


class Finding(Payload):
    rule_id: str
    family: Literal["policy", "management", "medical"]
    sev_deg: Literal["low", "medium", "high"]
    description: str
    vola_amt: Amount
    feedetl_sns: list[str] = []


class DeductionConfirmed(Payload):
    """A confirmed violation to deduct in the monthly settlement (月度抵扣, N art.13, JL art.13)."""

    deduction_id: uuid.UUID
    fixmedins_code: Code
    admdvs: Admdvs
    setl_id: Code
    insutype: Insutype
    #: The month of the settlement it belongs to.
    period: Period
    amount: Amount
    rule_ids: list[str]
    #: "automatic" for a clear-cut rule, "review" for a reviewer's decision.
    source: Literal["automatic", "review"]
    confirmed_at: AwareDatetime


class SettlementAudited(Payload):
    """A settlement's audit outcome (N art.13): first the automatic one (``stage`` "automatic"); for a record
    sent to people, later the reviewed one ("reviewed": pass when dismissed, violation with the confirmed
    amount when confirmed). The latest ``audited_at`` stands."""

    fixmedins_code: Code
    admdvs: Admdvs
    setl_id: Code
    insutype: Insutype
    status: AuditStatus
    vola_amt: Amount
    findings: list[Finding] = []
    stage: Literal["automatic", "reviewed"] = "automatic"
    #: Chosen by the random sample for manual review (抽审) although the rules passed it.
    sampled: bool = False
    #: A finding on this record is open for people: the month's audit has not ended for it (SX §3, ZJ §3.1), so
    #: its monthly settlement waits for the reviewed outcome. False on every reviewed outcome.
    under_review: bool = False
    #: The deduction this outcome confirmed (a reviewer's, or a clear-cut rule's where the region auto-confirms),
    #: also published as DeductionConfirmed: carried here so that a month settled as soon as its review ends
    #: deducts it (月度抵扣) whichever of the two topics is read first.
    deduction: DeductionConfirmed | None = None
    audited_at: AwareDatetime


class RiskMeasureTaken(Payload):
    """An operator's measure on a risk warning (风险预警处置, N art.20-21, JL art.22-23): an interview reminder
    (约谈提醒, recorded only); the institution's disbursement ratio lowered to ``ratio`` for settlements of
    ``effective_from`` on, computed from now (a line already computed keeps its ratio); or its instant
    settlement suspended from this moment (N art.21: nothing more paid, pending lines held)."""

    measure_id: uuid.UUID
    warning_id: uuid.UUID
    fixmedins_code: Code
    admdvs: Admdvs
    measure: Literal["interview", "lower_ratio", "suspend"]
    ratio: Ratio | None = None
    effective_from: date | None = None
    actor: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    reason: Annotated[Text, StringConstraints(min_length=1, max_length=500)]
    taken_at: AwareDatetime
