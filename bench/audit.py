"""Audit bench: publish N recorded settlements (the demo generator's, over several business days), then start the
audit service in this process with every rule of the library on and measure how fast its consumer drains
them — each record through the rules, its history read from the index, its outcome, index rows, findings,
risk indicator days and outbox rows written. Prints records/s; the target is to keep up with intake (≥ 2,000
records/s here). ``--risk-cost`` drains the same records again with the risk indicators off and prints what they
cost (target: audit at most 10 % slower with them, N art.20).

    .venv/bin/python bench/audit.py --records 20000 --days 4 --risk-cost

It starts its own embedded PostgreSQL and Tansu on free ports (or uses JISHI_DATABASE_URL /
JISHI_KAFKA_BOOTSTRAP when set), so it never disturbs a running ``make run``. ``--profile`` writes a py-spy
flame graph of the drain.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

# This file is bench/audit.py: without this, ``import audit`` would find the script instead of the service.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import asyncpg  # noqa: E402

from audit.domain.rules import LIBRARY  # noqa: E402
from audit.main import create_app  # noqa: E402
from audit.settings import AuditSettings  # noqa: E402
from launcher.environment import ensure_topics, start_infrastructure  # noqa: E402
from launcher.procs import cpu_seconds, free_port, machine  # noqa: E402
from launcher.recorded import envelopes, produce  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from shared.tuning import tune_gc  # noqa: E402

sys.path.append(str(Path(__file__).resolve().parent))  # now that ``audit`` is the service: bench/profiling.py
from baseline import measure  # noqa: E402
from profiling import py_spy, stop_profile  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def worker(settings: AuditSettings, ready: Any, stop: Any) -> None:
    """One audit process, as the service's entry point runs it: its consumer and relay until told to stop."""
    async def serve() -> None:
        app = create_app(settings)
        tune_gc()  # as every service's entry point does (shared.cli)
        async with app.router.lifespan_context(app):
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)

    asyncio.run(serve())


async def count_outcomes(settings: AuditSettings) -> int:
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM audit_outcomes"))
    finally:
        await conn.close()


def drain(settings: AuditSettings, expected: int, consumers: int, infra_pids: list[int],
          profile: Path | None) -> dict[str, Any]:
    spawn = multiprocessing.get_context("spawn")
    stop = spawn.Event()
    readies = [spawn.Event() for _ in range(consumers)]
    workers = [spawn.Process(target=worker, args=(settings, ready, stop), daemon=True) for ready in readies]
    for w in workers:
        w.start()
    spy = None
    try:
        first = 0
        while first == 0:
            time.sleep(0.005)
            first = asyncio.run(count_outcomes(settings))
        started = time.monotonic()
        audit_cpu, infra_cpu = cpu_seconds([w.pid for w in workers if w.pid]), cpu_seconds(infra_pids)
        if profile is not None and workers[0].pid:
            spy = py_spy(profile, workers[0].pid)
        done = first
        while done < expected:
            time.sleep(0.05)
            done = asyncio.run(count_outcomes(settings))
        elapsed = time.monotonic() - started
        audit_cpu = cpu_seconds([w.pid for w in workers if w.pid]) - audit_cpu
        infra_cpu = cpu_seconds(infra_pids) - infra_cpu
        stop_profile(spy)
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=20)
    return {"elapsed": elapsed, "audit_cpu": audit_cpu, "infra_cpu": infra_cpu, "measured": expected - first,
            **asyncio.run(summary(settings))}


async def summary(settings: AuditSettings) -> dict[str, Counter[str]]:
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        async def counts(sql: str) -> Counter[str]:
            return Counter({key: n for key, n in await conn.fetch(sql)})

        return {
            "statuses": await counts("SELECT status, count(*) FROM audit_outcomes GROUP BY status"),
            "findings": await counts("SELECT f->>'rule_id', count(*) FROM audit_outcomes, "
                                     "jsonb_array_elements(findings) AS f GROUP BY 1"),
            "queue": await counts("SELECT kind || '/' || status, count(*) FROM findings GROUP BY 1"),
            "warnings": await counts("SELECT level, count(*) FROM risk_warnings GROUP BY 1"),
        }
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--days", type=int, default=4, help="business days the records are spread over")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--consumers", type=int, default=1, help="audit processes in the consumer group")
    parser.add_argument("--profile", type=Path, help="write a py-spy profile of the first audit process's drain "
                                                     "here (.svg flame graph, .txt collapsed stacks)")
    parser.add_argument("--risk-cost", action="store_true",
                        help="drain the same records again with the risk indicators off (AUDIT_RISK_WATCH=false) "
                             "and print what they cost per record (target: at most 10 %% slower)")
    args = parser.parse_args()

    run_dir = ROOT / ".run" / f"bench-audit-{os.getpid()}"
    infra = start_infrastructure(run_dir, pg_port=free_port(), kafka_port=free_port(), pg_dir=run_dir / "pg")
    messages = envelopes(args.records, args.days)
    try:
        raw = asyncio.run(measure(infra.kafka_bootstrap, infra.database_url))  # before anything of ours runs
        watched = bench_once(infra, messages, args, risk_watch=True)
        unwatched = bench_once(infra, messages, args, risk_watch=False) if args.risk_cost else None
    finally:
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)

    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end")
    print(f"audited {len(messages)} settlements with all {len(LIBRARY)} rules on, {args.consumers} audit "
          f"process(es), {args.partitions} partitions")
    print(f"outcomes: {dict(watched['statuses'])}; review queue: {dict(watched['queue'])}")
    print(f"findings by rule: {dict(watched['findings'].most_common())}; risk warnings: {watched['warnings']}")
    report("audit throughput", watched)
    print(raw.describe())
    print(f"against it: {raw.ratio('audit', watched['measured'] / watched['elapsed'])}")
    if unwatched is not None:
        report("risk indicators off", unwatched)
        extra = 1e6 * (watched["audit_cpu"] / watched["measured"] - unwatched["audit_cpu"] / unwatched["measured"])
        rate_on, rate_off = (r["measured"] / r["elapsed"] for r in (watched, unwatched))
        print(f"risk indicators cost {extra:.0f} µs of audit CPU a record; throughput {rate_on:.0f} vs "
              f"{rate_off:.0f} records/s without them: {100 * (rate_off - rate_on) / rate_off:+.1f} % slower "
              f"(target ≤ 10 %)")
    if args.profile:
        print(f"profile: {args.profile}")


def bench_once(infra: Any, messages: list[Any], args: argparse.Namespace, *, risk_watch: bool) -> dict[str, Any]:
    """Publish the records to topics of their own and drain them with a fresh audit database."""
    name = f"bench{random.randint(0, 99999):05d}"
    settings = AuditSettings(database_url=infra.database_url, database_name=f"{name}_audit",
                             kafka_bootstrap=infra.kafka_bootstrap, topic_prefix=f"{name}.",
                             operator_token="op_bench", log_level="WARNING", risk_watch=risk_watch)
    ensure_topics(infra.kafka_bootstrap, prefix=f"{name}.", partitions=args.partitions)
    upgrade("audit", settings)
    t = time.monotonic()
    asyncio.run(produce(settings, messages))
    print(f"published {len(messages)} settlements in {time.monotonic() - t:.1f} s "
          f"(risk indicators {'on' if risk_watch else 'off'})")
    return drain(settings, len(messages), args.consumers, infra.pids, args.profile if risk_watch else None)


def report(what: str, result: dict[str, Any]) -> None:
    n = result["measured"]
    print(f"{what}: {n / result['elapsed']:.0f} records/s ({n} records after the first batch in "
          f"{result['elapsed']:.1f} s); CPU per record: audit {1e6 * result['audit_cpu'] / n:.0f} µs, "
          f"PostgreSQL + Tansu {1e6 * result['infra_cpu'] / n:.0f} µs")


if __name__ == "__main__":
    main()
