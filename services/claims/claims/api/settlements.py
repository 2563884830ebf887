from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from claims.api.deps import CurrentInstitution, UowDep
from claims.api.schemas import IntakeOut, RecordResultOut
from claims.service.intake import RecordResult, accept_settlements
from claims.service.views import settlement_view
from shared.problems import Problem, not_found
from shared.service import runtime_of

router = APIRouter(prefix="/v1/settlements", tags=["settlements"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"oneOf": [
            {"$ref": "#/components/schemas/SettlementRecord"},
            {"$ref": "#/components/schemas/SettlementBatch"},
        ]}}},
    }
}


@router.post("", response_model=IntakeOut, openapi_extra=_BODY,
             responses={409: {"description": "A single record whose setl_id was accepted with other content"},
                        413: {"description": "More than 1,000 records, or a body over the size limit"},
                        422: {"description": "A single record that is not valid; nothing was stored"}})
async def post_settlements(request: Request, institution: CurrentInstitution, uow: UowDep) -> IntakeOut:
    """Upload one settlement, or ``{"records": [...]}`` (up to 1,000) with a result per record in order.

    The same record again is ``replayed`` with its first acceptance time; the same ``setl_id`` with other
    content is a ``conflict`` naming the fields that differ. A bad record never fails the others.
    """
    body = await _json(request)
    single = isinstance(body, dict) and "records" not in body
    records = [body] if single else _records(body, runtime_of(request).settings.max_batch_records)
    results = await accept_settlements(institution, records, uow,
                                       correlation_id=request.headers.get("x-correlation-id"))
    if single:
        _raise_for_single(results[0])
    return IntakeOut(results=[_out(r) for r in results])


@router.get("/{setl_id}", responses={404: {"description": "No such settlement of this institution"}})
async def get_settlement(setl_id: str, institution: CurrentInstitution, uow: UowDep) -> dict[str, Any]:
    """The settlement with its audit outcome, disbursement line(s), vouchers and receipt status."""
    view = await settlement_view(institution.fixmedins_code, setl_id, uow)
    if view is None:
        raise not_found(f"settlement {setl_id}")
    return view


async def _json(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Problem(400, "malformed-json", "The body is not valid JSON", str(exc)) from exc


def _records(body: Any, limit: int) -> list[Any]:
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list) or not records:
        raise Problem(422, "validation-error", "The request is not valid",
                      'send one settlement, or {"records": [...]} with at least one',
                      errors=[{"field": "records", "message": "must be a non-empty list of settlements"}])
    if len(records) > limit:
        raise Problem(413, "too-many-records", "Too many records",
                      f"{len(records)} records in one request; the limit is {limit}")
    return records


def _raise_for_single(result: RecordResult) -> None:
    if result.status == "rejected":
        raise Problem(422, "invalid-settlement", "The settlement is not valid; nothing was stored",
                      "; ".join(dict.fromkeys(e["message"] for e in result.errors)), errors=result.errors)
    if result.status == "conflict":
        raise Problem(409, "settlement-conflict", "Another settlement was accepted under this setl_id",
                      f"fields that differ: {', '.join(e['field'] for e in result.errors)}", errors=result.errors,
                      setl_id=result.setl_id)


def _out(result: RecordResult) -> RecordResultOut:
    return RecordResultOut.model_validate(
        {"setl_id": result.setl_id, "status": result.status, "accepted_at": result.accepted_at,
         "errors": result.errors or None}
    )
