"""The audit outcome of one settlement (智能审核结果): pass, suspicious (to people) or violation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from audit.domain.rules import Facts, Rule
from shared.contracts.events import AuditStatus, Finding
from shared.contracts.settlement import SettlementRecord
from shared.money import total


@dataclass(frozen=True)
class Outcome:
    status: AuditStatus
    findings: list[Finding]

    @property
    def vola_amt(self) -> Decimal:
        return total(f.vola_amt for f in self.findings)


def audit_record(record: SettlementRecord, facts: Facts, rules: list[Rule]) -> Outcome:
    """Every record through every rule (智能审核全覆盖, N art.13). A clear-cut finding makes a violation;
    any other finding makes the record suspicious, for manual review."""
    findings: list[Finding] = []
    clear_cut = False
    for rule in rules:
        found = rule.findings(record, facts)
        findings += found
        clear_cut = clear_cut or (bool(found) and rule.clear_cut)
    status: AuditStatus = "violation" if clear_cut else "suspicious" if findings else "pass"
    if findings:
        # The violating amounts together can never exceed what the fund paid for the record.
        capped = min(total(f.vola_amt for f in findings), record.fund_pay_sumamt)
        if capped < total(f.vola_amt for f in findings):
            findings = _cap(findings, capped)
    return Outcome(status, findings)


def _cap(findings: list[Finding], ceiling: Decimal) -> list[Finding]:
    left, capped = ceiling, []
    for finding in findings:
        amount = min(finding.vola_amt, left)
        left -= amount
        capped.append(finding.model_copy(update={"vola_amt": amount}))
    return capped
