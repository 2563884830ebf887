"""Audit as real OS processes for the operations tests, on the test's database and topics, and the recorded
settlements they are fed (both from the launcher, shared with ``bench/scaling.py``)."""

from __future__ import annotations

from audit.settings import AuditSettings
from launcher.recorded import envelopes, produce
from launcher.service_process import Metrics, ServiceProcess, count_rows
from launcher.testing import Infra

__all__ = ["AuditProcess", "Metrics", "count_rows", "envelopes", "outcomes_at_least", "produce"]
SETTLEMENT_RECORDED = "claims.settlement-recorded"


class AuditProcess(ServiceProcess):
    def __init__(self, infra: Infra, settings: AuditSettings, name: str) -> None:
        super().__init__(settings, name, infra.run_dir / "ops")

    def assigned(self, metrics: Metrics) -> set[int]:
        """The partitions of claims.settlement-recorded this process holds (from its lag series)."""
        return metrics.partitions(SETTLEMENT_RECORDED)


async def outcomes_at_least(settings: AuditSettings, n: int) -> bool:
    return await count_rows(settings, "SELECT count(*) FROM audit_outcomes") >= n
