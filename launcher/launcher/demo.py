"""The demo ``make run`` does: one region on Jilin's daily path, three institutions, a day of generated
settlements through the public API, the daily run, the bank's receipts, and a summary of it all."""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from launcher.console_logins import Login
from launcher.demo_data import DemoInstitution, SettlementFactory, demo_institutions
from launcher.policy import CHECKER, MAKER, policy_in_force
from launcher.stack import Stack
from shared.auth import actor_header
from shared.calendar import CalendarNotLoaded, default_calendar
from shared.contracts.codes import INSUTYPES, SHANGHAI

DEMO_REGION = "220100"  # Changchun, Jilin: path B, 60 %
BATCH = 500


def _check(response: httpx.Response) -> None:
    if response.is_error:
        raise RuntimeError(f"{response.request.method} {response.request.url} → {response.status_code}: {response.text[:2000]}")


def demo_business_date() -> date:
    """The last working day before today; past the loaded calendar, the last working day it knows."""
    calendar = default_calendar()
    day = datetime.now(SHANGHAI).date() - timedelta(days=1)
    try:
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day
    except CalendarNotLoaded:
        years = calendar.years
        assert years is not None
        day = date(years[1], 12, 31)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day


#: Who signs the demo day's summary (JL art.11: a person signs before the bank is asked to pay).
DEMO_SIGNATORY = "张会计 (demo)"


@dataclass
class Demo:
    stack: Stack
    run_dir: Path
    console: Console
    records: int = 3000
    business_date: date | None = None
    institutions: dict[str, DemoInstitution] = field(default_factory=dict)
    #: Who prepares the day's run (the console's demo clerk, so that the console's approver may sign it).
    clerk: Login | None = None
    #: Sign the run here as DEMO_SIGNATORY and wait for the bank; otherwise it waits for a signature in the
    #: console (four eyes: someone other than the clerk).
    sign: bool = True

    @property
    def operator(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.stack.operator_token}"}

    async def run(self) -> dict[str, Any]:
        day = self.business_date or demo_business_date()
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=60) as client:
            await self._policy(client)
            tokens = await self._institutions(client, demo_institutions(DEMO_REGION))
            await self._enroll(client, list(tokens))
            posted = await self._post_day(client, tokens, day)
            await self._wait_for_disbursement(client, day, posted)
            run = await self._daily_run(client, day)
            if run["status"] != "computed":
                run = await self._wait_for_receipts(client, run)
            trial = await self._get(client, "accounting", "/v1/trial-balance")
        summary = {"business_date": day.isoformat(), "posted": posted, "run": run, "trial_balance": trial,
                   "seconds": round(time.monotonic() - started, 1)}
        self._print(summary)
        return summary

    async def _get(self, client: httpx.AsyncClient, service: str, path: str, **kw: Any) -> Any:
        response = await client.get(self.stack.url(service) + path, headers=self.operator, **kw)
        _check(response)
        return response.json()

    async def _policy(self, client: httpx.AsyncClient) -> None:
        url = f"{self.stack.url('disbursement')}/v1/regions/{DEMO_REGION}/policy"
        current = await client.get(url, headers=self.operator)
        if current.status_code == 200 and current.json()["pack"] == "jilin":
            return
        version = await policy_in_force(client, self.stack.url("disbursement"), DEMO_REGION,
                                        {"pack": "jilin", "effective_from": "2025-01-01"}, headers=self.operator)
        self.console.print(f"[bold]Region {DEMO_REGION}[/]: policy pack jilin (path B, 60 %), "
                           f"version {version['version']}, proposed by {MAKER} and approved by {CHECKER}")

    async def _institutions(self, client: httpx.AsyncClient, institutions: list[DemoInstitution]) -> dict[str, str]:
        """Register the demo institutions; their tokens (shown once) are kept in .run/demo-tokens.json."""
        path = self.run_dir / "demo-tokens.json"
        tokens: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        for institution in institutions:
            response = await client.post(f"{self.stack.url('claims')}/v1/institutions", headers=self.operator,
                                         json=institution.registration())
            _check(response)
            if response.status_code == 201:
                tokens[institution.fixmedins_code] = response.json()["token"]
                path.write_text(json.dumps(tokens, indent=2))  # at once: a token is shown only this time
                path.chmod(0o600)
            elif institution.fixmedins_code not in tokens:
                raise RuntimeError(f"{institution.fixmedins_code} is registered but its token is lost; "
                                   "remove .run/ to start the demo afresh")
        self.institutions = {i.fixmedins_code: i for i in institutions}
        return tokens

    async def _enroll(self, client: httpx.AsyncClient, codes: list[str], timeout: float = 30) -> None:
        """N art.4: the institutions join instant settlement (once their registration reaches disbursement)."""
        for code in codes:
            url = f"{self.stack.url('disbursement')}/v1/enrollments/{code}"
            current = await client.get(url, headers=self.operator)
            if current.status_code == 200 and current.json()["state"] == "enrolled":
                continue
            deadline = time.monotonic() + timeout
            while (response := await client.post(url, headers=self.operator,
                                                 json={"action": "enroll", "reason": "demo pilot institution"})
                   ).status_code == 404 and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            _check(response)

    async def _post_day(self, client: httpx.AsyncClient, tokens: dict[str, str], day: date) -> dict[str, int]:
        factory = SettlementFactory(day, seed=day.toordinal())
        by_institution: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for institution, record in factory.day_of(list(self.institutions.values()), self.records):
            by_institution[institution.fixmedins_code].append(record)
        batches = [(code, records[i:i + BATCH]) for code, records in by_institution.items()
                   for i in range(0, len(records), BATCH)]
        counts: dict[str, int] = defaultdict(int)
        limit = asyncio.Semaphore(4)
        with Progress(TextColumn(f"Posting {day} settlements"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=self.console) as progress:
            task = progress.add_task("post", total=self.records)

            async def post(code: str, records: list[dict[str, Any]]) -> None:
                async with limit:
                    response = await client.post(f"{self.stack.url('claims')}/v1/settlements",
                                                 headers={"authorization": f"Bearer {tokens[code]}"},
                                                 json={"records": records})
                    _check(response)
                    for result in response.json()["results"]:
                        counts[result["status"]] += 1
                    progress.advance(task, len(records))

            await asyncio.gather(*(post(code, records) for code, records in batches))
        return dict(counts)

    async def _wait_for_disbursement(self, client: httpx.AsyncClient, day: date, posted: dict[str, int],
                                     timeout: float = 120) -> None:
        expected = posted.get("accepted", 0) + posted.get("replayed", 0)
        deadline = time.monotonic() + timeout
        with self.console.status("Audit and disbursement catching up…"):
            while True:
                counts = await self._get(client, "disbursement", "/v1/intake",
                                         params={"admdvs": DEMO_REGION, "business_date": day.isoformat()})
                if counts["recorded"] >= expected and counts["audited"] >= expected:
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"disbursement has heard of {counts} of {expected} records after {timeout}s")
                await asyncio.sleep(0.3)

    async def _daily_run(self, client: httpx.AsyncClient, day: date) -> dict[str, Any]:
        """The day's summary (日拨付业务拨付汇总表), prepared by the demo clerk and, with ``sign``, signed by the
        demo's accountant as JL art.11 asks."""
        prepared_by = actor_header(self.clerk.actor) if self.clerk else {}
        response = await client.post(f"{self.stack.url('disbursement')}/v1/runs/daily-disbursement",
                                     headers={**self.operator, **prepared_by},
                                     json={"admdvs": DEMO_REGION, "business_date": day.isoformat()})
        _check(response)
        run = response.json()
        if run["status"] != "computed" or not self.sign:
            return run
        response = await client.post(f"{self.stack.url('disbursement')}/v1/runs/{run['run_id']}/sign-off",
                                     headers=self.operator, json={"signed_by": DEMO_SIGNATORY})
        _check(response)
        return response.json()

    async def _wait_for_receipts(self, client: httpx.AsyncClient, run: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self.console.status("Vouchers to the bank, receipts back…"):
            while any(line["status"] == "ordered" for line in run["lines"]):
                if time.monotonic() > deadline:
                    raise RuntimeError("the bank's receipts did not all come back in time")
                await asyncio.sleep(0.3)
                run = await self._get(client, "disbursement", f"/v1/runs/{run['run_id']}")
        return run

    def _print(self, summary: dict[str, Any]) -> None:
        run, posted = summary["run"], summary["posted"]
        self.console.rule(f"[bold]Jishi demo: region {DEMO_REGION}, business date {summary['business_date']}")
        self.console.print("Settlements posted: " + ", ".join(f"{k} {v}" for k, v in sorted(posted.items()))
                           + f"; records in the daily run: {run['records']}")
        table = Table(title=f"日拨付汇总表 — run {run['run_id']} (policy v{run['policy_version']}, due {run['due_date']})")
        for column in ("institution", "fund", "month", "records", "amount", "carried in", "payment", "status",
                       "voucher"):
            table.add_column(column, justify="right" if column in ("records", "amount", "carried in", "payment") else "left")
        for line in run["lines"]:
            name = self.institutions[line["fixmedins_code"]].fixmedins_name if line["fixmedins_code"] in self.institutions else line["fixmedins_code"]
            table.add_row(name, INSUTYPES.get(line["insutype"], line["insutype"]), line["period"], str(line["records"]),
                          line["amount"], line["carried_in"], line["payment"], line["status"], line["voucher_no"] or "")
        self.console.print(table)
        paid = sum((Decimal(line["payment"]) for line in run["lines"] if line["status"] == "paid"), Decimal("0.00"))
        trial = summary["trial_balance"]
        self.console.print(f"Vouchers: {sum(1 for line in run['lines'] if line['voucher_no'])}; paid by the bank: "
                           f"{paid} yuan; run total {run['payment_total']}")
        self.console.print(f"Trial balance: debits {trial['total_debit']} = credits {trial['total_credit']} "
                           f"({'balanced' if trial['balanced'] else 'NOT BALANCED'})")
        if run["status"] == "computed":
            self.console.print(f"[bold]The run awaits a signature[/] (prepared by {run['prepared_by']}): sign it "
                               f"in the console, {self.stack.url('console')}/runs/{run['run_id']}, as the approver "
                               "below (or run with DEMO_SIGN=1 to sign it here).")
        self.console.print(f"Demo done in {summary['seconds']} s.")
