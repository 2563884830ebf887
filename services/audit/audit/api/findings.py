from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, StringConstraints

from audit.adapters.review import FindingFilter
from audit.api.deps import ConfigsDep, OperatorDep, UowDep
from audit.domain.review import ReviewError
from audit.service.review import BadCursor, Decide, decide, finding_view, list_findings, seq_of
from shared.contracts.codes import Admdvs, Code, Text
from shared.money import Amount
from shared.problems import Problem, not_found

router = APIRouter(prefix="/v1/findings", tags=["findings"], dependencies=[OperatorDep])

Status = Literal["open", "confirmed", "dismissed", "reversed"]
Kind = Literal["violation", "suspicious", "sampled"]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirm", "dismiss"]
    #: The amount to deduct on a confirmation (default: what the rules found), at most the fund payment.
    amount: Amount | None = None
    reviewer: Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    reason: Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


@router.get("")
async def get_findings(
    uow: UowDep, configs: ConfigsDep,
    status: Annotated[Status | None, Query()] = None,
    admdvs: Annotated[Admdvs | None, Query()] = None,
    fixmedins_code: Annotated[Code | None, Query()] = None,
    rule_id: Annotated[str | None, Query(max_length=30)] = None,
    kind: Annotated[Kind | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """The review queue (人工复核, N art.13), oldest first: ``status=open`` is what waits for a reviewer. A
    finding is one settlement's rule findings together; ``kind`` says why it is here (violation, suspicious,
    or sampled at random). Page with ``next_cursor``."""
    if rule_id is not None and rule_id not in configs.library:
        raise Problem(422, "validation-error", "The request is not valid", f"no rule {rule_id} in the library",
                      errors=[{"field": "rule_id", "message": f"no rule {rule_id} in the library"}])
    try:
        after = seq_of(cursor) if cursor else None
    except BadCursor as exc:
        raise Problem(422, "validation-error", "The request is not valid", str(exc),
                      errors=[{"field": "cursor", "message": str(exc)}]) from exc
    where = FindingFilter(status=status, admdvs=admdvs, fixmedins_code=fixmedins_code, rule_id=rule_id, kind=kind,
                          after_seq=after)
    return await list_findings(where, limit, uow)


@router.get("/{finding_id}")
async def get_finding(finding_id: uuid.UUID, uow: UowDep) -> dict[str, Any]:
    """One finding with each rule finding's fee lines, its decisions (append-only) and its deduction."""
    view = await finding_view(finding_id, uow)
    if view is None:
        raise not_found(f"finding {finding_id}")
    return view


@router.post("/{finding_id}/decision")
async def post_decision(finding_id: uuid.UUID, body: DecisionIn, uow: UowDep) -> dict[str, Any]:
    """Decide an open finding, once: ``confirm`` deducts ``amount`` in the monthly settlement of the
    settlement's month (月度抵扣, N art.13, JL art.13); ``dismiss`` lets it pass. A decided finding is 409."""
    try:
        found = await decide(Decide(finding_id, body.decision, body.amount, body.reviewer, body.reason), uow)
    except ReviewError as exc:
        errors = [{"field": exc.field, "message": str(exc)}] if exc.field else None
        raise Problem(exc.status, exc.slug, "The decision cannot be made", str(exc), errors=errors) from exc
    if not found:
        raise not_found(f"finding {finding_id}")
    view = await finding_view(finding_id, uow)
    assert view is not None
    return view
