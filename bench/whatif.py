"""What-if simulator bench: a month of N settlements (default 1,000,000: 400 institutions, both funds, 30 days,
a share audited suspicious or violating) written straight into a fresh disbursement database, then replayed
under the region's Jilin policy (60 % daily, JL art.11) and Shanxi's prepayment (SX §3) at once, as
``python -m disbursement.whatif`` does — read only, in chunks. Prints the time and the peak memory; the target
is a million records in under 60 s here.

    .venv/bin/python bench/whatif.py --records 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg

from disbursement.domain.packs import resolve
from disbursement.settings import DisbursementSettings
from launcher.environment import start_infrastructure
from launcher.procs import free_port, machine
from shared.calendar import default_calendar
from shared.migrations import upgrade

ROOT = Path(__file__).resolve().parents[1]
REGION, PERIOD = "220100", "2025-09"


async def seed(settings: DisbursementSettings, n: int) -> None:
    policy = resolve("jilin", {"effective_from": "2025-01-01", "audit_mode": "pay_first"}).model_dump(mode="json")
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        await conn.execute("INSERT INTO policies (admdvs, version, pack, effective_from, body, overrides, created_at) "
                           "VALUES ($1, 1, 'jilin', '2025-01-01', $2, '{}', now())", REGION, json.dumps(policy))
        rng, now = random.Random(7), datetime.now(UTC)
        statuses = ["pass"] * 95 + ["suspicious"] * 2 + ["violation"] * 3

        def rows(start: int, count: int) -> Iterator[tuple[object, ...]]:
            for i in range(start, start + count):
                fund_pay = Decimal(rng.randint(500, 90_000)) / 100
                status = rng.choice(statuses)
                yield (f"H{i % 400:05d}", f"S{i:09d}", REGION, "310" if i % 3 else "390", "11",
                       date(2025, 9, 1) + timedelta(days=i % 30), fund_pay, Decimal("0.00"), Decimal("0.00"), now,
                       status, (fund_pay / 10).quantize(Decimal("0.01")) if status == "violation" else Decimal(0), now)
        for start in range(0, n, 100_000):
            await conn.copy_records_to_table(
                "intake", records=rows(start, min(100_000, n - start)),
                columns=["fixmedins_code", "setl_id", "admdvs", "insutype", "med_type", "business_date",
                         "fund_pay_sumamt", "acct_pay", "acct_mulaid_pay", "recorded_at", "audit_status", "vola_amt",
                         "audited_at"])
        await conn.execute("ANALYZE intake")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()

    run_dir = ROOT / ".run" / f"bench-whatif-{os.getpid()}"
    env = dict(os.environ) | {"JISHI_KAFKA_BOOTSTRAP": os.environ.get("JISHI_KAFKA_BOOTSTRAP", "unused:9")}
    infra = start_infrastructure(run_dir, env, pg_port=free_port(), pg_dir=run_dir / "pg")
    try:
        name = f"bench{random.randint(0, 99999):05d}"
        os.environ.update(JISHI_DATABASE_URL=infra.database_url, DISBURSEMENT_DATABASE_NAME=name,
                          JISHI_OPERATOR_TOKEN="op_bench")
        settings = DisbursementSettings()
        upgrade("disbursement", settings)
        t = time.monotonic()
        asyncio.run(seed(settings, args.records))
        print(f"seeded {args.records:,} settlements of {PERIOD} in {time.monotonic() - t:.1f} s")
        from disbursement.whatif import replay_months, show  # after the environment names the bench's database

        started = time.monotonic()
        scenarios, replayed = asyncio.run(replay_months(REGION, [PERIOD], "shanxi", {}, default_calendar()))
        elapsed = time.monotonic() - started
        show(scenarios, 3)
    finally:
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {machine()}")
    print(f"what-if: {replayed:,} settlements replayed under 2 policies in {elapsed:.1f} s "
          f"({replayed / elapsed:,.0f} records/s; peak RSS {peak:.0f} MB) — target < 60 s for 1,000,000")


if __name__ == "__main__":
    main()
