"""The daily disbursement run (日拨付, JL art.11, N art.22): claim the region's unordered lines up to the
business date, sum them per institution, fund and month with what was postponed earlier (N art.18), order
the payments, and keep the summary an operator signs. Idempotent per (region, business date)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from disbursement.adapters.tables import Payment, Run
from disbursement.domain.daily import SummaryLine, carry_value, daily_summary
from disbursement.domain.errors import NoPolicy, PathNotEnabled
from disbursement.domain.versions import policy_in_force
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import CalendarNotLoaded, WorkingDayCalendar
from shared.contracts import topics
from shared.contracts.codes import INSUTYPES, SHANGHAI
from shared.contracts.events import LinesOrdered, OrderedLine, PaymentOrdered
from shared.money import money_text, total

DAILY = "daily-disbursement"
CHUNK = 1000


async def daily_disbursement(admdvs: str, day: date, uow: DisbursementUnitOfWork,
                             calendar: WorkingDayCalendar) -> dict[str, Any]:
    async with uow:
        await uow.runs.lock_region(admdvs)
        existing = await uow.runs.find(DAILY, admdvs, day.isoformat())
        if existing is not None:
            return await _view(existing, uow, calendar)
        in_force = policy_in_force((await uow.policies.versions([admdvs])).get(admdvs, []), day)
        if in_force is None:
            raise NoPolicy(f"region {admdvs} has no policy in force on {day}; PUT /v1/regions/{admdvs}/policy")
        if "B" not in in_force.policy.paths:
            raise PathNotEnabled(f"region {admdvs} does not run daily disbursement (path B) on {day}: "
                                 f"its paths are {', '.join(in_force.policy.paths)}")
        due = calendar.add_working_days(day, in_force.policy.pay_within_working_days)
        working = calendar.is_working_day(day)
        run_id, now = uuid.uuid4(), datetime.now(UTC)

        claimed = await uow.lines.claim_for_run(run_id, admdvs, day)
        earlier = await uow.payments.to_carry(admdvs)
        summary = daily_summary(
            (((c.fixmedins_code, c.insutype, c.period), c.amount) for c in claimed),
            (((p.fixmedins_code, p.insutype, p.period), carry_value(p.status, p.payment, p.carried_forward))
             for p in earlier),
        )
        payees = await uow.institutions.payees(line.fixmedins_code for line in summary)
        payments = [_payment(run_id, admdvs, line, working, now) for line in summary]
        await uow.payments.add(payments)
        by_group = {(p["fixmedins_code"], p["insutype"], p["period"]): p["payment_id"] for p in payments}
        await uow.payments.mark_carried(
            {p.payment_id: by_group[(p.fixmedins_code, p.insutype, p.period)] for p in earlier})
        await uow.lines.assign_payments(run_id)

        run = Run(run_id=run_id, run_type=DAILY, admdvs=admdvs, run_key=day.isoformat(),
                  policy_version=in_force.version, status="ordered" if working else "postponed", due_date=due,
                  computed_at=now, total=total(s.amount for s in summary),
                  payment_total=total(s.payment for s in summary if working),
                  summary={"business_date": day.isoformat(), "working_day": working, "records": len(claimed)})
        uow.runs.add(run)
        await uow.session.flush()
        await _publish(uow, payments, payees, day)
        view = await _view(run, uow, calendar)
        await uow.commit()
    return view


def _payment(run_id: uuid.UUID, admdvs: str, line: SummaryLine, working: bool, now: datetime) -> dict[str, Any]:
    if line.payment == 0:
        status = "nothing"
    else:
        # A batch that falls on a non-working day is not sent; the next working day's run carries it (N art.18).
        status = "ordered" if working else "postponed"
    return {
        "payment_id": uuid.uuid5(run_id, f"{line.fixmedins_code}|{line.insutype}|{line.period}"),
        "run_id": run_id, "admdvs": admdvs, "fixmedins_code": line.fixmedins_code, "insutype": line.insutype,
        "period": line.period, "records": line.records, "amount": line.amount, "carried_in": line.carried_in,
        "payment": line.payment, "carried_forward": line.carried_forward, "status": status, "ordered_at": now,
    }


async def _publish(uow: DisbursementUnitOfWork, payments: list[dict[str, Any]], payees: dict[str, Any],
                   day: date) -> None:
    sent = [p for p in payments if p["status"] in ("ordered", "postponed")]
    carried_lines = await uow.lines.of_payments(p["payment_id"] for p in sent)
    for p in sent:
        code = p["fixmedins_code"]
        if p["status"] == "ordered":
            uow.outbox.add(topics.PAYMENT_ORDERED, PaymentOrdered(
                payment_id=p["payment_id"], run_id=p["run_id"], run_type=DAILY, admdvs=p["admdvs"],
                fixmedins_code=code, insutype=p["insutype"], period=p["period"], business_date=day,
                amount=p["amount"], carried_in=p["carried_in"], payment=p["payment"], payee=payees[code].bank_acct,
                purpose=f"日拨付 {day.isoformat()} {INSUTYPES[p['insutype']]} {p['period']}",
                ordered_at=p["ordered_at"]), key=code)
        lines = carried_lines.get(p["payment_id"], [])
        for start in range(0, len(lines), CHUNK):
            uow.outbox.add(topics.LINES_ORDERED, LinesOrdered(
                payment_id=p["payment_id"], fixmedins_code=code, ordered_at=p["ordered_at"],
                payment_status=p["status"],
                lines=[OrderedLine(setl_id=s, line_id=lid, amount=a) for s, lid, a in lines[start:start + CHUNK]],
            ), key=code)


async def run_view(run_id: uuid.UUID, uow: DisbursementUnitOfWork, calendar: WorkingDayCalendar) -> dict[str, Any] | None:
    async with uow:
        run = await uow.runs.get(run_id)
        return await _view(run, uow, calendar) if run else None


async def _view(run: Run, uow: DisbursementUnitOfWork, calendar: WorkingDayCalendar) -> dict[str, Any]:
    payments = await uow.payments.of_run(run.run_id)
    today = datetime.now(SHANGHAI).date()
    made_on = run.computed_at.astimezone(SHANGHAI).date()
    late_by: int | None = 0
    if made_on > run.due_date:
        try:
            late_by = calendar.working_days_between(run.due_date, made_on)
        except CalendarNotLoaded:
            late_by = None  # late, by a count the loaded calendar cannot give
    return {
        "run_id": str(run.run_id), "run_type": run.run_type, "admdvs": run.admdvs,
        **({"business_date": run.run_key} if run.run_type == DAILY else {"period": run.run_key}),
        "status": run.status, "policy_version": run.policy_version, "computed_at": run.computed_at.isoformat(),
        "due_date": run.due_date.isoformat(), "late": made_on > run.due_date, "late_by_working_days": late_by,
        "overdue_now": today > run.due_date and any(p.status == "ordered" for p in payments),
        "records": run.summary.get("records", 0),
        "lines": [_line(p) for p in payments],
        "total": money_text(run.total), "payment_total": money_text(run.payment_total),
        "by_fund": _by_fund(payments),
    }


def _line(p: Payment) -> dict[str, Any]:
    return {
        "payment_id": str(p.payment_id), "fixmedins_code": p.fixmedins_code, "insutype": p.insutype,
        "period": p.period, "records": p.records, "amount": money_text(p.amount),
        "carried_in": money_text(p.carried_in), "payment": money_text(p.payment),
        "carried_forward": money_text(p.carried_forward), "status": p.status, "voucher_no": p.voucher_no,
        "reason": p.reason,
    }


def _by_fund(payments: list[Payment]) -> dict[str, dict[str, str]]:
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for p in payments:
        sums[p.insutype]["amount"] += p.amount
        sums[p.insutype]["payment"] += p.payment
    return {fund: {k: money_text(v) for k, v in values.items()} for fund, values in sorted(sums.items())}
