"""The what-if simulator as an operator runs it (a process of its own, over the live database, read only):
September 2025 of a Jilin region (60 % daily, JL art.11) replayed under Shanxi's prepayment (SX §3)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import load_workbook

from launcher.testing import operator_headers
from shared.money import to_fen

if TYPE_CHECKING:  # the fixture's class, from this folder's conftest.py
    from conftest import Harness

FUND_PAYS = ["100.01", "33.33", "250.00", "10.05"]


def whatif(harness: Harness, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JISHI_DATABASE_URL": harness.settings.database_url,
           "DISBURSEMENT_DATABASE_NAME": harness.settings.database_name, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "disbursement.whatif", "--admdvs", harness.region, *args],
                          env=env, capture_output=True, text=True, timeout=120)


async def test_a_closed_month_replayed_under_shanxi_prepays_what_jilin_paid_daily_and_writes_nothing(
        harness: Harness, tmp_path: Path) -> None:
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    for n, amount in enumerate(FUND_PAYS):
        await harness.settlement(date(2025, 9, 1 + n), amount)
    await harness.caught_up(recorded=len(FUND_PAYS), audited=len(FUND_PAYS))
    runs_before = (await harness.client.get("/v1/runs", headers=operator_headers())).json()

    done = whatif(harness, "--period", "2025-09", "--pack", "shanxi", "--xlsx", str(tmp_path / "w.xlsx"),
                  "--chart", str(tmp_path / "w.svg"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "replayed 4 settlements of 2025-09" in done.stdout and "nothing was written" in done.stdout

    incurred = sum(Decimal(a) for a in FUND_PAYS)
    daily = sum(to_fen(Decimal(a) * Decimal("0.60")) for a in FUND_PAYS)  # rounded record by record (JL art.11)
    prepaid = to_fen(incurred * Decimal("0.60"))  # SX §3: 60 % of the month's payable
    sheet = load_workbook(tmp_path / "w.xlsx")["funds"]
    # a workbook holds numbers as Excel does (binary floats): read back to the fen
    rows = {row[0].split(" (")[0]: {k: to_fen(Decimal(str(v))) if isinstance(v, float | int) else v
                                    for k, v in zip([c.value for c in sheet[1]], row, strict=True)}
            for row in sheet.iter_rows(min_row=2, values_only=True)}
    jilin, shanxi = rows["in force"], rows["what-if"]
    assert (jilin["incurred"], jilin["daily"], jilin["prepayment"], jilin["settlement"]) == \
        (incurred, daily, 0, incurred - daily)
    assert (shanxi["daily"], shanxi["prepayment"], shanxi["settlement"]) == (0, prepaid, incurred - prepaid)
    assert jilin["paid"] == shanxi["paid"] == incurred  # the same money, at other times
    assert jilin["mean_days_to_cash"] < shanxi["mean_days_to_cash"]  # daily pays sooner than a prepayment
    assert (tmp_path / "w.svg").read_text().lstrip().startswith("<?xml")
    assert (await harness.client.get("/v1/runs", headers=operator_headers())).json() == runs_before


async def test_the_simulator_refuses_a_month_not_closed_and_a_policy_that_is_not_one(harness: Harness) -> None:
    await harness.policy()
    for args, why in ((["--period", "2099-01"], "not closed"), (["--period", "2025-9"], "not a month"),
                      (["--period", "2025-09", "--pack", "guangdong"], "one of national"),
                      (["--period", "2025-09", "--override", '{"ratios": {"310": "2"}}'], "not valid"),
                      (["--period", "2025-09", "--override", "[1]"], "JSON object")):
        done = whatif(harness, *args)
        assert done.returncode == 2 and why in done.stdout, (args, done.stdout, done.stderr)
