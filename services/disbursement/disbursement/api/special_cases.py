from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from disbursement.api.deps import OperatorDep, UowDep
from disbursement.api.errors import problem
from disbursement.domain.errors import DisbursementError
from disbursement.service.runs.special import approve_special_case
from shared.contracts.codes import Admdvs, Code, Insutype, ReviewPeriod, Text
from shared.money import Amount, Money, money_text

router = APIRouter(prefix="/v1", tags=["special-cases"], dependencies=[OperatorDep])


class SpecialCaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    admdvs: Admdvs
    fixmedins_code: Code
    insutype: Insutype
    review_period: ReviewPeriod
    approved: Amount
    description: Annotated[Text, StringConstraints(min_length=1, max_length=1000)]


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Added to (or, negative, deducted from) the institution's annual clearing.
    adjustment: Money
    note: Annotated[Text, StringConstraints(min_length=1, max_length=1000)]


@router.post("/special-cases", status_code=201)
async def post_special_case(body: SpecialCaseIn, uow: UowDep) -> dict[str, Any]:
    """An expert panel's approved special case (特例单议); the region's rule decides how it clears."""
    try:
        case = await approve_special_case(uow, **body.model_dump())
    except DisbursementError as exc:
        raise problem(exc) from exc
    return {"case_id": str(case.case_id), "admdvs": case.admdvs, "fixmedins_code": case.fixmedins_code,
            "insutype": case.insutype, "review_period": case.review_period, "approved": money_text(case.approved),
            "clearing": case.clearing, "prepay_share": str(case.prepay_share)}


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
