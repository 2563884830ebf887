"""The manual review queue (人工复核, N art.13, JL art.13): list it, read a finding with the fee lines that prove
it, and decide it — confirm with the amount to deduct, or dismiss — once, with reviewer and reason."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from audit.adapters.review import FindingFilter
from audit.domain.review import AuditFinding, Decision, amount_to_deduct, deduction_id_of
from audit.service.auditing import publish_deductions
from audit.service.uow import AuditUnitOfWork
from shared.contracts import topics
from shared.contracts.events import Finding, SettlementAudited


@dataclass(frozen=True)
class Decide:
    finding_id: uuid.UUID
    decision: Decision
    amount: Decimal | None
    reviewer: str
    reason: str


class BadCursor(ValueError):
    pass


def cursor_of(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def seq_of(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind != "seq" or not number.isdigit():
            raise ValueError(cursor)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(f"{cursor!r} is not a cursor this service gave") from exc


async def list_findings(where: FindingFilter, limit: int, uow: AuditUnitOfWork) -> dict[str, Any]:
    async with uow:
        page = await uow.findings.page(where, limit + 1)
    more = len(page) > limit
    page = page[:limit]
    return {"items": [summary(f) for f in page], "next_cursor": cursor_of(page[-1].seq) if more else None}


def summary(f: AuditFinding) -> dict[str, Any]:
    return {
        "finding_id": str(f.finding_id), "fixmedins_code": f.fixmedins_code, "setl_id": f.setl_id,
        "admdvs": f.admdvs, "insutype": f.insutype, "psn_no": f.psn_no, "business_date": f.business_date.isoformat(),
        "period": f.period, "kind": f.kind, "status": f.status, "vola_amt": f"{f.vola_amt:.2f}",
        "fund_pay_sumamt": f"{f.fund_pay_sumamt:.2f}", "rule_ids": f.rule_ids,
        "confirmed_amt": f"{f.confirmed_amt:.2f}" if f.confirmed_amt is not None else None,
        "created_at": f.created_at.isoformat(), "decided_at": f.decided_at.isoformat() if f.decided_at else None,
    }


async def finding_view(finding_id: uuid.UUID, uow: AuditUnitOfWork) -> dict[str, Any] | None:
    """A finding as a reviewer reads it: each rule finding with the fee lines that prove it, the sample's
    seed when the sample chose it, the decisions so far and the deduction."""
    async with uow:
        finding = await uow.findings.get(finding_id)
        if finding is None:
            return None
        stored = await uow.outcomes.stored(finding.fixmedins_code, finding.setl_id) or {}
        decisions = await uow.findings.decisions(finding_id)
        deduction = await uow.findings.deduction_of(finding_id)
    record, rule_findings = stored.get("record") or {}, stored.get("findings") or []
    lines = {str(line.get("feedetl_sn")): line for line in record.get("details", [])}
    share = stored.get("sample_share")
    return {
        **summary(finding),
        "automatic_status": stored.get("status"), "sampled": bool(stored.get("sampled")),
        "sample_seed": stored.get("sample_seed"), "sample_share": f"{share:.4f}" if share is not None else None,
        "config_version": stored.get("config_version"),
        "med_type": record.get("med_type"), "setl_time": record.get("setl_time"),
        "medfee_sumamt": record.get("medfee_sumamt"), "dise_codg": record.get("dise_codg", []),
        "findings": [{**rf, "lines": [lines[sn] for sn in rf.get("feedetl_sns", []) if sn in lines]}
                     for rf in rule_findings],
        "decisions": [{**d, "amount": f"{d['amount']:.2f}" if d["amount"] is not None else None,
                       "decided_at": d["decided_at"].isoformat()} for d in decisions],
        "deduction": _deduction_out(deduction),
    }


def _deduction_out(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {**d, "deduction_id": str(d["deduction_id"]), "finding_id": str(d["finding_id"]),
            "amount": f"{d['amount']:.2f}", "confirmed_at": d["confirmed_at"].isoformat()}


async def decide(cmd: Decide, uow: AuditUnitOfWork) -> bool:
    """Decide an open finding; returns False when there is no such finding. A confirmation publishes the
    reviewed outcome (violation with the confirmed amount) and the deduction; a dismissal the reviewed
    outcome pass. Raises ``AlreadyDecided`` for a decided finding and ``ReviewError`` for a bad amount."""
    async with uow:
        finding = await uow.findings.get(cmd.finding_id, for_update=True)  # one decision at a time
        if finding is None:
            return False
        amount = amount_to_deduct(finding, cmd.decision, cmd.amount)
        now = datetime.now(UTC)
        confirmed = cmd.decision == "confirm"
        await uow.findings.decide(finding.finding_id, "confirmed" if confirmed else "dismissed", now, amount)
        await uow.findings.record_decisions([{"finding_id": finding.finding_id, "decision": cmd.decision,
                                              "amount": amount, "reviewer": cmd.reviewer, "reason": cmd.reason,
                                              "decided_at": now}])
        stored = await uow.outcomes.stored(finding.fixmedins_code, finding.setl_id) or {}
        rule_findings = [Finding.model_validate(f) for f in stored.get("findings") or []]
        published = [] if amount is None else await publish_deductions([{
            "deduction_id": deduction_id_of(finding.finding_id), "finding_id": finding.finding_id,
            "fixmedins_code": finding.fixmedins_code, "admdvs": finding.admdvs, "setl_id": finding.setl_id,
            "insutype": finding.insutype, "period": finding.period, "amount": amount,
            "rule_ids": finding.rule_ids, "source": "review", "confirmed_at": now,
        }], uow)
        uow.outbox.add(topics.SETTLEMENT_AUDITED, SettlementAudited(
            fixmedins_code=finding.fixmedins_code, admdvs=finding.admdvs, setl_id=finding.setl_id,
            insutype=finding.insutype, status="violation" if confirmed else "pass",
            vola_amt=amount if amount is not None else Decimal("0.00"),
            findings=rule_findings if confirmed else [], stage="reviewed",
            deduction=published[0] if published else None, audited_at=now,
        ), key=finding.fixmedins_code)
        await uow.commit()
    return True


async def list_deductions(uow: AuditUnitOfWork, *, fixmedins_code: str | None, admdvs: str | None,
                          period: str | None, limit: int, after: uuid.UUID | None) -> dict[str, Any]:
    """The deductions confirmed (月度抵扣), for reconciling with the monthly settlement."""
    async with uow:
        rows = await uow.findings.deductions(fixmedins_code=fixmedins_code, admdvs=admdvs, period=period,
                                             limit=limit + 1, after=after)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_deduction_out(r) for r in rows],
            "next_cursor": str(rows[-1]["deduction_id"]) if more else None}
