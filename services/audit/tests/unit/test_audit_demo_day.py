"""The demo generator's records through the whole library with the default parameters: a clean day passes
(N art.13: the rules flag what is wrong, not what is ordinary), and the violations it plants are caught."""

from __future__ import annotations

from collections import Counter
from datetime import date

from audit.domain.catalogue import shipped_catalogue
from audit.domain.history import History
from audit.domain.library import Facts, Subject
from audit.domain.outcome import as_settings, audit_record
from audit.domain.rules import RULES
from launcher.demo_data import SettlementFactory, demo_institutions
from shared.contracts.settlement import SettlementRecord


def audit_day(violation_share: float, records: int = 3000) -> tuple[Counter[str], Counter[str]]:
    catalogue, history = shipped_catalogue(), History()
    statuses: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    factory = SettlementFactory(date(2025, 9, 2), seed=11, violation_share=violation_share)
    for institution, raw in factory.day_of(demo_institutions(), records):
        subject = Subject.of(institution.fixmedins_code, institution.admdvs, SettlementRecord.model_validate(raw),
                             catalogue)
        outcome = audit_record(subject, Facts(catalogue, history), as_settings(RULES))
        history.add(subject)  # as the consumer does: later records see earlier ones
        statuses[outcome.status] += 1
        rules.update(outcome.rule_ids)
    return statuses, rules


def test_a_generated_clean_day_passes_the_whole_library():  # N art.13; the demo's normal records
    statuses, rules = audit_day(violation_share=0.0)
    assert statuses["pass"] / sum(statuses.values()) > 0.95, (statuses, rules)
    assert statuses["violation"] == 0, rules  # nothing clear-cut is wrong with an ordinary record


def test_the_violations_the_generator_plants_are_caught_as_violations():  # N art.13; 性别限定, 重复收费
    statuses, rules = audit_day(violation_share=0.05)
    assert statuses["violation"] > 0.02 * sum(statuses.values())
    assert rules["POL-SEX-01"] > 0 and rules["MGT-DUP-01"] > 0
