from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from disbursement.api.deps import OperatorDep, UowDep
from disbursement.api.errors import problem
from disbursement.domain.errors import DisbursementError
from disbursement.service.runs.special import (
    decide_special_case,
    special_case_view,
    special_cases_listing,
    submit_special_case,
)
from shared.contracts.codes import Admdvs, Code, Insutype, ReviewPeriod, Text
from shared.money import Amount, Money, money_text
from shared.problems import not_found

router = APIRouter(prefix="/v1", tags=["special-cases"], dependencies=[OperatorDep])


class SpecialCaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    admdvs: Admdvs
    fixmedins_code: Code
    insutype: Insutype
    review_period: ReviewPeriod
    #: What the institution asks for the case; the panel decides what is approved.
    claimed: Amount
    description: Annotated[Text, StringConstraints(min_length=1, max_length=1000)]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    #: Required to approve: what the panel approved (not capped at the claim: the panel may find more).
    approved: Amount | None = None
    #: Required to reject.
    reason: Annotated[Text, StringConstraints(min_length=1, max_length=1000)] | None = None
    decided_by: Annotated[Text, StringConstraints(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _what_each_decision_needs(self) -> DecisionIn:
        if self.decision == "approve" and self.approved is None:
            raise ValueError("an approval names the approved amount")
        if self.decision == "reject" and (self.reason is None or self.approved is not None):
            raise ValueError("a rejection gives a reason and no amount")
        return self


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Added to (or, negative, deducted from) the institution's annual clearing.
    adjustment: Money
    note: Annotated[Text, StringConstraints(min_length=1, max_length=1000)]


@router.post("/special-cases", status_code=201)
async def post_special_case(body: SpecialCaseIn, uow: UowDep) -> dict[str, Any]:
    """A case put to the expert panel (特例单议), pending until decided; the region's rule decides how it clears
    (on approval, or prepaid monthly and cleared at year end, N art.16)."""
    try:
        return await submit_special_case(uow, **body.model_dump())
    except DisbursementError as exc:
        raise problem(exc) from exc


@router.post("/special-cases/{case_id}/decision")
async def post_decision(case_id: uuid.UUID, body: DecisionIn, uow: UowDep) -> dict[str, Any]:
    """The panel's decision (根据评议结果): approve at an amount or reject with a reason, and who decided. The same
    decision again returns the case; a different one is a 409."""
    try:
        return await decide_special_case(uow, case_id, decision=body.decision, approved=body.approved,
                                         reason=body.reason, decided_by=body.decided_by)
    except DisbursementError as exc:
        raise problem(exc) from exc


@router.get("/special-cases")
async def get_special_cases(uow: UowDep, admdvs: Admdvs | None = None, fixmedins_code: Code | None = None,
                            status: Literal["pending", "approved", "rejected"] | None = None,
                            review_period: ReviewPeriod | None = None,
                            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """Special cases, newest first: what each claimed, its decision and what was prepaid on it."""
    return {"cases": await special_cases_listing(uow, admdvs=admdvs, fixmedins_code=fixmedins_code, status=status,
                                                 review_period=review_period, limit=limit)}


@router.get("/special-cases/{case_id}")
async def get_special_case(case_id: uuid.UUID, uow: UowDep) -> dict[str, Any]:
    view = await special_case_view(uow, case_id)
    if view is None:
        raise not_found(f"special case {case_id}")
    return view


@router.put("/assessments/{admdvs}/{year}/{fixmedins_code}/{insutype}")
async def put_assessment(admdvs: Admdvs, year: Annotated[int, Field(ge=2000, le=2100)], fixmedins_code: Code,
                         insutype: Insutype, body: AssessmentIn, uow: UowDep) -> dict[str, Any]:
    """The annual assessment's adjustment to an institution's clearing (N art.17)."""
    async with uow:
        await uow.assessments.put({"admdvs": admdvs, "fixmedins_code": fixmedins_code, "insutype": insutype,
                                   "year": year, "adjustment": body.adjustment, "note": body.note,
                                   "recorded_at": datetime.now(UTC)})
        await uow.commit()
    return {"admdvs": admdvs, "year": year, "fixmedins_code": fixmedins_code, "insutype": insutype,
            "adjustment": money_text(body.adjustment), "note": body.note}
