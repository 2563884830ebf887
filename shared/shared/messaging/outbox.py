"""The transactional outbox (事务性发件箱): an event is a row written in the same transaction as the state
change that caused it, so either both happen or neither does. The relay publishes it afterwards."""

from __future__ import annotations

import json
import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.messaging.envelope import Topic, envelope_json
from shared.observability import tracing


class Outbox:
    """Collects the events of one unit of work and writes them in one statement at commit."""

    def __init__(self, session: AsyncSession, correlation_id: str | None = None) -> None:
        self._session = session
        self._rows: list[dict[str, Any]] = []
        #: Events caused by the message being handled carry its correlation id onwards.
        self.correlation_id = correlation_id

    def add(
        self,
        topic: Topic[Any],
        payload: BaseModel,
        *,
        key: str,
        correlation_id: str | None = None,
        event_id: uuid.UUID | None = None,
        headers: dict[str, str] | None = None,
    ) -> uuid.UUID:
        """The event's envelope, serialised once: the payload as its model dumps it, the envelope's fields
        around it (building an ``Envelope`` first would dump, validate and dump the payload again). Returns
        the event id."""
        if not isinstance(payload, topic.payload):
            raise TypeError(f"{topic.name} carries {topic.payload.__name__}, not {type(payload).__name__}")
        event_id = event_id or uuid.uuid4()
        correlation_id = correlation_id or self.correlation_id or str(event_id)
        if tracing.enabled():
            headers = {**tracing.outbox_headers(correlation_id), **(headers or {})}
        value = envelope_json(topic, payload.model_dump_json(), event_id=event_id, correlation_id=correlation_id)
        self.add_raw(topic.name, key=key, value=value, event_id=event_id, headers=headers)
        return event_id

    def add_raw(
        self,
        topic_name: str,
        *,
        key: str | None,
        value: bytes,
        event_id: uuid.UUID | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """A message written as bytes: a dead letter, or an envelope a hot path serialises itself."""
        if tracing.enabled() and "traceparent" not in (headers or {}):
            headers = {**tracing.outbox_headers(_correlation_id_of(value)), **(headers or {})}
        self._rows.append(
            {
                "event_id": event_id or uuid.uuid4(),
                "topic": topic_name,
                "key": key,
                "value": value,
                "headers": headers or {},
            }
        )

    @property
    def pending(self) -> int:
        return len(self._rows)

    async def flush(self) -> None:
        """One statement of arrays, however many events (an executemany is a round of binds per row); rows
        keep the order they were added in, which is the order the relay publishes them."""
        if self._rows:
            rows, self._rows = self._rows, []
            await self._session.execute(_INSERT, {
                "event_ids": [r["event_id"] for r in rows], "topics": [r["topic"] for r in rows],
                "keys": [r["key"] for r in rows], "values": [r["value"] for r in rows],
                "headers": [json.dumps(r["headers"]) for r in rows]})


_INSERT = text("""
    INSERT INTO outbox (event_id, topic, key, value, headers)
    SELECT event_id, topic, key, value, CAST(headers AS jsonb)
    FROM unnest(CAST(:event_ids AS uuid[]), CAST(:topics AS text[]), CAST(:keys AS text[]), CAST(:values AS bytea[]),
                CAST(:headers AS text[])) WITH ORDINALITY AS u(event_id, topic, key, value, headers, n)
    ORDER BY n""")


def _correlation_id_of(value: bytes) -> str | None:
    """The correlation id of an envelope given as bytes (only read while tracing is on)."""
    try:
        found = json.loads(value).get("correlation_id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None
