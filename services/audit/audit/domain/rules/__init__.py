"""The shipped rule base (规则库, N art.13): policy, management and medical rules, in the order they run. A
fee line found wrong by several rules counts once: each later rule gets only what earlier ones left of it."""

from __future__ import annotations

from audit.domain.library import Rule
from audit.domain.rules import management, medical, policy

RULES: list[Rule] = [*policy.RULES, *management.RULES, *medical.RULES]
LIBRARY: dict[str, Rule] = {rule.rule_id: rule for rule in RULES}

assert len(LIBRARY) == len(RULES), "two rules share an id"
