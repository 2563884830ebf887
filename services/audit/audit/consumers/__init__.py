"""Audit listens to two topics: every recorded settlement is audited; a reversed one is never deducted.
Reversals first: a batch that brings a settlement and its reversal audits it as reversed."""

from __future__ import annotations

from functools import partial

from audit.domain.catalogue import Catalogue
from audit.service.auditing import audit_settlements
from audit.service.configs import RegionConfigs
from audit.service.reversals import on_settlements_reversed
from audit.service.risk import RiskConfigs
from audit.service.uow import AuditUnitOfWork
from shared.contracts import topics
from shared.messaging.consumer import Subscription


def subscriptions(catalogue: Catalogue, configs: RegionConfigs,
                  risks: RiskConfigs) -> list[Subscription[AuditUnitOfWork]]:
    return [
        Subscription(topics.SETTLEMENT_REVERSED, partial(on_settlements_reversed, risks=risks)),
        Subscription(topics.SETTLEMENT_RECORDED,
                     partial(audit_settlements, catalogue=catalogue, configs=configs, risks=risks)),
    ]
