"""Horizontal scaling, shown (issue 9, item 6): two audit processes in one consumer group split the partitions
between them, and every record is processed exactly once — also when one of them stops in the middle of the
load and the other takes its partitions over."""

from __future__ import annotations

import asyncio
from typing import Any

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

RECORDS = 4000
PARTITIONS = 8


async def test_two_audits_split_the_partitions_and_apply_every_record_once_though_one_stops_mid_load(
        infra: Infra, prefix: str) -> None:
    """One group, 8 partitions: 4 each; at-least-once delivery + idempotent effects = exactly-once effects
    (contract.md) through the rebalance that hands the stopped one's partitions to the other."""
    await asyncio.to_thread(ensure_topics, infra.kafka_bootstrap, prefix=f"{prefix}.", partitions=PARTITIONS)
    settings = settings_for(AuditSettings, infra, prefix)
    await migrate("audit", settings)
    one, two = AuditProcess(infra, settings, "one").start(), AuditProcess(infra, settings, "two").start()
    try:
        await asyncio.gather(one.wait_ready(), two.wait_ready())

        async def split() -> tuple[set[int], set[int]] | None:
            held = one.assigned(await one.metrics()), two.assigned(await two.metrics())
            return held if len(held[0]) == len(held[1]) == PARTITIONS // 2 else None

        held_by_one, held_by_two = await eventually(split, timeout=30, interval=0.3)
        assert held_by_one | held_by_two == set(range(PARTITIONS)) and not held_by_one & held_by_two

        await produce(settings, envelopes(RECORDS, 2))
        await eventually(lambda: outcomes_at_least(settings, RECORDS // 4), timeout=60, interval=0.05)
        before_stop = await one.metrics(), await two.metrics()
        code, seconds = await asyncio.to_thread(two.terminate)
        stopped_at = await count_rows(settings, "SELECT count(*) FROM audit_outcomes")
        await eventually(lambda: outcomes_at_least(settings, RECORDS), timeout=60, interval=0.2)

        async def took_over() -> Any:
            # The stopped one may have finished its partitions before the survivor's rebalance completes.
            metrics = await one.metrics()
            return metrics if one.assigned(metrics) == set(range(PARTITIONS)) else None
        after = await eventually(took_over, timeout=30, interval=0.3)
    finally:
        one.kill()
        two.kill()

    applied = [m.value("jishi_events_consumed_total", topic=SETTLEMENT_RECORDED, result="applied")
               for m in before_stop]
    assert all(n > 0 for n in applied), f"both worked before the stop: {applied}"
    assert code == 0 and seconds < 20, two.tail()
    assert stopped_at < RECORDS, "the stop came after the load: it proves nothing"
    assert one.assigned(after) == set(range(PARTITIONS))  # the survivor took the stopped one's partitions
    assert await count_rows(settings, "SELECT count(*) FROM audit_outcomes") == RECORDS
    assert await count_rows(settings, "SELECT count(*) FROM processed_events") == RECORDS
    audited = await read_topic(infra.kafka_bootstrap, settings.topic("audit.settlement-audited"),
                               until=lambda m: len(m) >= RECORDS, linger=1.0)
    assert len(audited) == len({m["event_id"] for m in audited}) == RECORDS  # one outcome a record, never two
    assert len({m["payload"]["setl_id"] for m in audited}) == RECORDS
