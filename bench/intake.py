"""Intake bench: settlements through the claims API's batch endpoint (target ≥ 10,000 records/s on the
development machine), and the p99 latency of a single-record POST under that load.

    .venv/bin/python bench/intake.py [--records 50000] [--batch 1000] [--clients 4]

Starts its own PostgreSQL, Tansu and the claims service on free ports. The records are generated before the
clock starts; the load generator runs in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from baseline import Baseline, measure
from profiling import py_spy, stop_profile

from launcher.demo_data import SettlementFactory, demo_institutions
from launcher.environment import ensure_topics, start_infrastructure
from launcher.procs import cpu_seconds, free_port
from launcher.stack import SERVICES, Stack

ROOT = Path(__file__).resolve().parents[1]


async def run(stack: Stack, records: int, batch: int, clients: int, singles: int, infra_pids: list[int],
              profile: Path | None, replicas: list[Stack], raw: Baseline) -> None:
    op = {"authorization": f"Bearer {stack.operator_token}"}
    institutions = demo_institutions("220100", prefix=f"I{random.randint(100, 999)}")
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=64)) as client:
        tokens = {}
        for institution in institutions:
            response = await client.post(f"{stack.url('claims')}/v1/institutions", headers=op,
                                         json=institution.registration())
            tokens[institution.fixmedins_code] = response.json()["token"]
        factory = SettlementFactory(date(2025, 9, 2), seed=1)
        bodies: list[tuple[str, list[dict[str, Any]]]] = []
        by_code: dict[str, list[dict[str, Any]]] = {}
        for institution, record in factory.day_of(institutions, records):
            by_code.setdefault(institution.fixmedins_code, []).append(record)
        for code, rows in by_code.items():
            bodies += [(code, rows[i:i + batch]) for i in range(0, len(rows), batch)]
        extra = [(institutions[0].fixmedins_code, factory.settlement(institutions[0])) for _ in range(singles)]
        queue: asyncio.Queue[tuple[str, list[dict[str, Any]]]] = asyncio.Queue()
        for item in bodies:
            queue.put_nowait(item)
        accepted = 0
        latencies: list[float] = []

        urls = [s.url("claims") for s in replicas or [stack]]

        async def batch_client(n: int) -> None:
            nonlocal accepted
            while not queue.empty():
                code, rows = queue.get_nowait()
                response = await client.post(f"{urls[n % len(urls)]}/v1/settlements",
                                             headers={"authorization": f"Bearer {tokens[code]}"},
                                             json={"records": rows})
                accepted += sum(r["status"] == "accepted" for r in response.json()["results"])

        async def single_client() -> None:
            for code, record in extra:
                if queue.empty():
                    return
                started = time.perf_counter()
                response = await client.post(f"{stack.url('claims')}/v1/settlements",
                                             headers={"authorization": f"Bearer {tokens[code]}"}, json=record)
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
                await asyncio.sleep(0.02)

        claims_pid = [s.processes["claims"].pid for s in replicas or [stack]]
        cpu_before = cpu_seconds(claims_pid), cpu_seconds(infra_pids), time.process_time()
        spy = py_spy(profile, claims_pid[0]) if profile else None
        started = time.monotonic()
        await asyncio.gather(*(batch_client(n) for n in range(clients)), single_client())
        seconds = time.monotonic() - started
        stop_profile(spy)
        claims_cpu = cpu_seconds(claims_pid) - cpu_before[0]
        infra_cpu = cpu_seconds(infra_pids) - cpu_before[1]
        generator_cpu = time.process_time() - cpu_before[2]
    print(f"intake: {accepted:,} records accepted in {seconds:.1f} s through {len(bodies)} batches of up to "
          f"{batch} with {clients} clients and {len(urls)} claims process(es): {accepted / seconds:,.0f} records/s "
          f"(target ≥ 5,000 in batches of 100)")
    print(raw.describe())
    print(f"against it: {raw.ratio('intake', accepted / seconds)}")
    per = 1e6 / max(accepted, 1)
    print(f"CPU per record: claims {claims_cpu * per:.0f} µs, PostgreSQL + Tansu {infra_cpu * per:.0f} µs, "
          f"this load generator {generator_cpu * per:.0f} µs ({accepted / max(claims_cpu, 1e-9):,.0f} records per "
          f"claims CPU-second; {os.cpu_count()} cores shared by all)")
    if latencies:
        ordered = sorted(latencies)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * (len(ordered) - 1)))]
        print(f"single-record POST under that load: p50 {statistics.median(latencies):.0f} ms, "
              f"p99 {p99:.0f} ms (n={len(latencies)})")


def replica(stack: Stack, run_dir: Path, n: int) -> Stack:
    """Another claims process on the same database and topics, as a second pod of the Deployment would be."""
    other = Stack(database_url=stack.database_url, kafka_bootstrap=stack.kafka_bootstrap,
                  operator_token=stack.operator_token, ports={**stack.ports, "claims": free_port()}, log_dir=run_dir / f"logs{n}",
                  topic_prefix=stack.topic_prefix, echo=False, extra_env=stack.extra_env)
    other.start(["claims"])
    return other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--replicas", type=int, default=1, help="claims processes sharing the database and "
                                                                 "topics, the clients spread over them")
    parser.add_argument("--profile", type=Path, help="write a py-spy profile of claims under the load here (.svg "
                                                     "flame graph, .txt collapsed stacks)")
    args = parser.parse_args()
    run_dir = ROOT / ".run" / f"bench-intake-{os.getpid()}"
    infra = start_infrastructure(run_dir, pg_port=free_port(), kafka_port=free_port(), pg_dir=run_dir / "pg")
    name = f"intake{random.randint(0, 99999):05d}"
    stack = Stack(database_url=infra.database_url, kafka_bootstrap=infra.kafka_bootstrap, operator_token="op_bench",
                  ports={s.name: free_port() for s in SERVICES}, log_dir=run_dir / "logs", topic_prefix=f"{name}.",
                  echo=False, extra_env={"CLAIMS_DATABASE_NAME": f"{name}_claims", "JISHI_LOG_LEVEL": "WARNING"})
    replicas = [stack]
    try:
        raw = asyncio.run(measure(infra.kafka_bootstrap, infra.database_url))  # before anything of ours runs
        ensure_topics(infra.kafka_bootstrap, prefix=f"{name}.", partitions=8)
        stack.start(["claims"])
        replicas += [replica(stack, run_dir, n) for n in range(1, args.replicas)]
        asyncio.run(run(stack, args.records, args.batch, args.clients, args.singles, infra.pids, args.profile,
                        replicas, raw))
    finally:
        for s in reversed(replicas):
            s.stop()
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
