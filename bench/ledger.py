"""Ledger bench: journal entries posted through accounting's own posting function (``Ledger.post_many``), in
batches per transaction from several workers, with the database's checks on: every entry's balance and its
period checked at commit by the deferred constraint triggers. Prints entries/s and postings/s, then checks
that the books balance and that an unbalanced entry is still refused.

    .venv/bin/python bench/ledger.py --entries 100000 --workers 8 --batch 100

It starts its own embedded PostgreSQL on a free port (or uses JISHI_DATABASE_URL when set), so it never
disturbs a running ``make run``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import asyncpg

from accounting.adapters.repositories import Source
from accounting.domain.entries import advance_paid
from accounting.domain.settlement import SettlementFigures, monthly_settled
from accounting.service.reports import trial_balance
from accounting.service.uow import AccountingUnitOfWork
from accounting.settings import AccountingSettings
from launcher.environment import start_infrastructure
from launcher.procs import free_port, machine
from shared.db import make_engine, make_sessionmaker
from shared.migrations import upgrade

ROOT = Path(__file__).resolve().parents[1]
INSTITUTIONS = 200


def entries(worker: int, count: int):  # type: ignore[no-untyped-def]
    """Mostly receipts (two legs, the hot 支出户存款 on every one), one in ten a monthly settlement (four legs)."""
    rng = random.Random(worker)
    for n in range(count):
        code = f"H{rng.randrange(INSTITUTIONS):08d}"
        fund = rng.choice(["310", "390"])
        amount = Decimal(rng.randint(100, 5_000_000)) / 100
        if n % 10 == 9:
            outpatient = (amount * Decimal("0.4")).quantize(Decimal("0.01"))
            entry = monthly_settled(SettlementFigures(code, fund, "2025-09", amount, Decimal("0.00"),
                                                      (amount * Decimal("0.02")).quantize(Decimal("0.01")), amount,
                                                      Decimal("0.00"), Decimal("0.00"),
                                                      {"outpatient": outpatient, "inpatient": amount - outpatient}),
                                    booked_in="2025-10", entry_date=date(2025, 10, 20))
        else:
            entry = advance_paid(fund=fund, value_date=date(2025, 10, 1 + n % 28), amount=amount, fixmedins_code=code,
                                 advance_period="2025-09", voucher_no=f"V{worker}-{n}")
        assert entry is not None
        yield entry, Source(uuid.uuid4(), "bench")


async def worker(sessions, number: int, count: int, batch: int) -> int:  # type: ignore[no-untyped-def]
    pending, legs = [], 0
    for item in entries(number, count):
        pending.append(item)
        if len(pending) == batch:
            legs += await post(sessions, pending)
            pending = []
    if pending:
        legs += await post(sessions, pending)
    return legs


async def post(sessions, items) -> int:  # type: ignore[no-untyped-def]
    async with AccountingUnitOfWork(sessions) as uow:
        await uow.ledger.post_many(items)
        await uow.commit()
    return sum(len(entry.legs) for entry, _ in items)


async def bench(settings: AccountingSettings, total: int, workers: int, batch: int) -> dict[str, float]:
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    try:
        await worker(sessions, 999, batch * 5, batch)  # warm the pool and the plans
        started = time.perf_counter()
        legs = await asyncio.gather(*(worker(sessions, n, total // workers, batch) for n in range(workers)))
        seconds = time.perf_counter() - started
        books = await trial_balance(AccountingUnitOfWork(sessions), period=None, fund=None)
    finally:
        await engine.dispose()
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        refused = False
        try:
            async with conn.transaction():
                entry = uuid.uuid4()
                await conn.execute("INSERT INTO journal_entries (entry_id, source_event_id, source_type, fund, period, "
                                   "entry_date, memo, posted_at) VALUES ($1, $2, 'bench', '310', '2025-10', "
                                   "'2025-10-01', 'unbalanced', now())", entry, uuid.uuid4())
                await conn.execute("INSERT INTO postings (entry_id, account_code, side, amount, fund, period) VALUES "
                                   "($1, '1004', 'D', 1.00, '310', '2025-10')", entry)
        except asyncpg.CheckViolationError:
            refused = True
        count = await conn.fetchval("SELECT count(*) FROM journal_entries WHERE source_type = 'bench'")
    finally:
        await conn.close()
    return {"entries": (total // workers) * workers, "postings": sum(legs), "seconds": seconds,
            "balanced": books["balanced"], "refused": refused, "stored": count}




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100, help="entries per transaction")
    args = parser.parse_args()

    run_dir = ROOT / ".run" / f"bench-ledger-{os.getpid()}"
    env = dict(os.environ) | {"JISHI_KAFKA_BOOTSTRAP": os.environ.get("JISHI_KAFKA_BOOTSTRAP", "unused:9")}
    infra = start_infrastructure(run_dir, env, pg_port=free_port(), pg_dir=run_dir / "pg")
    try:
        settings = AccountingSettings(database_url=infra.database_url, database_name=f"bench{random.randint(0, 99999)}",
                                      kafka_bootstrap=infra.kafka_bootstrap, operator_token="op_bench")
        upgrade("accounting", settings)
        result = asyncio.run(bench(settings, args.entries, args.workers, args.batch))
    finally:
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)

    print(f"machine: {machine()}")
    print(f"{result['entries']:.0f} entries ({result['postings']:.0f} postings) by {args.workers} workers, "
          f"{args.batch} entries a transaction, balance and period checked at each commit")
    print(f"ledger: {result['entries'] / result['seconds']:.0f} entries/s, "
          f"{result['postings'] / result['seconds']:.0f} postings/s ({result['seconds']:.1f} s)")
    print(f"books balanced: {result['balanced']}; entries stored: {result['stored']}; "
          f"an unbalanced entry refused: {result['refused']}")


if __name__ == "__main__":
    main()
