from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from claims.api.deps import CurrentInstitution, UowDep
from claims.api.schemas import IntakeOut, SettlementBatch
from claims.service.intake import RecordResult, accept_settlements
from claims.service.views import settlement_view
from shared.contracts.codes import Code
from shared.contracts.settlement import SettlementRecord
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


@router.post("", openapi_extra=_BODY,
             responses={200: {"model": IntakeOut, "description": "A result per record, in order"},
                        409: {"description": "A single record whose setl_id was accepted with other content"},
                        413: {"description": "More than 1,000 records, or a body over the size limit"},
                        422: {"description": "A single record that is not valid; nothing was stored"}})
async def post_settlements(request: Request, institution: CurrentInstitution, uow: UowDep) -> Response:
    """Upload one settlement, or ``{"records": [...]}`` (up to 1,000) with a result per record in order.

    The same record again is ``replayed`` with its first acceptance time; the same ``setl_id`` with other
    content is a ``conflict`` naming the fields that differ. A bad record never fails the others.
    """
    async with request.app.state.intake_slots:  # a body is read only when it can be stored next
        raw = await request.body()
        limit = runtime_of(request).settings.max_batch_records
        records = _all_valid(raw, limit)  # the common case, read and checked in one pass of pydantic-core
        single = records is not None and len(records) == 1 and not raw.lstrip().startswith(b'{"records"')
        if records is None:
            body = _json(raw)
            single = isinstance(body, dict) and "records" not in body
            records = [body] if single else _records(body, limit)
        results = await accept_settlements(institution, records, uow,
                                           correlation_id=request.headers.get("x-correlation-id"))
    if single:
        _raise_for_single(results[0])
    # Written directly: validating a thousand results against the response model cost more than storing them.
    return JSONResponse({"results": [_out(r) for r in results]})


@router.get("/{setl_id}", responses={404: {"description": "No such settlement of this institution"}})
async def get_settlement(setl_id: Code, institution: CurrentInstitution, uow: UowDep) -> dict[str, Any]:
    """The settlement with its audit outcome, disbursement line(s), vouchers and receipt status."""
    view = await settlement_view(institution.fixmedins_code, setl_id, uow)
    if view is None:
        raise not_found(f"settlement {setl_id}")
    return view


def _all_valid(raw: bytes, limit: int) -> list[Any] | None:
    """The records, when the body is one valid settlement or a batch of valid ones; None otherwise, and the
    body is then read record by record so each bad one is named and the good ones still go in."""
    try:
        if raw.lstrip().startswith(b'{"records"'):
            batch = SettlementBatch.model_validate_json(raw)
            return list(batch.records) if len(batch.records) <= limit else None
        return [SettlementRecord.model_validate_json(raw)]
    except ValidationError:
        return None


def _json(raw: bytes) -> Any:
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


def _out(result: RecordResult) -> dict[str, Any]:
    """A result as IntakeOut describes it: setl_id always, accepted_at and errors where they apply."""
    out: dict[str, Any] = {"setl_id": result.setl_id, "status": result.status}
    if result.accepted_at is not None:
        out["accepted_at"] = result.accepted_at.isoformat().replace("+00:00", "Z")
    if result.errors:
        out["errors"] = result.errors
    return out
