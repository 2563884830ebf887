"""Auditing recorded settlements (智能审核, N art.13): every record through the rule base, in batches."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from audit.domain.catalogue import Catalogue
from audit.domain.outcome import Outcome, audit_record
from audit.domain.rules import Facts, Rule, fee_date
from audit.service.uow import AuditUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import business_date
from shared.contracts.events import SettlementAudited, SettlementRecorded
from shared.messaging.envelope import Event


async def audit_settlements(events: list[Event[SettlementRecorded]], uow: AuditUnitOfWork, *,
                            catalogue: Catalogue, rules: list[Rule]) -> None:
    recorded = [event.payload for event in events]
    await uow.charges.lock_persons(p.record.psn_no for p in recorded)
    history = await uow.charges.history(
        (p.record.psn_no, fee_date(p.record, line)) for p in recorded for line in p.record.details
    )
    now = datetime.now(UTC)
    outcomes: dict[tuple[str, str], tuple[Event[SettlementRecorded], Outcome]] = {}
    charges: list[dict[str, Any]] = []
    for event in events:
        p = event.payload
        key = (p.fixmedins_code, p.record.setl_id)
        if key in outcomes:
            continue  # claims records a settlement once; a second event for it changes nothing
        outcome = audit_record(p.record, Facts(catalogue, history), rules)
        history.add(p.record)  # later records of this batch see this one
        outcomes[key] = (event, outcome)
        charges += [
            {"psn_no": p.record.psn_no, "fee_date": fee_date(p.record, line), "med_list_codg": line.med_list_codg,
             "fixmedins_code": p.fixmedins_code, "setl_id": p.record.setl_id, "feedetl_sn": line.feedetl_sn,
             "cnt": line.cnt}
            for line in p.record.details
        ]
    inserted = await uow.outcomes.add_new([_row(ev.payload, outcome, now) for ev, outcome in outcomes.values()])
    await uow.charges.add(charges)
    for key in inserted:
        event, outcome = outcomes[key]
        p = event.payload
        uow.outbox.add(
            topics.SETTLEMENT_AUDITED,
            SettlementAudited(fixmedins_code=p.fixmedins_code, admdvs=p.admdvs, setl_id=p.record.setl_id,
                              insutype=p.record.insutype, status=outcome.status, vola_amt=outcome.vola_amt,
                              findings=outcome.findings, audited_at=now),
            key=p.fixmedins_code,
            correlation_id=event.correlation_id,
        )


def _row(p: SettlementRecorded, outcome: Outcome, now: datetime) -> dict[str, Any]:
    return {
        "fixmedins_code": p.fixmedins_code,
        "setl_id": p.record.setl_id,
        "admdvs": p.admdvs,
        "insutype": p.record.insutype,
        "psn_no": p.record.psn_no,
        "business_date": business_date(p.record.setl_time),
        "status": outcome.status,
        "vola_amt": outcome.vola_amt,
        "findings": [f.model_dump(mode="json") for f in outcome.findings],
        "record": p.record.model_dump(mode="json"),
        "audited_at": now,
    }
