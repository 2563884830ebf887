"""Reversed settlements (结算撤销, N art.10): never deducted. An open finding on one is closed as reversed, and
a settlement reversed before it is audited has its finding closed from the start. Each reversal counts in its
institution's reversal rate (N art.20)."""

from __future__ import annotations

from datetime import UTC, datetime

from audit.domain.review import SYSTEM_REVIEWER
from audit.service.risk import RiskConfigs, watch_reversals
from audit.service.uow import AuditUnitOfWork
from shared.contracts.events import SettlementReversed
from shared.messaging.envelope import Event


async def on_settlements_reversed(events: list[Event[SettlementReversed]], uow: AuditUnitOfWork, *,
                                  risks: RiskConfigs) -> None:
    reasons = {(e.payload.fixmedins_code, e.payload.setl_id): e.payload.reason for e in events}
    heard = await uow.findings.add_reversals([
        {"fixmedins_code": e.payload.fixmedins_code, "setl_id": e.payload.setl_id, "reason": e.payload.reason,
         "reversed_at": e.payload.reversed_at} for e in events
    ])
    now = datetime.now(UTC)
    closed = await uow.findings.close_reversed(list(reasons), now)
    await uow.findings.record_decisions([
        {"finding_id": finding_id, "decision": "reverse", "amount": None, "reviewer": SYSTEM_REVIEWER,
         "reason": f"结算撤销: {reasons[key]}"[:1000], "decided_at": now}
        for finding_id, key in closed
    ])
    await watch_reversals(uow, heard, risks)
