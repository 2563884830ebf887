"""Enrolling an institution in instant settlement, and suspending, resuming or terminating it
(N art.4, art.20-21, ZJ §4). A suspended or terminated institution receives nothing more by the instant
paths from that moment; what it is owed is held, not lost (N art.18)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from disbursement.adapters.repositories.institutions import Payee
from disbursement.domain.enrollment import Action, Facts, InvalidTransition, next_state, unmet_criteria
from disbursement.domain.errors import NotFound, Refused
from disbursement.domain.versions import policy_in_force
from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import EnrollmentChanged


async def change_enrollment(fixmedins_code: str, action: Action, reason: str, uow: DisbursementUnitOfWork, *,
                            effective_at: datetime | None = None, paths: list[str] | None = None,
                            criteria: dict[str, Any] | None = None) -> dict[str, Any]:
    now = datetime.now(UTC)
    effective_at = effective_at or now
    if effective_at > now:
        raise Refused("effective_at is in the future; record a change when it takes effect",
                      errors=[{"field": "effective_at", "message": "must not be in the future"}])
    async with uow:
        await apply_enrollment_change(uow, fixmedins_code, action, reason, effective_at=effective_at, now=now,
                                      paths=paths, criteria=criteria)
        view = await _view(uow, fixmedins_code)
        await uow.commit()
    return view


async def apply_enrollment_change(uow: DisbursementUnitOfWork, fixmedins_code: str, action: Action, reason: str, *,
                                  effective_at: datetime, now: datetime, paths: list[str] | None = None,
                                  criteria: dict[str, Any] | None = None) -> None:
    """The change inside the caller's transaction (an operator's request, or a risk measure from audit);
    ``NotFound`` or ``Refused`` before anything is written."""
    payee = (await uow.institutions.payees([fixmedins_code])).get(fixmedins_code)
    if payee is None:
        raise NotFound(f"institution {fixmedins_code} is not registered (or its registration has not reached "
                       "disbursement yet)")
    current = await uow.enrollments.get(fixmedins_code, for_update=True)
    try:
        state = next_state(current.state if current else "none", action)  # type: ignore[arg-type]
    except InvalidTransition as exc:
        raise Refused(str(exc), errors=[{"field": "action", "message": str(exc)}]) from exc
    if action == "enroll":
        await _check_criteria(uow, payee, criteria, effective_at)
    await uow.enrollments.record(fixmedins_code=fixmedins_code, admdvs=payee.admdvs, action=action, state=state,
                                 paths=paths if action == "enroll" else (current.paths if current else None),
                                 reason=reason, effective_at=effective_at, recorded_at=now, criteria=criteria)
    uow.outbox.add(topics.ENROLLMENT_CHANGED, EnrollmentChanged(
        fixmedins_code=fixmedins_code, admdvs=payee.admdvs, state=state, action=action, reason=reason,
        effective_at=effective_at), key=fixmedins_code)


async def _check_criteria(uow: DisbursementUnitOfWork, payee: Payee, criteria: dict[str, Any] | None,
                          at: datetime) -> None:
    """ZJ §4: where the region sets conditions, an applicant that does not meet each is refused, naming them."""
    in_force = policy_in_force((await uow.policies.versions([payee.admdvs])).get(payee.admdvs, []), at.astimezone(SHANGHAI).date())
    if in_force is None or in_force.policy.enrollment_criteria is None:
        return
    known = {k: v for k, v in (criteria or {}).items() if k in Facts.__dataclass_fields__}
    facts = Facts(**known, hosp_lv=payee.hosp_lv, fixmedins_type=payee.fixmedins_type)
    unmet = unmet_criteria(in_force.policy.enrollment_criteria, facts)
    if unmet:
        raise Refused("the institution does not meet the region's conditions for instant settlement (ZJ §4)",
                      errors=[{"field": f, "message": m} for f, m in unmet])


async def enrollment_view(fixmedins_code: str, uow: DisbursementUnitOfWork) -> dict[str, Any]:
    async with uow:
        return await _view(uow, fixmedins_code)


async def _view(uow: DisbursementUnitOfWork, fixmedins_code: str) -> dict[str, Any]:
    current = await uow.enrollments.get(fixmedins_code)
    history = await uow.enrollments.history(fixmedins_code)
    return {
        "fixmedins_code": fixmedins_code, "state": current.state if current else "none",
        "paths": current.paths if current else None, "since": current.since.isoformat() if current else None,
        "history": [{"action": h.action, "state": h.state, "reason": h.reason,
                     "effective_at": h.effective_at.isoformat(), "recorded_at": h.recorded_at.isoformat(),
                     "criteria": h.criteria} for h in history],
        "risk_measures": [{"measure_id": str(m.measure_id), "warning_id": str(m.warning_id), "measure": m.measure,
                           "ratio": None if m.ratio is None else f"{m.ratio:.4f}",
                           "effective_from": m.effective_from.isoformat() if m.effective_from else None,
                           "taken_by": m.actor, "reason": m.reason, "taken_at": m.taken_at.isoformat(),
                           "outcome": m.outcome, "detail": m.detail}
                          for m in await uow.risk_measures.of_institution(fixmedins_code)],
    }
