"""The audit outcome of one settlement (智能审核结果): pass, suspicious (to people) or violation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from audit.domain.library import Facts, Params, Rule, Subject, fund_share
from shared.contracts.events import AuditStatus, Finding
from shared.money import ZERO, total


@dataclass(frozen=True)
class RuleSetting:
    """A rule as a region runs it: switched on or off, clear-cut or for review, with its parameters."""

    rule: Rule
    enabled: bool = True
    clear_cut: bool | None = None
    params: Params | None = None

    @property
    def is_clear_cut(self) -> bool:
        return self.rule.clear_cut if self.clear_cut is None else self.clear_cut


def as_settings(rules: Sequence[Rule | RuleSetting]) -> list[RuleSetting]:
    """Rules as a region that never changed them runs them."""
    return [r if isinstance(r, RuleSetting) else RuleSetting(r) for r in rules]


@dataclass(frozen=True)
class Outcome:
    status: AuditStatus
    findings: list[Finding] = field(default_factory=list)
    #: Every finding came from a clear-cut rule: nothing is left for a person to judge.
    clear_cut_only: bool = False

    @property
    def vola_amt(self) -> Decimal:
        return total(f.vola_amt for f in self.findings)

    @property
    def rule_ids(self) -> list[str]:
        return [f.rule_id for f in self.findings]


def audit_record(subject: Subject, facts: Facts, rules: Sequence[RuleSetting]) -> Outcome:
    """Every record through every rule the region runs (智能审核全覆盖, N art.13). A clear-cut finding makes a
    violation; any other finding makes the record suspicious, for manual review (N art.13, JL art.13).

    A fee line several rules find wrong counts once: each rule gets what earlier rules left of the line. The
    violating amounts together never exceed what the fund paid for the record."""
    record = subject.record
    findings: list[Finding] = []
    claimed: dict[str, Decimal] = {}
    clear_cut = judged = False
    for setting in rules:
        if not setting.enabled:
            continue
        rule = setting.rule
        hits = rule.check(subject, facts, setting.params or rule.defaults)
        if hits is None:
            continue  # the common case: nothing below runs for a record that passes
        amount = ZERO
        for line, wrong in hits.lines:
            already = claimed.get(line.feedetl_sn, ZERO)
            counted = max(min(wrong, line.det_item_fee_sumamt - already), ZERO)
            claimed[line.feedetl_sn] = already + counted
            amount += counted
        description = f"{rule.description}（{hits.detail}）" if hits.detail else rule.description
        findings.append(Finding(
            rule_id=rule.rule_id, family=rule.family, sev_deg=rule.severity, description=description,
            vola_amt=fund_share(record, amount), feedetl_sns=list(dict.fromkeys(line.feedetl_sn for line, _ in hits.lines)),
        ))
        if setting.is_clear_cut:
            clear_cut = True
        else:
            judged = True
    if not findings:
        return Outcome("pass")
    return Outcome("violation" if clear_cut else "suspicious", _cap(findings, record.fund_pay_sumamt),
                   clear_cut_only=clear_cut and not judged)


def _cap(findings: list[Finding], ceiling: Decimal) -> list[Finding]:
    """Rounding each finding's fund share may add a fen or two above the fund payment: cap in rule order."""
    if total(f.vola_amt for f in findings) <= ceiling:
        return findings
    left, capped = ceiling, []
    for finding in findings:
        amount = min(finding.vola_amt, left)
        left -= amount
        capped.append(finding.model_copy(update={"vola_amt": amount}))
    return capped
