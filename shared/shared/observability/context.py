"""The ids of what a task is working on, for its log lines: the correlation id of the request or event (set
by the HTTP middleware per request, by the consumer per event), the event's id and the settlement's
``setl_id`` when there is exactly one. Context variables, so concurrent requests never see each other's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
event_id: ContextVar[str | None] = ContextVar("event_id", default=None)
setl_id: ContextVar[str | None] = ContextVar("setl_id", default=None)

_VARIABLES = {"correlation_id": correlation_id, "event_id": event_id, "setl_id": setl_id}


@contextmanager
def bound(**values: str | None) -> Iterator[None]:
    """Set some of the ids for the duration of a block (``None`` clears one), then restore them."""
    tokens = [(_VARIABLES[name], _VARIABLES[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)


def current() -> dict[str, str]:
    """The ids set now, for a log line."""
    return {name: value for name, variable in _VARIABLES.items() if (value := variable.get()) is not None}


def setl_id_of(payload: Any) -> str | None:
    """A payload's settlement id: its own ``setl_id``, or its record's (claims.settlement-recorded)."""
    found = getattr(payload, "setl_id", None)
    if found is None:
        found = getattr(getattr(payload, "record", None), "setl_id", None)
    return found if isinstance(found, str) else None
