"""The monthly prepayment run (按月预拨, path C): at the start of the month, a ratio of last month's amount
to each enrolled institution, per fund (SX §3: 60 % of last month's payable within the first 3 working days;
ZJ §3.2: employee 60 % / resident 50 % of last month's incurred fund payments before the 10th)."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date
from decimal import Decimal
from typing import Any

from disbursement.adapters.tables import Run
from disbursement.domain.monthly import monthly_prepayment, prepayment_due
from disbursement.service.runs.common import (
    carry_in,
    enrolled_for,
    existing_or_policy,
    new_run,
    payment_rows,
    record_carries,
    summarize,
)
from disbursement.service.runs.view import run_view_of
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.contracts.codes import period_of
from shared.money import ZERO

PREPAYMENT = "monthly-prepayment"


def month_bounds(period: str) -> tuple[date, date]:
    year, month = int(period[:4]), int(period[5:])
    return date(year, month, 1), date(year, month, month_calendar.monthrange(year, month)[1])


def previous_period(period: str) -> str:
    start, _ = month_bounds(period)
    return period_of(date.fromordinal(start.toordinal() - 1))


async def prepayment_bases(uow: DisbursementUnitOfWork, admdvs: str, period: str, basis: str, *,
                           personal_account: bool) -> dict[tuple[str, str], Decimal]:
    """Last month per institution and fund: its incurred fund payments (with the personal account's where the
    region settles it, ZJ §2), or its payable amount — incurred less the deductions confirmed so far for that
    month (N art.13)."""
    last = previous_period(period)
    totals = await uow.intake.month_totals(admdvs, *month_bounds(last), personal_account=personal_account)
    bases = {key: month.incurred for key, month in totals.items()}
    if basis == "payable":
        for key, deducted in (await uow.deductions.confirmed(admdvs, last)).items():
            bases[key] = bases.get(key, ZERO) - deducted
    return bases


async def monthly_prepayment_run(admdvs: str, period: str, uow: DisbursementUnitOfWork,
                                 calendar: WorkingDayCalendar, *, today: date | None = None,
                                 prepared_by: str | None = None) -> dict[str, Any]:
    """``today`` is the Beijing date the run is made on (a scheduler passes the day it runs for): a postponed
    daily batch not yet due by then is left for the daily run of its due date (N art.18)."""
    first_day, _ = month_bounds(period)
    async with uow:
        found = await existing_or_policy(uow, PREPAYMENT, admdvs, period, first_day, path="C")
        if isinstance(found, Run):
            return await run_view_of(found, uow, calendar)
        rule = found.policy.prepayment
        assert rule is not None  # path C always has one (RegionPolicy validates it)
        due = prepayment_due(first_day.year, first_day.month, rule.due, calendar)
        institutions = await enrolled_for(uow, admdvs, "C")
        bases = await prepayment_bases(uow, admdvs, period, rule.basis,
                                       personal_account=found.policy.personal_account)
        amounts, details = [], {}
        for (code, insutype), base in sorted(bases.items()):
            ratio = rule.ratios.get(insutype)
            if code not in institutions or ratio is None:
                continue
            amounts.append(((code, insutype, period), monthly_prepayment(base, ratio)))
            details[(code, insutype, period)] = {"base": str(max(base, ZERO)), "ratio": str(ratio),
                                                 "basis": rule.basis, "base_period": previous_period(period)}
        run = new_run(PREPAYMENT, admdvs, period, found.version, due, "computed", [], [], {}, prepared_by)
        carried = await carry_in(uow, admdvs, institutions, today=today)
        summary = summarize(amounts, carried)
        await uow.payments.add(payment_rows(run.run_id, PREPAYMENT, admdvs, summary, status="computed",
                                            now=run.computed_at, details=details))
        await record_carries(uow, run.run_id, carried)
        run.total = sum((s.amount for s in summary), ZERO)
        run.payment_total = sum((s.payment for s in summary), ZERO)
        run.summary = {"basis": rule.basis, "base_period": previous_period(period), "institutions": len(amounts)}
        uow.runs.add(run)
        await uow.session.flush()
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view
