"""The envelope every message carries (contract.md, "Kafka topics")."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class Topic(Generic[P]):
    """A topic and the one event it carries: name ``<domain>.<event>`` in the past tense, payload model."""

    name: str
    payload: type[P]
    schema_version: int = 1

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"

    @property
    def event_type(self) -> str:
        return self.name


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: uuid.UUID
    event_type: str = Field(min_length=1)
    schema_version: int = Field(ge=1)
    occurred_at: AwareDatetime
    correlation_id: str = Field(min_length=1)
    payload: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        topic: Topic[Any],
        payload: BaseModel,
        *,
        correlation_id: str | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope:
        event_id = event_id or uuid.uuid4()
        return cls(
            event_id=event_id,
            event_type=topic.event_type,
            schema_version=topic.schema_version,
            occurred_at=datetime.now(UTC),
            correlation_id=correlation_id or str(event_id),
            payload=payload.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Envelope:
        """Raises ``pydantic.ValidationError`` for anything that is not an envelope (the DLQ's reason)."""
        return cls.model_validate_json(raw or b"")


def envelope_json(topic: Topic[Any], payload_json: str, *, event_id: uuid.UUID, correlation_id: str | None,
                  occurred_at: datetime | None = None) -> bytes:
    """The envelope's bytes around a payload already serialised (by pydantic-core, or assembled by a hot
    path): the same document ``Envelope.wrap(...).to_bytes()`` gives, without building the model twice."""
    return (
        '{"event_id":"%s","event_type":%s,"schema_version":%d,"occurred_at":"%s","correlation_id":%s,"payload":%s}'
        % (event_id, json.dumps(topic.event_type), topic.schema_version,
           (occurred_at or datetime.now(UTC)).isoformat(), json.dumps(correlation_id or str(event_id)),
           payload_json)
    ).encode()


@dataclass(frozen=True)
class Event(Generic[P]):
    """A message as a handler sees it: the envelope and its payload, already validated."""

    envelope: Envelope
    payload: P

    @property
    def event_id(self) -> uuid.UUID:
        return self.envelope.event_id

    @property
    def correlation_id(self) -> str:
        return self.envelope.correlation_id
