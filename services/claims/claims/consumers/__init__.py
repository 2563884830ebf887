"""Claims keeps its own view of what other services decided about each settlement (see ``adapters/tables``)."""

from __future__ import annotations

from claims.consumers.views import subscriptions

__all__ = ["subscriptions"]
