"""Carrying out audit's risk measures (风险预警处置, N art.20-21): a lowered ratio caps the lines computed from
now for the institution's settlements of its date on; a suspension stops its instant payments from the moment
it was taken (pending lines wait, N art.21); an interview reminder is noted. Each measure is recorded once with
what came of it, so the institution's page says why it is paid less, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime

from disbursement.domain.errors import DisbursementError
from disbursement.service.enrollment import apply_enrollment_change
from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts.events import RiskMeasureTaken
from shared.messaging.envelope import Event


async def on_risk_measures_taken(events: list[Event[RiskMeasureTaken]], uow: DisbursementUnitOfWork) -> None:
    measures = {e.payload.measure_id: e.payload for e in events}
    seen = await uow.risk_measures.seen(measures)
    now = datetime.now(UTC)
    rows = []
    for m in sorted((m for m in measures.values() if m.measure_id not in seen), key=lambda m: m.taken_at):
        outcome, detail = await _carry_out(m, uow, now)
        rows.append({**m.model_dump(), "outcome": outcome, "detail": detail, "recorded_at": now})
    await uow.risk_measures.add(rows)


async def _carry_out(m: RiskMeasureTaken, uow: DisbursementUnitOfWork, now: datetime) -> tuple[str, str | None]:
    if m.measure == "interview":
        return "noted", None
    if m.measure == "lower_ratio":
        return "applied", None
    reason = f"risk warning {m.warning_id} ({m.actor}): {m.reason}"
    try:
        # Suspended at the moment the operator decided, not when this event was read (N art.21).
        await apply_enrollment_change(uow, m.fixmedins_code, "suspend", reason, effective_at=min(m.taken_at, now),
                                      now=now)
    except DisbursementError as exc:
        return "refused", str(exc)[:500]
    return "applied", None
