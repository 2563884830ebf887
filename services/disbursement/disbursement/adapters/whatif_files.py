"""The what-if simulator's files: a workbook an analyst can filter (openpyxl) and the fund's daily outflow under
each policy, side by side (matplotlib, SVG or PNG by the file's suffix)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from disbursement.domain.whatif import GroupFigures, Scenario
from shared.money import ZERO

COLUMNS = ("records", "incurred", "deductions", "daily", "prepayment", "settlement", "deposit", "owed_back", "paid",
           "mean_days_to_cash")


def figures_row(g: GroupFigures) -> list[object]:
    return [g.records, g.incurred, g.deductions, g.daily, g.prepayment, g.settlement, g.deposit, g.owed_back, g.paid,
            g.mean_days_to_cash]


def outflow_days(scenarios: Sequence[Scenario]) -> list[date]:
    return sorted({day for s in scenarios for day in s.outflow})


def write_xlsx(path: Path, scenarios: Sequence[Scenario]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    funds = book.active
    funds.title = "funds"
    funds.append(["policy", "insutype", *COLUMNS])
    for s in scenarios:
        for insutype, g in s.by_fund().items():
            funds.append([s.label, insutype, *figures_row(g)])
    institutions = book.create_sheet("institutions")
    institutions.append(["fixmedins_code", "insutype"] + [f"{s.label}: {c}" for s in scenarios for c in COLUMNS])
    for key in sorted({k for s in scenarios for k in s.groups}):
        institutions.append([*key] + [v for s in scenarios for v in figures_row(s.groups.get(key, GroupFigures()))])
    outflow = book.create_sheet("outflow")
    outflow.append(["date"] + [s.label for s in scenarios])
    for day in outflow_days(scenarios):
        outflow.append([day] + [s.outflow.get(day, ZERO) for s in scenarios])
    for sheet in (funds, institutions, outflow):
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
    book.save(path)


def write_chart(path: Path, scenarios: Sequence[Scenario], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib import pyplot

    days = outflow_days(scenarios)
    figure, (daily, cumulative) = pyplot.subplots(1, 2, figsize=(13, 4.5))
    width = 0.8 / max(1, len(scenarios))
    for n, s in enumerate(scenarios):
        amounts = [float(s.outflow.get(d, ZERO)) / 1e4 for d in days]
        daily.bar([d.toordinal() + (n - (len(scenarios) - 1) / 2) * width for d in days], amounts, width=width,
                  label=s.label)
        running, total = [], 0.0
        for amount in amounts:
            total += amount
            running.append(total)
        cumulative.step([d.toordinal() for d in days], running, where="post", label=s.label)
    for axes, name in ((daily, "daily outflow"), (cumulative, "cumulative outflow")):
        axes.set_title(name)
        axes.set_ylabel("10,000 yuan")
        ticks = days[:: max(1, len(days) // 8)]
        axes.set_xticks([d.toordinal() for d in ticks], [d.isoformat() for d in ticks], rotation=30, ha="right")
        axes.legend()
        axes.grid(alpha=0.3)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
