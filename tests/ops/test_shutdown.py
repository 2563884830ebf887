"""Graceful shutdown with real processes (issue 9, item 5): on SIGTERM a service stops taking work, finishes
the batch in flight, commits its offsets, flushes its outbox and exits 0 within 20 s — so a restart neither
redoes nor loses a record."""

from __future__ import annotations

import asyncio

from audit.settings import AuditSettings
from launcher.environment import ensure_topics
from launcher.testing import Infra, eventually, migrate, read_topic, settings_for
from tests.ops.audit_processes import (
    SETTLEMENT_RECORDED,
    AuditProcess,
    count_rows,
    envelopes,
    outcomes_at_least,
    produce,
)

RECORDS = 3000


async def test_sigterm_mid_load_exits_within_20_s_with_its_batch_committed_and_its_outbox_flushed(
        infra: Infra, prefix: str) -> None:
    """Idempotent consumer + transactional outbox (contract.md): a stop between two batches leaves nothing to
    redo — the restarted process finds no duplicate — and nothing unsent."""
    await asyncio.to_thread(ensure_topics, infra.kafka_bootstrap, prefix=f"{prefix}.", partitions=4)
    settings = settings_for(AuditSettings, infra, prefix)
    await migrate("audit", settings)
    await produce(settings, envelopes(RECORDS, 2))
    first = AuditProcess(infra, settings, "first").start()
    try:
        await first.wait_ready()
        await eventually(lambda: outcomes_at_least(settings, RECORDS // 5), timeout=60, interval=0.05)
        code, seconds = await asyncio.to_thread(first.terminate)
    finally:
        first.kill()
    stopped_at = await count_rows(settings, "SELECT count(*) FROM audit_outcomes")

    assert code == 0, first.tail()
    assert seconds < 20, f"took {seconds:.1f} s to stop"
    assert stopped_at < RECORDS, "the stop came after the load: it proves nothing"
    assert await count_rows(settings, "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
    assert await count_rows(settings, "SELECT count(*) FROM processed_events") == stopped_at

    second = AuditProcess(infra, settings, "second").start()
    try:
        await second.wait_ready()
        await eventually(lambda: outcomes_at_least(settings, RECORDS), timeout=60, interval=0.2)
        metrics = await second.metrics()
        code, _ = await asyncio.to_thread(second.terminate)
    finally:
        second.kill()
    assert code == 0
    # Offsets were committed for everything the first process applied: the second was never handed it again.
    assert metrics.value("jishi_events_consumed_total", topic=SETTLEMENT_RECORDED, result="duplicate") == 0
    assert metrics.value("jishi_events_consumed_total", topic=SETTLEMENT_RECORDED,
                         result="applied") == RECORDS - stopped_at
    assert await count_rows(settings, "SELECT count(*) FROM audit_outcomes") == RECORDS
    assert await count_rows(settings, "SELECT count(*) FROM processed_events") == RECORDS
    audited = await read_topic(infra.kafka_bootstrap, settings.topic("audit.settlement-audited"),
                               until=lambda m: len(m) >= RECORDS, linger=1.0)
    assert len(audited) == len({m["event_id"] for m in audited}) == RECORDS  # nothing published twice
