"""A settlement's outcome as a FHIR ClaimResponse (理赔答复): the fund's answer to the institution's claim for
one settlement — what it asked the fund to pay, what the fund pays after audit, and why.

- ``outcome``: ``complete`` when nothing is deducted (passed, or a finding dismissed); ``queued`` while a
  finding awaits a person (N art.13); ``partial`` when a violation is deducted (JL art.13).
- ``status``: ``cancelled`` once claims reversed the settlement (N art.10), else ``active``.
- ``total``: ``submitted`` is the settlement's fund payment (``fund_pay_sumamt``), ``benefit`` what remains
  after the deduction; each rule finding is a ``processNote``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shared.fhir import INSUTYPE, PERSON, SETTLEMENT, fund, identifier, institution, money, resource_id

if TYPE_CHECKING:
    from fhir.resources.R4B.claimresponse import ClaimResponse

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ExportedOutcome:
    """A settlement's outcome as exported (FHIR ClaimResponse): the automatic audit, the review, the reversal."""

    fixmedins_code: str
    setl_id: str
    admdvs: str
    insutype: str
    psn_no: str
    business_date: date
    status: str
    vola_amt: Decimal
    fund_pay_sumamt: Decimal | None
    findings: list[dict[str, Any]]
    audited_at: datetime
    review_status: str | None
    confirmed_amt: Decimal | None
    decided_at: datetime | None
    deducted: Decimal | None
    reversed_at: datetime | None


_CLAIM_TYPE = {"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "institutional"}
_ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"


def claim_response(o: ExportedOutcome) -> ClaimResponse:
    from fhir.resources.R4B.claimresponse import ClaimResponse  # on first use: see shared.fhir

    deducted = _deducted(o)
    submitted = o.fund_pay_sumamt if o.fund_pay_sumamt is not None else ZERO
    outcome = "queued" if o.review_status == "open" else ("partial" if deducted > 0 else "complete")
    return ClaimResponse.model_validate({
        "resourceType": "ClaimResponse",
        "id": resource_id("ClaimResponse", o.fixmedins_code, o.setl_id),
        "identifier": [identifier(SETTLEMENT, o.setl_id)],
        "status": "cancelled" if o.reversed_at else "active",
        "type": {"coding": [_CLAIM_TYPE]},
        "subType": {"coding": [{"system": INSUTYPE, "code": o.insutype}]},
        "use": "claim",
        "patient": {"identifier": identifier(PERSON, o.psn_no)},
        "created": (o.decided_at or o.audited_at).isoformat(),
        "insurer": fund(o.admdvs),
        "requestor": institution(o.fixmedins_code),
        "request": {"type": "Claim", "identifier": identifier(SETTLEMENT, o.setl_id)},
        "outcome": outcome,
        "disposition": _disposition(o, outcome, deducted),
        "total": [
            {"category": {"coding": [{"system": _ADJUDICATION, "code": "submitted"}]}, "amount": money(submitted)},
            {"category": {"coding": [{"system": _ADJUDICATION, "code": "benefit"}]},
             "amount": money(max(submitted - deducted, ZERO))},
        ],
        "processNote": [{"number": n, "type": "display", "text": f"{f['rule_id']}: {f.get('description', '')}"}
                        for n, f in enumerate(o.findings, start=1)] or None,
    })


def _deducted(o: ExportedOutcome) -> Decimal:
    """What the fund takes back: the deduction published for the settlement, else a review's confirmed amount."""
    if o.reversed_at is not None:
        return ZERO  # a reversed settlement is never deducted: the whole payment is reversed instead
    return o.deducted if o.deducted is not None else (o.confirmed_amt or ZERO)


def _disposition(o: ExportedOutcome, outcome: str, deducted: Decimal) -> str:
    if o.reversed_at is not None:
        return "结算已撤销 (reversed)"
    if outcome == "queued":
        return f"待人工复核 (awaiting review): {o.status}"
    if deducted > 0:
        return f"确认违规，扣减 {deducted:.2f} 元 (violation deducted)"
    return "审核通过 (passed)" if o.status == "pass" else "复核排除 (finding dismissed)"
