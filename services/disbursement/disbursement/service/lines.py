"""Computing per-record lines as settlements and their audit outcomes arrive (JL art.11, N art.13)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row

from disbursement.adapters.tables import Line
from disbursement.domain.batches import open_batch
from disbursement.domain.lines import RatioCap, capped_ratio, disbursement_line, payable_base
from disbursement.domain.versions import policy_in_force
from disbursement.service.adjustments import record_deductions
from disbursement.service.funds import fund_folder
from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import business_date, period_of
from shared.contracts.events import LineComputed, SettlementAudited, SettlementRecorded
from shared.contracts.settlement import SettlementRecord
from shared.messaging.envelope import Event, reader
from shared.money import ZERO

#: What a line needs of a recorded settlement. The fee details, diagnoses and the person are audit's: claims
#: validated the whole record at intake, and reading it all again here cost 23 µs an event against 6.
RECORDED_FOR_LINES = reader(SettlementRecorded, "fixmedins_code", "admdvs", "accepted_at", record=reader(
    SettlementRecord, "setl_id", "insutype", "med_type", "setl_time", "fund_pay_sumamt", "acct_pay", "acct_mulaid_pay"))


async def on_settlements_recorded(events: list[Event[SettlementRecorded]], uow: DisbursementUnitOfWork) -> None:
    """Each record under the fund that settles it (a maternity record under the employee fund, N art.3). The
    consumer reads each payload as ``RECORDED_FOR_LINES``: only the fields below exist on it."""
    fund = await fund_folder(uow, {e.payload.admdvs for e in events})
    rows = {
        (p.fixmedins_code, p.record.setl_id): {
            "fixmedins_code": p.fixmedins_code, "setl_id": p.record.setl_id, "admdvs": p.admdvs,
            "insutype": fund(p.admdvs, business_date(p.record.setl_time), p.record.insutype),
            "med_type": p.record.med_type,
            "business_date": business_date(p.record.setl_time), "fund_pay_sumamt": p.record.fund_pay_sumamt,
            "acct_pay": p.record.acct_pay, "acct_mulaid_pay": p.record.acct_mulaid_pay, "recorded_at": p.accepted_at,
        }
        for p in (e.payload for e in events)
    }
    await uow.intake.merge(list(rows.values()))
    correlation = {(e.payload.fixmedins_code, e.payload.record.setl_id): e.correlation_id for e in events}
    await compute_lines(uow, keys=list(rows), correlation=correlation)


async def on_settlements_audited(events: list[Event[SettlementAudited]], uow: DisbursementUnitOfWork) -> None:
    rows = {
        (p.fixmedins_code, p.setl_id): {
            "fixmedins_code": p.fixmedins_code, "setl_id": p.setl_id, "audit_status": p.status,
            "vola_amt": p.vola_amt, "audited_at": p.audited_at, "under_review": p.under_review,
        }
        for p in (e.payload for e in events)
    }
    await uow.intake.merge(list(rows.values()))
    # A confirmed deduction rides on its outcome too: a month settled as soon as the review ends deducts it
    # even before the DeductionConfirmed topic is read (the same deduction_id: recorded once).
    await record_deductions([p.deduction for p in (e.payload for e in events) if p.deduction is not None], uow)
    correlation = {(e.payload.fixmedins_code, e.payload.setl_id): e.correlation_id for e in events}
    await compute_lines(uow, keys=list(rows), correlation=correlation)


async def compute_lines(uow: DisbursementUnitOfWork, *, keys: list[tuple[str, str]] | None = None,
                        admdvs: str | None = None, correlation: dict[tuple[str, str], str] | None = None) -> int:
    """Give each waiting settlement its line once its region's policy and audit mode allow; returns how many."""
    waiting = await uow.intake.waiting(keys, admdvs=admdvs)
    if not waiting:
        return 0
    regions = {w.admdvs for w in waiting if w.admdvs}
    versions = await uow.policies.versions(regions)
    await uow.lines.lock_batches(regions, exclusive=False)
    closed = await uow.lines.closed_batches(regions, min(w.business_date for w in waiting if w.business_date))
    caps = await uow.risk_measures.caps({w.fixmedins_code for w in waiting})
    now = datetime.now(UTC)
    lines: list[dict[str, Any]] = []
    given: dict[tuple[str, str], uuid.UUID] = {}
    for intake in waiting:
        line = _line(intake, versions.get(intake.admdvs or "", []), closed.get(intake.admdvs or "", set()),
                     caps.get(intake.fixmedins_code, []), now)
        if line is None:
            continue
        lines.append({**line.model_dump(), "period": period_of(line.business_date)})
        given[(intake.fixmedins_code, intake.setl_id)] = line.line_id
        uow.outbox.add(topics.LINE_COMPUTED, line, key=line.fixmedins_code,
                       correlation_id=(correlation or {}).get((intake.fixmedins_code, intake.setl_id)))
    await uow.lines.add(lines)
    await uow.intake.give_lines(given)
    return len(lines)


def _line(intake: Row[Any], versions: list[Any], closed: set[date], caps: list[RatioCap],
          now: datetime) -> LineComputed | None:
    assert intake.business_date and intake.insutype and intake.med_type and intake.admdvs
    assert intake.fund_pay_sumamt is not None
    in_force = policy_in_force(versions, intake.business_date)
    if in_force is None or "B" not in in_force.policy.paths:
        return None  # no daily path here (yet): paid by the monthly settlement or the prepayment instead
    ratio = in_force.policy.ratio(intake.insutype, intake.med_type)
    base = payable_base(in_force.policy.audit_mode, intake.audit_status,  # type: ignore[arg-type]
                        intake.fund_pay_sumamt, intake.vola_amt or ZERO)
    if ratio is None or base is None:
        return None
    ratio = capped_ratio(ratio, caps, intake.business_date)
    return LineComputed(
        line_id=uuid.uuid4(), fixmedins_code=intake.fixmedins_code, admdvs=intake.admdvs, setl_id=intake.setl_id,
        insutype=intake.insutype, med_type=intake.med_type, business_date=intake.business_date,
        fund_pay_sumamt=intake.fund_pay_sumamt, base=base, ratio=ratio, amount=disbursement_line(base, ratio),
        policy_version=in_force.version, computed_at=now,
        batch_date=open_batch(intake.business_date, in_force.policy.batch, closed),
    )


async def republish(uow: DisbursementUnitOfWork, lines: list[Line]) -> None:
    """Lines that moved to another batch, or that a monthly settlement took in, are published again, so the
    institution's view of each settlement says which payment will carry it."""
    for line in lines:
        uow.outbox.add(topics.LINE_COMPUTED, LineComputed(
            line_id=line.line_id, fixmedins_code=line.fixmedins_code, admdvs=line.admdvs, setl_id=line.setl_id,
            insutype=line.insutype, med_type=line.med_type, business_date=line.business_date,
            fund_pay_sumamt=line.fund_pay_sumamt, base=line.base, ratio=line.ratio, amount=line.amount,
            policy_version=line.policy_version, batch_date=line.batch_date, computed_at=line.computed_at,
        ), key=line.fixmedins_code)
