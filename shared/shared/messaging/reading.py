"""How a consumer reads a message: its envelope and payload in one pass of pydantic-core, or, for a message
that fails that read, the exact reason it goes to the DLQ and the letter that carries it there."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka.structs import ConsumerRecord
from pydantic import BaseModel, ValidationError

from shared.messaging.envelope import Envelope, Event, Topic, typed_envelope


@dataclass
class Parsed:
    """A message read: its event, or the reason it is a dead letter; ``processed_key`` is what the consumer
    claims it by (the event id, or the digest of a message too broken to carry one)."""

    record: ConsumerRecord
    topic: Topic[Any]
    processed_key: str
    event: Event[Any] | None = None
    dead_reason: str | None = None


def parse(record: ConsumerRecord, topic: Topic[Any], model: type[BaseModel]) -> Parsed:
    """``model``: the topic's payload, or the narrower view a consumer reads of it."""
    try:  # the common case: a good message of this topic, read in one pass
        typed = typed_envelope(model).model_validate_json(record.value or b"")
    except ValidationError:
        return _refuse(record, topic, model)
    if typed.event_type != topic.event_type or typed.schema_version > topic.schema_version:
        return _refuse(record, topic, model)
    return Parsed(record, topic, str(typed.event_id), event=Event(typed, typed.payload))  # type: ignore[attr-defined]


def _refuse(record: ConsumerRecord, topic: Topic[Any], model: type[BaseModel]) -> Parsed:
    """A message the one-pass read refused, read again step by step to say what is wrong with it: not an
    envelope, another event's type, a newer schema, or a payload its model refuses."""
    try:
        envelope = Envelope.from_bytes(record.value)
    except ValidationError as exc:
        digest = hashlib.sha256(record.value or b"").hexdigest()
        return Parsed(record, topic, f"sha256:{digest}", dead_reason=f"not an envelope: {_short(exc)}")
    key = str(envelope.event_id)
    if envelope.event_type != topic.event_type:
        return Parsed(record, topic, key, dead_reason=f"event_type {envelope.event_type!r} on {topic.name}")
    if envelope.schema_version > topic.schema_version:
        reason = f"schema_version {envelope.schema_version} is newer than {topic.schema_version}, known here"
        return Parsed(record, topic, key, dead_reason=reason)
    try:
        payload = model.model_validate(envelope.payload)
    except ValidationError as exc:
        return Parsed(record, topic, key, dead_reason=f"invalid payload: {_short(exc)}")
    return Parsed(record, topic, key, event=Event(envelope, payload))


def dead_letter(item: Parsed, *, consumer: str) -> bytes:
    """The DLQ message: why, who refused it, where it came from, and the original as it was (its text, or
    base64 when it is not UTF-8)."""
    record = item.record
    raw = record.value or b""
    try:
        original: Any = raw.decode()
    except UnicodeDecodeError:
        original = {"base64": base64.b64encode(raw).decode()}
    letter = {
        "reason": item.dead_reason,
        "consumer": consumer,
        "source": {"topic": record.topic, "partition": record.partition, "offset": record.offset},
        "dead_at": datetime.now(UTC).isoformat(),
        "original": original,
    }
    return json.dumps(letter, ensure_ascii=False).encode()


def _short(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in exc.errors()[:5])
