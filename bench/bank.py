"""Bank bench: N payment orders straight onto ``disbursement.payment-ordered``; the bank gateway turns each into
a voucher (pain.001), the bank simulator pays it and returns its receipt (pain.002 + camt.054), and the
gateway applies the receipt. Prints voucher → receipt throughput and the p50/p99 time from order to the
gateway's outcome event, with or without the bank's faults.

    .venv/bin/python bench/bank.py --orders 5000
    .venv/bin/python bench/bank.py --orders 2000 --faults   # 5 % rejects, 5 % timeouts, 2 % duplicates

It starts its own embedded PostgreSQL, Tansu, bank gateway and bank simulator on free ports (or uses
JISHI_DATABASE_URL / JISHI_KAFKA_BOOTSTRAP when set), so it never disturbs a running ``make run``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from launcher.environment import ensure_topics, start_infrastructure
from launcher.procs import free_port, machine
from launcher.stack import SERVICES, Stack
from shared.contracts import topics
from shared.contracts.events import BankAccount, PaymentOrdered
from shared.messaging.envelope import Envelope

ROOT = Path(__file__).resolve().parents[1]
BANK_SERVICES = ["bank-gateway", "bank-simulator"]
FAULTS = {"reject_rate": 0.05, "timeout_rate": 0.05, "duplicate_receipt_rate": 0.02, "late_receipt_ms": [0, 1000],
          "seed": 7}


def orders(count: int) -> list[PaymentOrdered]:
    run_id, now, rng = uuid.uuid4(), datetime.now(UTC), random.Random(5)
    return [PaymentOrdered(
        payment_id=uuid.uuid4(), run_id=run_id, run_type="daily-disbursement", admdvs="220100",
        fixmedins_code=f"B{n:06d}", insutype=rng.choice(["310", "390"]), period="2025-09",
        business_date=date(2025, 9, 2), amount=Decimal(rng.randint(100, 10_000_000)) / 100,
        carried_in=Decimal("0.00"), payment=Decimal(rng.randint(100, 10_000_000)) / 100,
        payee=BankAccount(bank_code="102241000017", acct_no=f"62220100{n:08d}", acct_name=f"定点医疗机构{n}"),
        purpose="日拨付 2025-09-02", ordered_at=now) for n in range(count)]


async def bench(stack: Stack, count: int, faults: bool) -> dict[str, Any]:
    if faults:
        async with httpx.AsyncClient() as client:
            response = await client.put(f"{stack.url('bank-simulator')}/v1/faults", json=FAULTS,
                                        headers={"authorization": f"Bearer {stack.operator_token}"})
            response.raise_for_status()
    outcome_topics = [f"{stack.topic_prefix}{t.name}" for t in (topics.PAYMENT_CONFIRMED, topics.PAYMENT_REJECTED)]
    consumer = AIOKafkaConsumer(*outcome_topics, bootstrap_servers=stack.kafka_bootstrap,
                                group_id=f"bench-{uuid.uuid4().hex}", auto_offset_reset="latest",
                                enable_auto_commit=False, fetch_max_wait_ms=10)
    await consumer.start()
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        while not consumer.assignment():  # joined before anything is sent: no outcome is missed
            await consumer.getmany(timeout_ms=100)
        batch = orders(count)
        sent_at: dict[str, float] = {}
        started = time.monotonic()
        for order in batch:
            sent_at[str(order.payment_id)] = time.monotonic()
            await producer.send(f"{stack.topic_prefix}{topics.PAYMENT_ORDERED.name}",
                                Envelope.wrap(topics.PAYMENT_ORDERED, order).to_bytes(), key=order.fixmedins_code.encode())
        await producer.flush()
        sent = time.monotonic() - started
        latencies: dict[str, float] = {}
        outcomes = {"paid": 0, "rejected": 0}
        deadline = time.monotonic() + 600
        while len(latencies) < count and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500, max_records=2000)).values():
                for record in records:
                    payload = json.loads(record.value)["payload"]
                    if payload["payment_id"] not in latencies:
                        latencies[payload["payment_id"]] = time.monotonic() - sent_at[payload["payment_id"]]
                        outcomes["paid" if record.topic.endswith("confirmed") else "rejected"] += 1
        elapsed = time.monotonic() - started
    finally:
        await producer.stop()
        await consumer.stop()
    ordered = sorted(latencies.values())
    return {"count": count, "settled": len(latencies), "sent_seconds": sent, "seconds": elapsed,
            "throughput": len(latencies) / elapsed, "outcomes": outcomes,
            "p50": ordered[len(ordered) // 2] if ordered else float("nan"),
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")}




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--faults", action="store_true", help="the drill's faults: rejects, timeouts, duplicates")
    parser.add_argument("--receipt-timeout", type=float, default=30,
                        help="seconds without a receipt before the gateway asks the bank (BANK_GATEWAY_RECEIPT_TIMEOUT_S)")
    args = parser.parse_args()

    run_dir = ROOT / ".run" / f"bench-bank-{os.getpid()}"
    infra = start_infrastructure(run_dir, pg_port=free_port(), kafka_port=free_port(), pg_dir=run_dir / "pg")
    name = f"bankbench{random.randint(0, 99999):05d}"
    ports = {s.name: free_port() for s in SERVICES}
    stack = Stack(database_url=infra.database_url, kafka_bootstrap=infra.kafka_bootstrap, operator_token="op_bench",
                  ports=ports, log_dir=run_dir / "logs", topic_prefix=f"{name}.", echo=False,
                  extra_env={f"{s.env_prefix}_DATABASE_NAME": f"{name}_{s.name.replace('-', '_')}" for s in SERVICES}
                  | {"JISHI_LOG_LEVEL": "WARNING", "BANK_GATEWAY_BANK_URL": f"http://127.0.0.1:{ports['bank-simulator']}",
                     "BANK_GATEWAY_RECEIPT_TIMEOUT_S": str(args.receipt_timeout), "BANK_GATEWAY_STATUS_QUERY_BACKOFF_S": "1"})
    try:
        ensure_topics(infra.kafka_bootstrap, prefix=f"{name}.", partitions=8)
        stack.start(BANK_SERVICES)
        result = asyncio.run(bench(stack, args.orders, args.faults))
    finally:
        stack.stop()
        infra.stop()
        shutil.rmtree(run_dir, ignore_errors=True)

    print(f"machine: {machine()}")
    print(f"receipt timeout {args.receipt_timeout:g} s; {result['count']} payment orders sent in {result['sent_seconds']:.1f} s"
          f"{' with the drill faults ' + json.dumps(FAULTS) if args.faults else ''}")
    print(f"settled {result['settled']} ({result['outcomes']['paid']} paid, {result['outcomes']['rejected']} rejected)"
          f" in {result['seconds']:.1f} s")
    print(f"voucher → receipt throughput: {result['throughput']:.0f} vouchers/s")
    print(f"order → outcome latency: p50 {result['p50']:.2f} s, p99 {result['p99']:.2f} s")


if __name__ == "__main__":
    main()
