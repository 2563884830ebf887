"""The care-to-cash report (从结算到回款天数): per region, institution or fund, the distribution of days from
a record's care to its money at the institution, and its trend week by week of care."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from disbursement.adapters.repositories.care_to_cash import Grouping
from disbursement.domain.care_to_cash import merged, summary, week_of
from disbursement.service.uow import DisbursementUnitOfWork


async def care_to_cash_report(uow: DisbursementUnitOfWork, *, by: Grouping, admdvs: str | None,
                              date_from: date | None, date_to: date | None) -> dict[str, Any]:
    async with uow:
        rows = await uow.care_to_cash.counts(by=by, admdvs=admdvs, date_from=date_from, date_to=date_to)
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    weeks: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for key, day, days, records in rows:
        groups[key].append((days, records))
        weeks[week_of(day)].append((days, records))
    return {
        "by": by, "admdvs": admdvs, "date_from": date_from, "date_to": date_to,
        "overall": summary(merged((days, n) for _, _, days, n in rows)),
        "groups": [{"key": key, **summary(merged(counts))} for key, counts in sorted(groups.items())],
        "trend": [{"week_of": week.isoformat(), **summary(merged(counts))} for week, counts in sorted(weeks.items())],
    }
