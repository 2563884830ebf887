"""End-to-end bench: post N settlements at an offered rate through the claims API, run each business day's
disbursement as its records come in, and print sustained intake throughput and the p50/p99 latency from
accepted → disbursement line and accepted → bank receipt (the care-to-cash the reform is about).

    .venv/bin/python bench/e2e.py --records 20000 --rate 2000

It starts its own embedded PostgreSQL, Tansu and services on free ports (or uses JISHI_DATABASE_URL /
JISHI_KAFKA_BOOTSTRAP when set), so it never disturbs a running ``make run``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from baseline import measure
from pg_statements import SERVER_OPTIONS, report, reset
from profiling import py_spy, stop_profile

from launcher.demo_data import SettlementFactory, demo_institutions
from launcher.environment import ensure_topics, start_infrastructure
from launcher.policy import policy_in_force
from launcher.procs import cpu_seconds, free_port, machine, peak_rss_mb
from launcher.stack import SERVICES, Stack
from shared.calendar import default_calendar
from shared.settings import database_url

ROOT = Path(__file__).resolve().parents[1]
REGION = "220100"


def working_days(start: date, count: int) -> list[date]:
    calendar, days, day = default_calendar(), [], start
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


async def bench(stack: Stack, records: int, rate: float, batch: int, sample: int,
                infra_pids: dict[str, list[int]], lines_dsn: str, profile: Path | None = None,
                profile_format: str = "svg", pg_statements: int = 0, postgres_dsn: str = "",
                database_prefix: str = "") -> dict[str, Any]:
    op = {"authorization": f"Bearer {stack.operator_token}"}
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        await policy_in_force(client, stack.url("disbursement"), REGION,
                              {"pack": "jilin", "effective_from": "2024-01-01"}, headers=op)
        institutions = demo_institutions(REGION, prefix=f"B{random.randint(100, 999)}")
        tokens = {}
        for institution in institutions:
            response = await client.post(f"{stack.url('claims')}/v1/institutions", headers=op,
                                         json=institution.registration())
            tokens[institution.fixmedins_code] = response.json()["token"]
        for code in tokens:
            while (await client.post(f"{stack.url('disbursement')}/v1/enrollments/{code}", headers=op,
                                     json={"action": "enroll", "reason": "bench"})).status_code == 404:
                await asyncio.sleep(0.2)

        seconds = max(1, round(records / rate))
        days = working_days(date(2025, 3, 3), seconds)
        per_tick = records // seconds
        accepted: list[tuple[str, str]] = []
        rejected = 0
        pids = {name: [process.pid] for name, process in stack.processes.items()} | infra_pids
        sessions_before = await reset(postgres_dsn) if pg_statements else {}
        cpu_before = {name: cpu_seconds(p) for name, p in pids.items()}
        spies = [py_spy(profile / f"e2e-{name}.{profile_format}", process.pid)
                 for name, process in stack.processes.items()] if profile else []
        started = time.monotonic()
        wall_started = datetime.now().astimezone()
        runs: list[asyncio.Task[Any]] = []
        in_flight: list[asyncio.Task[Any]] = []
        last_answer = started  # when the last POST was answered

        async def post(code: str, body: list[dict[str, Any]]) -> None:
            nonlocal rejected, last_answer
            response = await client.post(f"{stack.url('claims')}/v1/settlements",
                                         headers={"authorization": f"Bearer {tokens[code]}"}, json={"records": body})
            last_answer = max(last_answer, time.monotonic())
            for result in response.json()["results"]:
                if result["status"] == "accepted":
                    accepted.append((code, result["setl_id"]))
                else:
                    rejected += 1

        async def run_day(day: date, posts: list[asyncio.Task[Any]]) -> None:
            await asyncio.gather(*posts)
            await asyncio.sleep(1.0)  # let audit and disbursement hear of the day's last records
            made = await client.post(f"{stack.url('disbursement')}/v1/runs/daily-disbursement", headers=op,
                                     json={"admdvs": REGION, "business_date": day.isoformat()})
            run = made.json()
            if run.get("status") == "computed":  # every pack waits for an operator's signature (JL art.11)
                await client.post(f"{stack.url('disbursement')}/v1/runs/{run['run_id']}/sign-off", headers=op,
                                  json={"signed_by": "张会计"})

        for tick, day in enumerate(days):
            factory = SettlementFactory(day, seed=tick, violation_share=0.0)
            grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for institution, record in factory.day_of(institutions, per_tick):
                grouped[institution.fixmedins_code].append(record)
            posts = [asyncio.create_task(post(code, rows[i:i + batch]))
                     for code, rows in grouped.items() for i in range(0, len(rows), batch)]
            in_flight += posts
            runs.append(asyncio.create_task(run_day(day, posts)))
            await asyncio.sleep(max(0.0, started + tick + 1 - time.monotonic()))  # the offered rate
        await asyncio.gather(*in_flight)
        intake_seconds = time.monotonic() - started
        last_line = await drained(lines_dsn, len(accepted))
        cpu = {name: cpu_seconds(p) - cpu_before[name] for name, p in pids.items()}
        for spy in spies:
            stop_profile(spy)
        statements = (await report(postgres_dsn, len(accepted), pg_statements, sessions_before, database_prefix)
                      if pg_statements else [])
        await asyncio.gather(*runs)

        chosen = random.Random(1).sample(accepted, min(sample, len(accepted)))
        to_line, to_receipt = await latencies(client, stack, tokens, chosen)
    chain_seconds = (last_line - wall_started).total_seconds()
    return {"chain_throughput": len(accepted) / chain_seconds, "cpu": cpu,
            "behind": chain_seconds - (last_answer - started),
            "offered_rate": rate, "records": len(accepted), "rejected": rejected, "intake_seconds": intake_seconds,
            "throughput": len(accepted) / intake_seconds, "to_line": to_line, "to_receipt": to_receipt,
            "sampled": len(chosen), "statements": statements}


async def latencies(client: httpx.AsyncClient, stack: Stack, tokens: dict[str, str],
                    chosen: list[tuple[str, str]], timeout: float = 300,
                    ) -> tuple[list[float], list[float]]:
    to_line: list[float] = []
    to_receipt: list[float] = []
    deadline = time.monotonic() + timeout
    pending = list(chosen)
    while pending and time.monotonic() < deadline:
        waiting = []
        for code, setl_id in pending:
            view = (await client.get(f"{stack.url('claims')}/v1/settlements/{setl_id}",
                                     headers={"authorization": f"Bearer {tokens[code]}"})).json()
            receipts = [p["receipt_at"] for p in view.get("payments", []) if p.get("receipt_at")]
            if "disbursement" not in view or not receipts:
                waiting.append((code, setl_id))
                continue
            accepted = datetime.fromisoformat(view["accepted_at"])
            line = datetime.fromisoformat(view["disbursement"]["lines"][0]["computed_at"])
            to_line.append((line - accepted).total_seconds() * 1000)
            to_receipt.append((datetime.fromisoformat(receipts[0]) - accepted).total_seconds() * 1000)
        pending = waiting
        if pending:
            await asyncio.sleep(0.5)
    return to_line, to_receipt


async def drained(dsn: str, records: int, timeout: float = 600) -> datetime:
    """When the chain is through: disbursement has heard every accepted record's audit outcome, and so given it
    its line (in the same transaction) or decided it has none on the daily path. The last line's time, read
    from disbursement's own tables (a count every 0.2 s, not a load of its own)."""
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while (count := await conn.fetchval("SELECT count(*) FROM intake WHERE audit_status IS NOT NULL "
                                                     "AND recorded_at IS NOT NULL")) < records:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{count} of {records} records audited in disbursement after {timeout:.0f} s")
            await asyncio.sleep(0.2)
        return await conn.fetchval("SELECT max(computed_at) FROM lines")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=2000, help="offered records per second")
    parser.add_argument("--batch", type=int, default=100, help="records per POST")
    parser.add_argument("--sample", type=int, default=300, help="records whose latency is read back")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="py-spy every service under the load into "
                                                                     "DIR/e2e-<service>.svg")
    parser.add_argument("--profile-format", choices=("svg", "txt"), default="svg",
                        help="txt: collapsed stacks to grep instead of flame graphs")
    parser.add_argument("--pg-statements", type=int, default=0, metavar="N",
                        help="print PostgreSQL's N costliest statements under the load (pg_stat_statements)")
    args = parser.parse_args()

    run_dir = ROOT / ".run" / f"bench-{os.getpid()}"
    infra = start_infrastructure(run_dir, pg_port=free_port(), kafka_port=free_port(), pg_dir=run_dir / "pg",
                                 pg_options=SERVER_OPTIONS if args.pg_statements else ())
    name = f"bench{random.randint(0, 99999):05d}"
    stack = Stack(database_url=infra.database_url, kafka_bootstrap=infra.kafka_bootstrap, operator_token="op_bench",
                  ports={s.name: free_port() for s in SERVICES}, log_dir=run_dir / "logs", topic_prefix=f"{name}.",
                  echo=False, extra_env={f"{s.env_prefix}_DATABASE_NAME": f"{name}_{s.name.replace('-', '_')}"
                                         for s in SERVICES} | {"JISHI_LOG_LEVEL": "WARNING"})
    try:
        raw = asyncio.run(measure(infra.kafka_bootstrap, infra.database_url))  # before anything of ours runs
        ensure_topics(infra.kafka_bootstrap, prefix=f"{name}.", partitions=8)
        stack.start()
        infra_pids = {"PostgreSQL": [infra.postgres.process.pid] if infra.postgres else [],
                      "Tansu": [infra.tansu.process.pid] if infra.tansu else []}
        lines_dsn = database_url(infra.database_url, f"{name}_disbursement", driver="postgresql")
        result = asyncio.run(bench(stack, args.records, args.rate, args.batch, args.sample, infra_pids, lines_dsn,
                                   args.profile, args.profile_format, args.pg_statements,
                                   infra.database_url, f"{name}_"))
        peaks = {name: peak_rss_mb(process.pid) for name, process in stack.processes.items()}
    finally:
        stack.stop()
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)

    print(f"machine: {machine()}")
    print(raw.describe())
    print(f"offered {result['offered_rate']:.0f} records/s in batches of {args.batch}; accepted {result['records']} "
          f"(rejected {result['rejected']}) in {result['intake_seconds']:.1f} s")
    print(f"sustained intake: {result['throughput']:.0f} records/s; the chain, first accepted → last line: "
          f"{result['chain_throughput']:.0f} records/s (target ≥ 2,000); the last line came "
          f"{result['behind']:.1f} s after the last record was accepted (it keeps up when that is about the "
          "line latency below, and falls behind when it grows with --records)")
    print(f"against the raw hop: {raw.ratio('intake', result['throughput'])}; "
          f"{raw.ratio('the chain', result['chain_throughput'])}")
    per = 1e6 / max(result["records"], 1)
    print(f"CPU per record ({os.cpu_count()} cores = {os.cpu_count() * 1e6 / 2000:,.0f} µs a record at 2,000/s): "
          + ", ".join(f"{name} {seconds * per:.0f} µs" for name, seconds in result["cpu"].items())
          + f"; all {sum(result['cpu'].values()) * per:,.0f} µs")
    for label, values in (("accepted → disbursement line", result["to_line"]),
                          ("accepted → bank receipt", result["to_receipt"])):
        if values:
            print(f"{label}: p50 {statistics.median(values):.0f} ms, p99 {percentile(values, 99):.0f} ms "
                  f"(n={len(values)})")
        else:
            print(f"{label}: no sample completed")
    for line in result["statements"]:
        print(line)
    print("peak RSS per service (target ≤ 150 MB): " + ", ".join(
        f"{name} {mb:.0f} MB" for name, mb in peaks.items() if mb is not None))


if __name__ == "__main__":
    main()
