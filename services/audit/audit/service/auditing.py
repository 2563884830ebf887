"""Auditing recorded settlements (智能审核, N art.13, JL art.13): every record through the region's rules, in
batches: the batch's history read in one query per index table, the rules run in Python, the results written
set by set. A suspicious record, or a passed one the random sample chose, waits for a reviewer; a violation
only clear-cut rules found is deducted at once where the region auto-confirms. Each record audited counts in its
institution's risk indicators in the same transaction (N art.20)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from audit.domain.catalogue import Catalogue
from audit.domain.config import RegionAudit
from audit.domain.history import History
from audit.domain.library import Facts, Subject
from audit.domain.outcome import Outcome, audit_record
from audit.domain.review import AUTOMATIC_REVIEWER, deduction_id_of, finding_id_of, opening
from audit.domain.risk import one_record, risk_flags
from audit.domain.sampling import is_sampled
from audit.service.configs import RegionConfigs
from audit.service.risk import RegionRisk, RiskConfigs, tally, watch
from audit.service.uow import AuditUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import period_of
from shared.contracts.events import DeductionConfirmed, SettlementAudited, SettlementRecorded
from shared.messaging.envelope import Event
from shared.money import ZERO


@dataclass(frozen=True)
class Judged:
    event: Event[SettlementRecorded]
    subject: Subject
    region: RegionAudit
    outcome: Outcome
    sampled: bool
    #: What the risk indicators count it as (``high_cost``, ``repeat``, ``late``).
    risk_flags: list[str]


async def audit_settlements(events: list[Event[SettlementRecorded]], uow: AuditUnitOfWork, *,
                            catalogue: Catalogue, configs: RegionConfigs, risks: RiskConfigs) -> None:
    batch: dict[tuple[str, str], tuple[Event[SettlementRecorded], Subject]] = {}
    for event in events:
        p = event.payload
        subject = Subject.of(p.fixmedins_code, p.admdvs, p.record, catalogue)
        batch.setdefault(subject.key, (event, subject))  # claims records a settlement once: the first stands
    subjects = [s for _, s in batch.values()]
    regions = await configs.in_force(uow, {s.admdvs for s in subjects})
    region_risks = await risks.in_force(uow, {s.admdvs for s in subjects}) if risks.watching else {}
    await uow.index.lock_persons(s.psn_no for s in subjects)
    history = await uow.index.history(subjects)
    facts = Facts(catalogue, history)
    judged = []
    for event, subject in batch.values():
        region = regions[subject.admdvs]
        outcome = audit_record(subject, facts, region.enabled)
        flags = risk_flags(subject.record.fund_pay_sumamt, repeat=_repeat(subject, history),
                           lateness=event.payload.accepted_at - subject.record.setl_time,
                           config=region_risks[subject.admdvs].config) if risks.watching else []
        history.add(subject)  # later records of this batch see this one
        sampled = outcome.status == "pass" and is_sampled(region.config.sample_seed, region.config.sample_share,
                                                          *subject.key)
        judged.append(Judged(event, subject, region, outcome, sampled, flags))
    now = datetime.now(UTC)
    inserted = await uow.outcomes.add_new([_outcome_row(j) for j in judged], now)
    fresh = [j for j in judged if j.subject.key in inserted]
    await uow.index.add([j.subject for j in fresh])
    if risks.watching:
        await _count_risk(fresh, uow, region_risks, now)
    opened, deducted = await _queue(fresh, uow, now)
    for j in fresh:
        r = j.subject.record
        if not j.outcome.findings:
            event_id, value = passed_envelope(j.subject, sampled=j.sampled, under_review=j.subject.key in opened,
                                              audited_at=now, correlation_id=j.event.correlation_id)
            uow.outbox.add_raw(topics.SETTLEMENT_AUDITED.name, key=j.subject.fixmedins_code, value=value,
                               event_id=event_id)
            continue
        uow.outbox.add(
            topics.SETTLEMENT_AUDITED,
            SettlementAudited(fixmedins_code=j.subject.fixmedins_code, admdvs=j.subject.admdvs, setl_id=r.setl_id,
                              insutype=r.insutype, status=j.outcome.status, vola_amt=j.outcome.vola_amt,
                              findings=j.outcome.findings, stage="automatic", sampled=j.sampled,
                              under_review=j.subject.key in opened, deduction=deducted.get(j.subject.key),
                              audited_at=now),
            key=j.subject.fixmedins_code,
            correlation_id=j.event.correlation_id,
        )


def _repeat(subject: Subject, history: History) -> bool:
    """重复就诊: the person already settled at the same institution on the record's day."""
    return any(c.fixmedins_code == subject.fixmedins_code for c in history.others_on(subject, subject.day))


def passed_envelope(s: Subject, *, sampled: bool, under_review: bool, audited_at: datetime,
                    correlation_id: str) -> tuple[uuid.UUID, bytes]:
    """The envelope of a passed record's SettlementAudited, written as JSON directly: most records pass, and
    building, validating and dumping two pydantic models for each cost a tenth of the audit's CPU. Its
    fields are the contract's (a unit test checks it against the models); anything with findings goes
    through the models."""
    event_id = uuid.uuid4()
    envelope = {
        "event_id": str(event_id), "event_type": topics.SETTLEMENT_AUDITED.event_type,
        "schema_version": topics.SETTLEMENT_AUDITED.schema_version, "occurred_at": audited_at.isoformat(),
        "correlation_id": correlation_id,
        "payload": {"fixmedins_code": s.fixmedins_code, "admdvs": s.admdvs, "setl_id": s.record.setl_id,
                    "insutype": s.record.insutype, "status": "pass", "vola_amt": "0.00", "findings": [],
                    "stage": "automatic", "sampled": sampled, "under_review": under_review, "deduction": None,
                    "audited_at": audited_at.isoformat()},
    }
    return event_id, json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


async def _count_risk(fresh: list[Judged], uow: AuditUnitOfWork, region_risks: dict[str, RegionRisk],
                      now: datetime) -> None:
    """The batch's new records on their institutions' days, each day judged (N art.20)."""
    reversed_keys = await uow.findings.reversed_among(j.subject.key for j in fresh)
    await watch(uow, tally((j.subject.fixmedins_code, j.subject.admdvs, j.subject.day,
                            one_record(j.subject.record.fund_pay_sumamt, j.risk_flags,
                                       violation=j.outcome.status != "pass", reversed_=j.subject.key in reversed_keys))
                           for j in fresh), region_risks, now)


async def _queue(judged: list[Judged], uow: AuditUnitOfWork,
                 now: datetime) -> tuple[set[tuple[str, str]], dict[tuple[str, str], DeductionConfirmed]]:
    """Open the findings for review, and confirm at once those the region deducts automatically; returns the
    records left open for people and the deductions confirmed now, by record."""
    candidates = [j for j in judged if j.sampled or j.outcome.findings]
    if not candidates:
        return set(), {}
    reversed_keys = await uow.findings.reversed_among(j.subject.key for j in candidates)
    findings, decisions, deductions, correlations = [], [], [], []
    for j in candidates:
        s, outcome = j.subject, j.outcome
        start = opening(outcome, sampled=j.sampled, auto_confirm=j.region.config.auto_confirm,
                        reversed_already=s.key in reversed_keys)
        if start is None:
            continue
        finding_id = finding_id_of(*s.key)
        confirmed = start.status == "confirmed"
        amount = outcome.vola_amt if confirmed and outcome.vola_amt > ZERO else None
        findings.append({
            "finding_id": finding_id, "fixmedins_code": s.fixmedins_code, "setl_id": s.record.setl_id,
            "admdvs": s.admdvs, "insutype": s.record.insutype, "psn_no": s.psn_no, "business_date": s.day,
            "period": period_of(s.day), "kind": start.kind, "status": start.status, "vola_amt": outcome.vola_amt,
            "fund_pay_sumamt": s.record.fund_pay_sumamt, "rule_ids": outcome.rule_ids, "created_at": now,
            "decided_at": now if start.status != "open" else None, "confirmed_amt": amount,
        })
        if confirmed:
            decisions.append({"finding_id": finding_id, "decision": "confirm", "amount": outcome.vola_amt,
                              "reviewer": AUTOMATIC_REVIEWER, "decided_at": now,
                              "reason": f"明确违规，统筹区配置为自动确认: {', '.join(outcome.rule_ids)}"})
        if amount is not None:
            deductions.append(_deduction(j, finding_id, amount, "automatic", now))
            correlations.append(j.event.correlation_id)
    await uow.findings.open(findings)
    await uow.findings.record_decisions(decisions)
    published = await publish_deductions(deductions, uow,
                                         {d["deduction_id"]: c for d, c in zip(deductions, correlations, strict=True)})
    return {(f["fixmedins_code"], f["setl_id"]) for f in findings if f["status"] == "open"}, \
        {(d.fixmedins_code, d.setl_id): d for d in published}


def _deduction(j: Judged, finding_id: Any, amount: Any, source: str, now: datetime) -> dict[str, Any]:
    s = j.subject
    return {"deduction_id": deduction_id_of(finding_id), "finding_id": finding_id, "fixmedins_code": s.fixmedins_code,
            "admdvs": s.admdvs, "setl_id": s.record.setl_id, "insutype": s.record.insutype, "period": period_of(s.day),
            "amount": amount, "rule_ids": j.outcome.rule_ids, "source": source, "confirmed_at": now}


async def publish_deductions(rows: list[dict[str, Any]], uow: AuditUnitOfWork,
                             correlation: dict[Any, str] | None = None) -> list[DeductionConfirmed]:
    """Record the deductions and publish each one recorded now: a deduction is published exactly once
    (月度抵扣, N art.13, JL art.13). Returns those published."""
    recorded = await uow.findings.add_deductions(rows)
    published = []
    for row in rows:
        if row["deduction_id"] in recorded:
            deduction = DeductionConfirmed(**row)
            uow.outbox.add(topics.DEDUCTION_CONFIRMED, deduction, key=row["fixmedins_code"],
                           correlation_id=(correlation or {}).get(row["deduction_id"]))
            published.append(deduction)
    return published


def _outcome_row(j: Judged) -> dict[str, Any]:
    s, outcome = j.subject, j.outcome
    reviewed = bool(outcome.findings) or j.sampled
    return {
        "fixmedins_code": s.fixmedins_code,
        "setl_id": s.record.setl_id,
        "admdvs": s.admdvs,
        "insutype": s.record.insutype,
        "psn_no": s.psn_no,
        "business_date": s.day,
        "status": outcome.status,
        "vola_amt": outcome.vola_amt,
        "findings": [f.model_dump(mode="json") for f in outcome.findings],
        # the record as claims stored and published it (its canonical JSON), kept where a reviewer will read it
        "record": s.record.model_dump(mode="json") if reviewed else None,
        "sampled": j.sampled,
        "sample_seed": j.region.config.sample_seed,
        "sample_share": j.region.config.sample_share,
        "config_version": j.region.version,
        "fund_pay_sumamt": s.record.fund_pay_sumamt,
        "risk_flags": j.risk_flags,
    }
