"""Disbursement bench: the daily run over 1,000,000 records and the monthly settlement over 10,000
institutions, on the embedded PostgreSQL (targets: < 30 s and < 60 s on the development machine).

    .venv/bin/python bench/disbursement_runs.py [--records 1000000] [--institutions 10000]

The records are loaded straight into disbursement's tables with COPY (as its consumers would have written
them), then the runs are timed through the service layer, events into the outbox included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg

from disbursement.service.enrollment import change_enrollment
from disbursement.service.institutions import on_institutions_registered
from disbursement.service.policies import set_policy
from disbursement.service.runs.daily import daily_disbursement
from disbursement.service.runs.settlement import monthly_settlement_run
from disbursement.service.runs.signing import sign_off
from disbursement.service.uow import DisbursementUnitOfWork
from disbursement.settings import DisbursementSettings
from launcher.environment import start_infrastructure
from launcher.procs import free_port
from shared.calendar import default_calendar
from shared.contracts import topics
from shared.contracts.events import BankAccount, InstitutionRegistered
from shared.db import make_engine, make_sessionmaker
from shared.messaging.envelope import Envelope, Event
from shared.migrations import upgrade

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2025, 9, 2)
CALENDAR = default_calendar()


async def load(dsn: str, region: str, institutions: list[str], records: int, *, with_lines: bool) -> None:
    """intake (and, for a daily region, lines) rows for ``records`` settlements of one business date, spread
    over the institutions."""
    conn = await asyncpg.connect(dsn)
    rng = random.Random(1)
    now = datetime.now(UTC)
    intake, lines = [], []
    for n in range(records):
        code = institutions[n % len(institutions)]
        fund = Decimal(rng.randint(100, 200_000)) / 100
        line_id = uuid.uuid4()
        insutype = "310" if n % 3 else "390"
        # audited (a pass): the month is settled after its audit (SX §3)
        intake.append((code, f"S{n:09d}", region, insutype, "11", DAY, fund, now, "pass", Decimal("0.00"), now,
                       line_id, None, None))
        amount = (fund * Decimal("0.6")).quantize(Decimal("0.01"))
        lines.append((line_id, code, f"S{n:09d}", region, insutype, "11", DAY, "2025-09", fund, fund, Decimal("0.6"),
                      amount, 1, now, "record", DAY))
    started = time.monotonic()
    await conn.copy_records_to_table("intake", records=intake, columns=[
        "fixmedins_code", "setl_id", "admdvs", "insutype", "med_type", "business_date", "fund_pay_sumamt",
        "recorded_at", "audit_status", "vola_amt", "audited_at", "line_id", "reversed_at", "settled_run_id"])
    if with_lines:
        await conn.copy_records_to_table("lines", records=lines, columns=[
            "line_id", "fixmedins_code", "setl_id", "admdvs", "insutype", "med_type", "business_date", "period",
            "fund_pay_sumamt", "base", "ratio", "amount", "policy_version", "computed_at", "kind", "batch_date"])
        await conn.execute("INSERT INTO batches (admdvs, batch_date) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                           region, DAY)
    else:  # the monthly path settles each institution on its declaration (N art.12)
        await conn.execute("INSERT INTO declarations (declaration_id, fixmedins_code, admdvs, period, totals, "
                           "declared_at, late) SELECT gen_random_uuid(), code, $2, $3, '{}'::jsonb, now(), false "
                           "FROM unnest($1::text[]) AS code", institutions, region, f"{DAY:%Y-%m}")
    await conn.execute("ANALYZE intake; ANALYZE lines")
    await conn.close()
    print(f"loaded {records:,} settlements and lines for {len(institutions):,} institutions "
          f"in {time.monotonic() - started:.1f} s" + ("" if with_lines else " (monthly path: no daily lines)"))


async def prepare(settings: DisbursementSettings, region: str, count: int, pack: str) -> list[str]:
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    codes = [f"H{region}{n:06d}" for n in range(count)]
    async with DisbursementUnitOfWork(sessions) as uow:
        await on_institutions_registered([Event(Envelope.wrap(topics.INSTITUTION_REGISTERED, p), p) for p in (
            InstitutionRegistered(fixmedins_code=code, fixmedins_name="医院", admdvs=region, fixmedins_type="1",
                                  bank_acct=BankAccount(bank_code="102", acct_no=f"6222{n:08d}", acct_name="医院"),
                                  token_hash="0" * 64, version=1, registered_at=datetime.now(UTC))
            for n, code in enumerate(codes))], uow)
        await uow.commit()
    await set_policy(region, pack, {"effective_from": "2025-01-01", "audit_mode": "pay_first"},
                     DisbursementUnitOfWork(sessions))
    for code in codes:
        await change_enrollment(code, "enroll", "bench", DisbursementUnitOfWork(sessions))
    await engine.dispose()
    return codes


async def timed_runs(settings: DisbursementSettings, daily_region: str, monthly_region: str) -> None:
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    started = time.monotonic()
    run = await daily_disbursement(daily_region, DAY, DisbursementUnitOfWork(sessions), CALENDAR)
    daily_seconds = time.monotonic() - started
    print(f"daily run: {run['records']:,} records, {len(run['lines']):,} payments, total {run['total']} "
          f"in {daily_seconds:.1f} s (target < 30 s)")
    started = time.monotonic()
    run = await monthly_settlement_run(monthly_region, "2025-09", DisbursementUnitOfWork(sessions), CALENDAR)
    computed = time.monotonic() - started
    await sign_off(uuid.UUID(run["run_id"]), "bench", DisbursementUnitOfWork(sessions), CALENDAR)
    monthly_seconds = time.monotonic() - started
    institutions = len({line["fixmedins_code"] for line in run["lines"]})
    print(f"monthly settlement: {institutions:,} institutions, {len(run['lines']):,} lines, computed in "
          f"{computed:.1f} s, signed and ordered in {monthly_seconds:.1f} s (target < 60 s)")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--institutions", type=int, default=10_000)
    args = parser.parse_args()
    run_dir = ROOT / ".run" / f"bench-disbursement-{os.getpid()}"
    infra = start_infrastructure(run_dir, pg_port=free_port(), kafka_port=free_port(), pg_dir=run_dir / "pg")
    try:
        settings = DisbursementSettings(database_url=infra.database_url, database_name="bench_disbursement",
                                        kafka_bootstrap=infra.kafka_bootstrap, operator_token="bench")
        upgrade("disbursement", settings)

        async def go() -> None:
            daily_codes = await prepare(settings, "220100", 2_000, "jilin")
            monthly_codes = await prepare(settings, "140100", args.institutions, "shanxi")
            await load(settings.asyncpg_dsn, "220100", daily_codes, args.records, with_lines=True)
            await load(settings.asyncpg_dsn, "140100", monthly_codes, args.institutions * 10, with_lines=False)
            await timed_runs(settings, "220100", "140100")

        asyncio.run(go())
    finally:
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
