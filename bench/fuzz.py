"""Fuzz bench: every operation of every service's OpenAPI document, many more cases than the normal suite
(issue 5, item 7: bad input never hurts; the target is zero 5xx).

    .venv/bin/python bench/fuzz.py [--examples 300]

Runs tests/api/test_openapi_fuzz.py with ``--examples`` cases per operation in the fuzzing phase and the
coverage phase's negative cases too (every constraint of every field broken in turn), on its own embedded
PostgreSQL and Tansu (started by the suite's ``infra`` fixture on free ports). Prints, per service, the
operations, the cases and requests sent, the status codes answered and the count of 5xx, then the total time;
exits 1 on any 5xx or any other failure (pytest's output is kept in .run/bench-fuzz.log).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=300, help="cases per operation in the fuzzing phase")
    args = parser.parse_args()
    log = ROOT / ".run" / "bench-fuzz.log"
    log.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "tallies.json"
        env = {**os.environ, "JISHI_FUZZ_EXAMPLES": str(args.examples), "JISHI_FUZZ_NEGATIVE_COVERAGE": "1",
               "JISHI_FUZZ_REPORT": str(report)}
        started = time.monotonic()
        with log.open("w") as out:
            result = subprocess.run([sys.executable, "-m", "pytest", "tests/api/test_openapi_fuzz.py", "-q",
                                     "-p", "no:cacheprovider"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        seconds = time.monotonic() - started
        tallies = json.loads(report.read_text()) if report.exists() else {}
    print(f"fuzz: {args.examples} examples per operation (fuzzing phase) plus the coverage phase, positive and "
          f"negative")
    print(f"{'service':<16}{'operations':>11}{'cases':>8}{'requests':>10}{'5xx':>6}{'seconds':>9}  status codes")
    server_errors = 0
    for name, tally in tallies.items():
        statuses = tally["statuses"]
        fives = sum(n for code, n in statuses.items() if code.startswith("5"))
        server_errors += fives
        histogram = " ".join(f"{code}:{n}" for code, n in statuses.items())
        print(f"{name:<16}{len(tally['operations']):>11}{tally['cases']:>8}{tally['requests']:>10}{fives:>6}"
              f"{tally['seconds']:>9.1f}  {histogram}")
        for request in tally["server_errors"]:
            print(f"    5xx: {request[:400]}")
    total_cases = sum(t["cases"] for t in tallies.values())
    total_requests = sum(t["requests"] for t in tallies.values())
    print(f"total: {len(tallies)} services, {sum(len(t['operations']) for t in tallies.values())} operations, "
          f"{total_cases:,} cases, {total_requests:,} requests, {server_errors} answered 5xx (target 0), "
          f"{seconds:.0f} s in all")
    if result.returncode != 0:
        failed = [line for line in log.read_text().splitlines() if line.startswith(("FAILED", "ERROR", "E   "))]
        print(f"the suite failed (exit {result.returncode}); see {log.relative_to(ROOT)}:")
        print("\n".join(f"    {line[:300]}" for line in failed[:40]))
    return 0 if result.returncode == 0 and server_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
