"""Identifiers the database and the code derive the same way, so a set-based UPDATE and the Python that
publishes the events agree on which payment a line belongs to without a second pass."""

from __future__ import annotations

import hashlib
import uuid


def payment_id(run_id: uuid.UUID, fixmedins_code: str, insutype: str, period: str) -> uuid.UUID:
    """One payment per run, institution, fund and month: PostgreSQL computes the same value as
    ``md5(run_id || '|' || fixmedins_code || '|' || insutype || '|' || period)::uuid``."""
    return uuid.UUID(hashlib.md5(f"{run_id}|{fixmedins_code}|{insutype}|{period}".encode()).hexdigest())


PAYMENT_ID_SQL = "md5(:run_text || '|' || fixmedins_code || '|' || insutype || '|' || period)::uuid"
