"""Accepting settlements (结算上传, N art.12): one record or a batch, a result per record, idempotent on
(fixmedins_code, setl_id). A bad record never fails the others, and nothing of a rejected one is stored.

This is the hottest path of the system (tens of thousands of records a second), so each record is
validated once by pydantic-core, serialised once (its stored content, its fingerprint and its event share
one JSON text), and the batch is written in one statement."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import ValidationError

from claims.domain.institution import Institution
from claims.domain.settlement import canonical, differing_fields, fingerprint, inconsistencies
from claims.service.uow import ClaimsUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import INSUTYPES, business_date
from shared.contracts.settlement import SettlementRecord
from shared.messaging.envelope import envelope_json
from shared.problems import field_errors

Status = Literal["accepted", "replayed", "rejected", "conflict"]


@dataclass(frozen=True)
class RecordResult:
    setl_id: str | None
    status: Status
    accepted_at: datetime | None = None
    errors: list[dict[str, str]] = field(default_factory=list)


@dataclass
class _Candidate:
    index: int
    record: SettlementRecord
    #: The record as stored, compared and published: one JSON text.
    content: str
    fingerprint: str


async def accept_settlements(institution: Institution, raw_records: list[Any], uow: ClaimsUnitOfWork,
                             *, correlation_id: str | None = None) -> list[RecordResult]:
    results: list[RecordResult | None] = [None] * len(raw_records)
    first: dict[str, _Candidate] = {}
    again: list[_Candidate] = []
    now = datetime.now(UTC)
    async with uow:
        for index, raw in enumerate(raw_records):
            candidate = _validate(index, raw, institution, results)
            if candidate is None:
                continue
            if candidate.record.setl_id in first:
                again.append(candidate)  # the same setl_id twice in one batch: judged against the first
            else:
                first[candidate.record.setl_id] = candidate
        await _refuse_unsettled_funds(uow, institution, first, again, results)
        inserted = await uow.settlements.add_new(institution, [c.record for c in first.values()],
                                                 [c.content for c in first.values()],
                                                 [c.fingerprint for c in first.values()], now)
        earlier = await uow.settlements.stored(institution.fixmedins_code, set(first) - inserted)
        for setl_id, candidate in first.items():
            if setl_id in inserted:
                results[candidate.index] = RecordResult(setl_id, "accepted", accepted_at=now)
                _publish(uow, institution, candidate, now, correlation_id)
            else:
                results[candidate.index] = _replay(candidate, *earlier[setl_id])
        for candidate in again:
            original = first[candidate.record.setl_id]
            if original.record.setl_id in inserted:
                results[candidate.index] = _replay(candidate, original.fingerprint, json.loads(original.content), now)
            else:
                results[candidate.index] = _replay(candidate, *earlier[original.record.setl_id])
        await uow.commit()
    return [r for r in results if r is not None]


async def _refuse_unsettled_funds(uow: ClaimsUnitOfWork, institution: Institution, first: dict[str, _Candidate],
                                  again: list[_Candidate], results: list[RecordResult | None]) -> None:
    """New records of a fund the region does not settle are rejected (taken out of ``first`` and ``again``); one
    accepted before the region's policy said so is still answered as stored (replayed or conflicting)."""
    versions = await uow.declarations.accepted_insutypes(institution.admdvs) if first else []
    refused = {setl_id: r for setl_id, c in first.items()
               if (r := unsettled_fund(c.record, institution.admdvs, versions)) is not None}
    if not refused:
        return
    stored = await uow.settlements.stored(institution.fixmedins_code, set(refused))
    for setl_id, refusal in refused.items():
        if setl_id in stored:
            continue
        results[first.pop(setl_id).index] = RecordResult(setl_id, "rejected", errors=[refusal])
        for candidate in again:
            if candidate.record.setl_id == setl_id:
                results[candidate.index] = RecordResult(setl_id, "rejected", errors=[refusal])
    again[:] = [c for c in again if c.record.setl_id in first]


def unsettled_fund(record: SettlementRecord, admdvs: str,
                   versions: list[tuple[date, list[str] | None]]) -> dict[str, str] | None:
    """A record of an insutype the region's policy of its day neither settles nor folds into a fund it settles
    (N art.3) is refused, naming both, rather than accepted and never paid. A region whose policy claims has
    not heard yet is not judged here."""
    day = business_date(record.setl_time)
    insutypes = next((i for effective_from, i in versions if effective_from <= day), None)
    if insutypes is None or record.insutype in insutypes:
        return None
    name = INSUTYPES.get(record.insutype, record.insutype)
    return {"field": "insutype", "message": f"region {admdvs} does not settle insutype {record.insutype} ({name}) "
                                            f"by instant settlement; it settles {', '.join(insutypes)}"}


def _publish(uow: ClaimsUnitOfWork, institution: Institution, candidate: _Candidate, now: datetime,
             correlation_id: str | None) -> None:
    """claims.settlement-recorded (SettlementRecorded), around the record's JSON already made; a unit test
    reads it back through the contract's model."""
    event_id = uuid.uuid4()
    payload = (f'{{"fixmedins_code":{json.dumps(institution.fixmedins_code)},"admdvs":"{institution.admdvs}",'
               f'"accepted_at":"{now.isoformat()}","record":{candidate.content}}}')
    uow.outbox.add_raw(topics.SETTLEMENT_RECORDED.name, key=institution.fixmedins_code, event_id=event_id,
                       value=envelope_json(topics.SETTLEMENT_RECORDED, payload, event_id=event_id,
                                           correlation_id=correlation_id, occurred_at=now))


def _validate(index: int, raw: Any, institution: Institution, results: list[RecordResult | None]) -> _Candidate | None:
    if isinstance(raw, SettlementRecord):
        record = raw  # already validated with the whole body
    else:
        setl_id = raw.get("setl_id") if isinstance(raw, dict) and isinstance(raw.get("setl_id"), str) else None
        try:
            record = SettlementRecord.model_validate(raw)
        except ValidationError as exc:
            results[index] = RecordResult(setl_id, "rejected", errors=field_errors(list(exc.errors())))
            return None
    problems = inconsistencies(record, institution.fixmedins_code)
    if problems:
        results[index] = RecordResult(record.setl_id, "rejected", errors=[p.as_dict() for p in problems])
        return None
    content = canonical(record)
    return _Candidate(index, record, content, fingerprint(content))


def _replay(candidate: _Candidate, stored_fingerprint: str, stored: dict[str, Any],
            accepted_at: datetime) -> RecordResult:
    setl_id = candidate.record.setl_id
    if stored_fingerprint == candidate.fingerprint:
        return RecordResult(setl_id, "replayed", accepted_at=accepted_at)
    fields = differing_fields(stored, json.loads(candidate.content))
    return RecordResult(setl_id, "conflict", accepted_at=accepted_at, errors=[
        {"field": f, "message": "differs from the record first accepted under this setl_id"} for f in fields
    ])

