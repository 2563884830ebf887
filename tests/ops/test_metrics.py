"""``/metrics`` and the health endpoints of the real services (issue 9, item 4): consumer lag and assignment,
outbox backlog and age, business counters moving with the load, each service's own state gauges read from
its database, readiness that drops as soon as a stop is asked for."""

from __future__ import annotations

import asyncio

from audit.main import create_app as audit_app
from audit.settings import AuditSettings
from bank_gateway.main import create_app as gateway_app
from bank_gateway.settings import BankGatewaySettings
from claims.main import create_app as claims_app
from claims.settings import ClaimsSettings
from disbursement.main import create_app as disbursement_app
from disbursement.settings import DisbursementSettings
from launcher.testing import Infra, eventually, migrate, serving, settings_for
from tests.ops.audit_processes import SETTLEMENT_RECORDED, Metrics, envelopes, outcomes_at_least, produce

RECORDS = 400


async def test_audit_metrics_show_its_partitions_lag_outbox_and_outcomes_moving(infra: Infra, prefix: str,
                                                                                  topics: str) -> None:
    settings = settings_for(AuditSettings, infra, prefix)
    await migrate("audit", settings)
    async with serving(audit_app(settings)) as client:
        async def scrape() -> Metrics:
            response = await client.get("/metrics")
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
            return Metrics.parse(response.text)

        before = await scrape()
        await produce(settings, envelopes(RECORDS, 1))
        await eventually(lambda: outcomes_at_least(settings, RECORDS), timeout=60)

        async def published_all() -> Metrics | None:
            now = await scrape()
            done = now.value("jishi_events_published_total", topic="audit.settlement-audited")
            return now if done - before.value("jishi_events_published_total",
                                              topic="audit.settlement-audited") == RECORDS else None

        after = await eventually(published_all, timeout=20, interval=0.3)

    def moved(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert after.value("jishi_consumer_assigned_partitions", topic=SETTLEMENT_RECORDED) == 4  # topics: ×4
    assert after.label_values("jishi_consumer_lag", "partition", topic=SETTLEMENT_RECORDED) == {"0", "1", "2", "3"}
    assert after.value("jishi_consumer_lag", topic=SETTLEMENT_RECORDED) == 0  # caught up
    assert moved("jishi_events_consumed_total", topic=SETTLEMENT_RECORDED, result="applied") == RECORDS
    assert moved("jishi_settlements_audited_total") == RECORDS  # pass, violation or suspicious, each once
    assert after.value("jishi_outbox_unsent") == 0 and "jishi_outbox_oldest_unsent_age_seconds" in after.samples
    assert after.value("jishi_outbox_relay_leader") == 1
    assert moved("jishi_consumer_batch_duration_seconds_count") > 0
    assert after.value("process_resident_memory_bytes") > 0


async def test_runs_late_and_receipts_overdue_are_read_from_their_services_databases(
        infra: Infra, prefix: str, topics: str) -> None:
    """The state behind the alerts 'a run late against its due date' and 'a receipt missing past its timeout'."""
    disbursement = settings_for(DisbursementSettings, infra, prefix)
    gateway = settings_for(BankGatewaySettings, infra, prefix)
    await asyncio.gather(migrate("disbursement", disbursement), migrate("bank_gateway", gateway))
    async with serving(disbursement_app(disbursement)) as one, serving(gateway_app(gateway)) as other:
        runs, vouchers = [Metrics.parse((await c.get("/metrics")).text) for c in (one, other)]
        runs_text = (await one.get("/metrics")).text
    errors = runs.value("jishi_metrics_refresh_errors_total")
    assert "# TYPE jishi_runs_late gauge" in runs_text and runs.value("jishi_runs_late") == 0
    assert vouchers.value("jishi_vouchers_awaiting_receipt") == vouchers.value("jishi_vouchers_receipt_overdue") == 0
    assert "jishi_vouchers_receipt_overdue" in vouchers.samples  # the query ran: a number, not an absence
    assert vouchers.value("jishi_metrics_refresh_errors_total") == errors  # neither query failed


async def test_readiness_drops_when_a_stop_is_asked_and_claims_is_ready_without_its_partitions(
        infra: Infra, prefix: str, topics: str) -> None:
    """A stopping pod leaves its Service's endpoints at once; claims, whose work is its API, does not leave
    them while its views' consumer waits for partitions."""
    audit = settings_for(AuditSettings, infra, prefix)
    claims = settings_for(ClaimsSettings, infra, prefix)
    await asyncio.gather(migrate("audit", audit), migrate("claims", claims))
    app = claims_app(claims)
    async with serving(app) as client:
        app.state.runtime.consumer.assigned = frozenset()  # as during a rebalance
        ready = await client.get("/health/ready")
        assert ready.status_code == 200 and "consumer" not in ready.json()["checks"]
        answered = await client.get("/health/live", headers={"x-correlation-id": "probe-1"})
        assert answered.headers["x-correlation-id"] == "probe-1"
    app = audit_app(audit)
    async with serving(app) as client:
        await eventually(lambda: _ready(client), timeout=20)
        app.state.runtime.request_stop()
        stopping = await eventually(lambda: _not_ready(client), timeout=2)
        assert stopping["checks"]["shutdown"].startswith("stopping")


async def _ready(client: object) -> bool:
    return (await client.get("/health/ready")).status_code == 200  # type: ignore[attr-defined]


async def _not_ready(client: object) -> dict[str, object] | None:
    response = await client.get("/health/ready")  # type: ignore[attr-defined]
    return response.json() if response.status_code == 503 else None
