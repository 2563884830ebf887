"""业财一致性 for operators (N art.19, art.22): the check of a month, and explaining a difference."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from accounting.api.deps import OperatorDep, UowDep
from accounting.service import consistency
from shared.contracts.codes import Admdvs, Period, Text
from shared.problems import Problem

router = APIRouter(prefix="/v1", tags=["consistency"], dependencies=[OperatorDep])


@router.get("/consistency")
async def get_consistency(uow: UowDep, period: Annotated[Period, Query()],
                          admdvs: Annotated[Admdvs | None, Query()] = None) -> dict[str, Any]:
    """Per region, the month agreed, or each difference with the records that explain it."""
    return await consistency.consistency(uow, period=period, admdvs=admdvs)


class ExplanationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Text, Field(min_length=1, max_length=500)]
    explained_by: Annotated[Text, Field(min_length=1, max_length=100)]


@router.post("/consistency/differences/{difference_id}/explanations", status_code=201)
async def post_explanation(difference_id: uuid.UUID, body: ExplanationIn, uow: UowDep) -> dict[str, Any]:
    """An operator's reason for a difference as it stands; the check of its month is published again. If the
    figures change later, the difference needs explaining again."""
    try:
        return await consistency.explain(uow, difference_id, reason=body.reason, explained_by=body.explained_by)
    except consistency.UnknownDifference as exc:
        raise Problem(404, "not-found", "No such difference", str(exc)) from exc
