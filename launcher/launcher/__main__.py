"""``python -m launcher run``: the embedded infrastructure, every service, and the demo (``make run``)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import threading
from pathlib import Path

from rich.console import Console

from launcher.console_logins import ensure_logins
from launcher.demo import Demo
from launcher.environment import ensure_topics, operator_token, start_infrastructure
from launcher.stack import CONSOLE, WITH_CONSOLE, Stack, configured_ports

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="jishi")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start everything, run the demo, keep serving until Ctrl-C")
    run.add_argument("--no-demo", action="store_true", help="skip the demo load (also DEMO=0)")
    run.add_argument("--records", type=int, default=int(os.environ.get("DEMO_RECORDS", "3000")))
    run.add_argument("--run-dir", type=Path, default=ROOT / ".run")
    args = parser.parse_args(argv)
    console = Console() if sys.stdout.isatty() else Console(width=160)
    demo = not args.no_demo and os.environ.get("DEMO", "1") != "0"
    sys.exit(serve(args.run_dir, console, demo=demo, records=args.records))


def serve(run_dir: Path, console: Console, *, demo: bool, records: int) -> int:
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    run_dir.mkdir(parents=True, exist_ok=True)
    token, generated = operator_token(run_dir)
    infra = start_infrastructure(run_dir)
    stack: Stack | None = None
    try:
        partitions = int(os.environ.get("JISHI_TOPIC_PARTITIONS", "8"))
        ensure_topics(infra.kafka_bootstrap, prefix=os.environ.get("JISHI_TOPIC_PREFIX", ""), partitions=partitions)
        console.print(f"PostgreSQL {infra.database_url}; Kafka {infra.kafka_bootstrap}; topics ×{partitions} partitions")
        stack = Stack(database_url=infra.database_url, kafka_bootstrap=infra.kafka_bootstrap, operator_token=token,
                      ports=configured_ports(), log_dir=run_dir / "logs",
                      topic_prefix=os.environ.get("JISHI_TOPIC_PREFIX", ""),
                      echo=os.environ.get("JISHI_SHOW_LOGS", "1") != "0", specs=list(WITH_CONSOLE))
        with console.status("Migrating and starting the services…"):
            stack.start()
        console.print("[bold green]All services ready.[/]")
        logins = ensure_logins(stack, run_dir)
        if demo:
            asyncio.run(Demo(stack, run_dir, console, records=records, clerk=logins["clerk"],
                             sign=os.environ.get("DEMO_SIGN", "0") == "1").run())
        console.rule("[bold]Serving")
        for spec in WITH_CONSOLE:
            if spec is not CONSOLE:
                console.print(f"  {spec.name:>15}  {stack.url(spec.name)}/docs")
        console.print(f"  [bold]{'console':>15}  {stack.url('console')}/[/]  (logins in .run/console-logins.json)")
        for login in logins.values():
            console.print(f"  {login.role:>15}  {login.username} / {login.password}  ({login.name})")
        where = "written to .run/operator-token" if generated else "from JISHI_OPERATOR_TOKEN or .run/operator-token"
        console.print(f"  operator token ({where}): {token}")
        console.print("Ctrl-C stops everything.")
        while not stopping.is_set():
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    console.print(f"[bold red]{name} exited with {process.returncode}; stopping.[/]")
                    return 1
            stopping.wait(1)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        console.print("Stopping…")
        if stack is not None:
            stack.stop()
        infra.stop()


if __name__ == "__main__":
    main()
