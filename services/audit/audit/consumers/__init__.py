"""Audit listens to one topic: every recorded settlement is audited."""

from __future__ import annotations

from functools import partial

from audit.domain.catalogue import Catalogue
from audit.domain.rules import Rule
from audit.service.auditing import audit_settlements
from audit.service.uow import AuditUnitOfWork
from shared.contracts import topics
from shared.messaging.consumer import Subscription


def subscriptions(catalogue: Catalogue, rules: list[Rule]) -> list[Subscription[AuditUnitOfWork]]:
    return [Subscription(topics.SETTLEMENT_RECORDED, partial(audit_settlements, catalogue=catalogue, rules=rules))]
