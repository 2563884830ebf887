from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from disbursement.api.deps import OperatorDep, UowDep
from disbursement.api.errors import problem
from disbursement.domain.errors import DisbursementError
from disbursement.domain.policy import Path
from disbursement.service.enrollment import change_enrollment, enrollment_view
from shared.contracts.codes import AwareMoment, Code, Text

router = APIRouter(prefix="/v1/enrollments", tags=["enrollments"], dependencies=[OperatorDep])


class Criteria(BaseModel):
    """What the agency knows of the applicant (ZJ §4)."""

    model_config = ConfigDict(extra="forbid")

    #: ZJ §4(一): the agency confirms the institution cooperates with the key work (配合重点工作).
    cooperates_with_key_work: bool | None = None
    fund_use_score: Annotated[int, Field(ge=0, le=100)] | None = None
    uploads_on_time: bool | None = None
    traceability_codes: bool | None = None
    major_violation_within_2y: bool | None = None
    operating_normally: bool | None = None


class EnrollmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["enroll", "suspend", "resume", "terminate"]
    reason: Annotated[Text, StringConstraints(min_length=1, max_length=500)]
    #: When the change took effect, if earlier than now (contract.md "Time").
    effective_at: AwareMoment | None = None
    #: The paths this institution is paid by; all of the region's when absent.
    path: list[Path] | None = None
    criteria: Criteria | None = None


@router.post("/{fixmedins_code}")
async def post_enrollment(fixmedins_code: Code, body: EnrollmentIn, uow: UowDep) -> dict[str, Any]:
    """Enroll (ZJ §4: the region's conditions are checked, each unmet one named), suspend, resume or terminate
    an institution's instant settlement (N art.20-21), with a reason; returns its state and history."""
    try:
        return await change_enrollment(
            fixmedins_code, body.action, body.reason, uow, effective_at=body.effective_at, paths=body.path,
            criteria=body.criteria.model_dump(exclude_none=True) if body.criteria else None)
    except DisbursementError as exc:
        raise problem(exc) from exc


@router.get("/{fixmedins_code}")
async def get_enrollment(fixmedins_code: Code, uow: UowDep) -> dict[str, Any]:
    return await enrollment_view(fixmedins_code, uow)



