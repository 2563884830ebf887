"""What if this region had paid under another policy? Replays closed months of what disbursement heard — each
settlement, its audit, the month's deductions — under the policy then in force and under the one asked, and
compares per fund and institution: what is paid daily, prepaid and settled, how soon after care, and the fund's
daily outflow. Reads only (a read-only transaction): nothing is written to the live books.

    python -m disbursement.whatif --admdvs 220100 --period 2025-09 --pack shanxi \\
        --override '{"prepayment": {"ratios": {"310": "0.70"}}}' --xlsx whatif.xlsx --chart whatif.svg
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import text

from disbursement.adapters.repositories.history import month_records, read_only
from disbursement.adapters.repositories.ledgers import Deductions
from disbursement.adapters.repositories.policies import Policies
from disbursement.adapters.whatif_files import write_chart, write_xlsx
from disbursement.domain.packs import PACKS, resolve
from disbursement.domain.policy import RegionPolicy
from disbursement.domain.versions import policy_in_force
from disbursement.domain.whatif import Scenario, add_records, close_month
from disbursement.service.runs.prepayment import month_bounds
from disbursement.settings import DisbursementSettings
from shared.calendar import WorkingDayCalendar, default_calendar
from shared.contracts.codes import SHANGHAI
from shared.db import make_engine, make_sessionmaker

app = typer.Typer(add_completion=False, help=__doc__)
out = Console()


class Refused(Exception):
    pass


@app.command()
def simulate(
    admdvs: Annotated[str, typer.Option(help="the region (统筹区), six digits")],
    period: Annotated[str | None, typer.Option(help="a closed month, YYYY-MM")] = None,
    year: Annotated[int | None, typer.Option(help="or a year: its closed months")] = None,
    pack: Annotated[str | None, typer.Option(help=f"the pack to try: {', '.join(PACKS)} (default: the one in force)")] = None,
    override: Annotated[str, typer.Option(help="settings over the pack, as JSON")] = "{}",
    xlsx: Annotated[Path | None, typer.Option(help="write the comparison workbook here")] = None,
    chart: Annotated[Path | None, typer.Option(help="write the outflow curves here (.svg or .png)")] = None,
    top: Annotated[int, typer.Option(help="institutions shown, largest change first")] = 10,
) -> None:
    try:
        months = _months(period, year)
        overrides = _overrides(override, pack)
        if chart is not None and chart.suffix not in (".svg", ".png"):
            raise Refused(f"--chart {chart}: an .svg or .png file")
        started = time.monotonic()
        scenarios, records = asyncio.run(replay_months(admdvs, months, pack, overrides, default_calendar()))
    except Refused as exc:
        out.print(f"[bold red]refused:[/] {exc}")
        raise typer.Exit(2) from exc
    elapsed = time.monotonic() - started
    show(scenarios, top)
    out.print(f"replayed {records:,} settlements of {', '.join(months)} in {elapsed:.1f} s; nothing was written")
    if xlsx:
        write_xlsx(xlsx, scenarios)
        out.print(f"workbook: {xlsx}")
    if chart:
        write_chart(chart, scenarios, f"{admdvs} {months[0]}..{months[-1]}: the fund's outflow")
        out.print(f"chart: {chart}")


def _months(period: str | None, year: int | None) -> list[str]:
    if (period is None) == (year is None):
        raise Refused("give --period YYYY-MM or --year YYYY (one of them)")
    if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise Refused(f"--period {period!r} is not a month YYYY-MM")
    if year is not None and not 2000 <= year <= 2100:
        raise Refused(f"--year {year}: a year like 2025")
    today = datetime.now(SHANGHAI).date()
    wanted = [period] if period else [f"{year}-{m:02d}" for m in range(1, 13)]
    closed = [p for p in wanted if month_bounds(p)[1] < today]
    if not closed:
        raise Refused(f"{wanted[0]} is not closed yet: only a month that has ended can be replayed")
    return closed


def _overrides(override: str, pack: str | None) -> dict[str, Any]:
    if pack is not None and pack not in PACKS:
        raise Refused(f"--pack {pack!r}: one of {', '.join(PACKS)}")
    try:
        value = json.loads(override)
    except json.JSONDecodeError as exc:
        raise Refused(f"--override is not JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(value, dict):
        raise Refused("--override is a JSON object of settings, {...}")
    return value


def _alternative(in_force: RegionPolicy, pack: str | None, overrides: dict[str, Any]) -> RegionPolicy:
    try:
        if pack is not None:
            return resolve(pack, {"effective_from": in_force.effective_from.isoformat(), **overrides})  # type: ignore[arg-type]
        merged = in_force.model_dump(mode="json")
        for key, value in overrides.items():
            merged[key] = {**merged[key], **value} if isinstance(value, dict) and isinstance(merged.get(key), dict) \
                else value
        return RegionPolicy.model_validate(merged)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'policy'}: {e['msg']}" for e in exc.errors())
        raise Refused(f"the policy to try is not valid: {fields}") from exc


async def replay_months(admdvs: str, months: list[str], pack: str | None, overrides: dict[str, Any],
                  calendar: WorkingDayCalendar) -> tuple[list[Scenario], int]:
    engine = make_engine(DisbursementSettings())
    total: list[Scenario] = []
    records = 0
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            await read_only(session)
            versions = (await Policies(session).versions([admdvs])).get(admdvs, [])
            with Progress(console=out, transient=True) as progress:
                for period in months:
                    start, end = month_bounds(period)
                    in_force = policy_in_force(versions, end)
                    if in_force is None:
                        raise Refused(f"region {admdvs} had no policy in force in {period}")
                    alternative = _alternative(in_force.policy, pack, overrides)
                    scenarios = [Scenario("in force", in_force.policy), Scenario("what-if", alternative)]
                    out.print(f"{period}: in force v{in_force.version} ({in_force.policy.pack}); what-if "
                              f"{pack or in_force.policy.pack} {json.dumps(overrides, ensure_ascii=False)}")
                    count = await session.scalar(text(
                        "SELECT count(*) FROM intake WHERE admdvs = :a AND business_date BETWEEN :s AND :e"),
                        {"a": admdvs, "s": start, "e": end})
                    task = progress.add_task(f"{period}", total=count or 1)
                    async for chunk in month_records(session, admdvs, start, end):
                        add_records(chunk, scenarios, calendar)
                        records += len(chunk)
                        progress.advance(task, len(chunk))
                    close_month(period, await Deductions(session).confirmed(admdvs, period), scenarios, calendar)
                    if not total:
                        total = [Scenario(s.label, s.policy) for s in scenarios]
                    for whole, month in zip(total, scenarios, strict=True):
                        whole.absorb(month)
    finally:
        await engine.dispose()
    return total, records


def show(scenarios: list[Scenario], top: int) -> None:
    base, alt = scenarios
    funds = Table(title="per fund (yuan; days from care to cash weighted by money)")
    for column in ("fund", "policy", "records", "incurred", "daily", "prepayment", "settlement", "deposit",
                   "owed back", "mean days"):
        funds.add_column(column, justify="right" if column not in ("fund", "policy") else "left")
    for s in scenarios:
        for insutype, g in s.by_fund().items():
            funds.add_row(insutype, s.label, f"{g.records:,}", *(f"{v:,.2f}" for v in (
                g.incurred, g.daily, g.prepayment, g.settlement, g.deposit, g.owed_back)), str(g.mean_days_to_cash))
    out.print(funds)
    changes = Table(title=f"institutions whose money moves most (top {top})")
    for column in ("institution", "fund", "paid in force", "paid what-if", "days in force", "days what-if"):
        changes.add_column(column, justify="left" if column in ("institution", "fund") else "right")
    keys = sorted(base.groups, key=lambda k: -abs((alt.groups[k].mean_days_to_cash or Decimal(0))
                                                   - (base.groups[k].mean_days_to_cash or Decimal(0))))
    for key in keys[:top]:
        b, a = base.groups[key], alt.groups[key]
        changes.add_row(*key, f"{b.paid:,.2f}", f"{a.paid:,.2f}", str(b.mean_days_to_cash), str(a.mean_days_to_cash))
    out.print(changes)
    for s in scenarios:
        day, amount = max(s.outflow.items(), key=lambda kv: kv[1], default=(None, Decimal(0)))
        out.print(f"{s.label}: {len(s.outflow)} paying days, the largest {amount:,.2f} on {day}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
