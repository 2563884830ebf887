"""Special cases (特例单议) and the annual clearing (年度清算)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from disbursement.adapters.tables import Run, SpecialCase, SpecialCasePrepayment
from disbursement.domain.daily import carry_value
from disbursement.domain.errors import Conflict, NotFound, Refused, RunNotReady, SettlementNotReady
from disbursement.domain.ids import payment_id
from disbursement.domain.special import (
    ClearingFigures,
    case_prepayment,
    case_remainder,
    review_period_end,
    special_cases_due,
)
from disbursement.domain.versions import policy_in_force
from disbursement.service.runs.common import (
    carry_in,
    existing_or_policy,
    new_run,
    payment_rows,
    record_carries,
    summarize,
)
from disbursement.service.runs.view import run_view_of
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.money import ZERO, money_text

SPECIAL = "special-cases"
CLEARING = "annual-clearing"


async def submit_special_case(uow: DisbursementUnitOfWork, *, admdvs: str, fixmedins_code: str, insutype: str,
                              review_period: str, claimed: Decimal, description: str) -> dict[str, Any]:
    """A case put to the expert panel (特例单议), pending until decided, with the region's clearing rule of the
    review period (N art.16, JL art.16)."""
    async with uow:
        day = review_period_end(review_period)
        in_force = policy_in_force((await uow.policies.versions([admdvs])).get(admdvs, []), day)
        if in_force is None:
            raise RunNotReady(f"region {admdvs} has no policy in force on {day}")
        rule = in_force.policy.special_cases
        if (rule.review == "quarterly") != ("Q" in review_period):
            raise Refused(f"region {admdvs} reviews special cases {rule.review}; {review_period} is not such a period",
                          errors=[{"field": "review_period", "message": f"a {rule.review} review period"}])
        closed = await _closed_by(uow, admdvs, review_period, rule.clearing)
        if closed is not None:
            raise Refused(f"the {closed.run_type} run of {closed.run_key} (run {closed.run_id}) is made already: a case "
                          f"of {review_period} claimed now would never be paid; claim it for a later period",
                          errors=[{"field": "review_period", "message": f"{closed.run_type} {closed.run_key} is made"}])
        case = SpecialCase(case_id=uuid.uuid4(), admdvs=admdvs, fixmedins_code=fixmedins_code, insutype=insutype,
                           review_period=review_period, claimed=claimed, status="pending", description=description,
                           clearing=rule.clearing, prepay_share=rule.prepay_share, created_at=datetime.now(UTC))
        uow.special_cases.add(case)
        await uow.session.flush()
        view = case_view(case, [])
        await uow.commit()
    return view


async def _closed_by(uow: DisbursementUnitOfWork, admdvs: str, review_period: str, clearing: str) -> Run | None:
    """The run after which a new case of the period would be left out: the period's supplement where cases are
    settled on approval (it takes the period's cases once), the year's clearing where they clear at year end."""
    if clearing == "on_approval":
        return await uow.runs.find(SPECIAL, admdvs, review_period)
    return await uow.runs.find(CLEARING, admdvs, review_period[:4])


async def decide_special_case(uow: DisbursementUnitOfWork, case_id: uuid.UUID, *, decision: str,
                              approved: Decimal | None, reason: str | None, decided_by: str) -> dict[str, Any]:
    """The panel's decision (根据评议结果): approved at an amount, or rejected with a reason; the same decision
    again returns the case, another one is refused."""
    async with uow:
        case = await uow.special_cases.get(case_id, for_update=True)
        if case is None:
            raise NotFound(f"special case {case_id}")
        status = "approved" if decision == "approve" else "rejected"
        if case.status != "pending":
            if (case.status, case.approved) != (status, approved if status == "approved" else None):
                raise Conflict(f"special case {case_id} was already {case.status} by {case.decided_by}",
                               errors=[{"field": "decision", "message": f"already {case.status}"}])
        else:
            case.status, case.approved, case.decision_reason = status, approved, reason
            case.decided_by, case.decided_at = decided_by, datetime.now(UTC)
        view = case_view(case, await uow.special_cases.prepayments_of(case_id))
        await uow.commit()
    return view


async def special_case_view(uow: DisbursementUnitOfWork, case_id: uuid.UUID) -> dict[str, Any] | None:
    async with uow:
        case = await uow.special_cases.get(case_id)
        return case_view(case, await uow.special_cases.prepayments_of(case_id)) if case else None


async def special_cases_listing(uow: DisbursementUnitOfWork, **filters: Any) -> list[dict[str, Any]]:
    async with uow:
        cases = await uow.special_cases.listing(**filters)
        return [case_view(c, await uow.special_cases.prepayments_of(c.case_id)) for c in cases]


def refuse_while_pending(cases: list[SpecialCase], waiting_for: str) -> None:
    """A run that would pay or clear these cases waits (409) while one is still before the panel, naming each."""
    pending = [c for c in cases if c.status == "pending"]
    if pending:
        raise SettlementNotReady(f"{len(pending)} {waiting_for}", errors=[
            {"field": f"case/{c.case_id}",
             "message": f"{c.fixmedins_code} {c.review_period} claimed {money_text(c.claimed)}, pending"}
            for c in pending])


def case_view(case: SpecialCase, prepayments: list[SpecialCasePrepayment]) -> dict[str, Any]:
    return {"case_id": str(case.case_id), "admdvs": case.admdvs, "fixmedins_code": case.fixmedins_code,
            "insutype": case.insutype, "review_period": case.review_period, "claimed": money_text(case.claimed),
            "status": case.status, "approved": money_text(case.approved) if case.approved is not None else None,
            "decided_by": case.decided_by, "decided_at": case.decided_at.isoformat() if case.decided_at else None,
            "reason": case.decision_reason, "description": case.description, "clearing": case.clearing,
            "prepay_share": str(case.prepay_share), "paid_before_clearing": money_text(case.paid_now or ZERO),
            "prepayments": [{"period": p.period, "amount": money_text(p.amount), "run_id": str(p.run_id)}
                            for p in prepayments],
            "cleared_run_id": str(case.cleared_run_id) if case.cleared_run_id else None}


async def special_cases_run(admdvs: str, review_period: str, uow: DisbursementUnitOfWork,
                            calendar: WorkingDayCalendar, *, prepared_by: str | None = None) -> dict[str, Any]:
    """The review period's supplement: each decided case settled on approval, in full; where cases clear at year
    end, this month's prepaid share of each one still open (N art.16). A case settled on approval and still
    before the panel holds the run back: made without it, it would never be paid."""
    day = review_period_end(review_period)
    async with uow:
        found = await existing_or_policy(uow, SPECIAL, admdvs, review_period, day, path=None)
        if isinstance(found, Run):
            return await run_view_of(found, uow, calendar)
        on_approval = await uow.special_cases.unpaid(admdvs, review_period)
        refuse_while_pending(on_approval, f"special case(s) of {review_period} await the panel's decision "
                                          "(POST /v1/special-cases/{case_id}/decision)")
        due = special_cases_due(review_period, found.policy.special_cases, found.policy.settlement, calendar)
        run = new_run(SPECIAL, admdvs, review_period, found.version, due, "computed", [], [], {}, prepared_by)
        period = f"{day:%Y-%m}"
        amounts = []
        # What decided cases cost now, per line: expenditure in the books; the prepaid shares stay an advance.
        settled: dict[tuple[str, str, str], Decimal] = defaultdict(lambda: ZERO)
        for case in on_approval:
            case.run_id = run.run_id
            if case.status == "approved":
                case.paid_now = case.approved
                amounts.append(((case.fixmedins_code, case.insutype, period), case.approved))
                settled[(case.fixmedins_code, case.insutype, period)] += case.approved or ZERO
        prepaid = await _prepay_year_end_cases(uow, admdvs, review_period, run.run_id,
                                               found.policy.special_cases.prepay_cadence)
        amounts += [((c.fixmedins_code, c.insutype, period), amount) for c, amount in prepaid]
        cases = on_approval + [c for c, _ in prepaid]
        carried = await carry_in(uow, admdvs, {c.fixmedins_code for c in cases})
        summary = summarize(amounts, carried)
        details = {key: {"special_cases_settled": money_text(amount)} for key, amount in settled.items()}
        await uow.payments.add(payment_rows(run.run_id, SPECIAL, admdvs, summary, status="computed", now=run.computed_at,
                                            details=details))
        await record_carries(uow, run.run_id, carried)
        run.total = sum((s.amount for s in summary), ZERO)
        run.payment_total = sum((s.payment for s in summary), ZERO)
        run.summary = {"cases": len(cases), "approved": money_text(sum((c.approved or ZERO for c in on_approval), ZERO)),
                       "prepaid": money_text(sum((a for _, a in prepaid), ZERO))}
        uow.runs.add(run)
        await uow.session.flush()
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view


async def _prepay_year_end_cases(uow: DisbursementUnitOfWork, admdvs: str, review_period: str, run_id: uuid.UUID,
                                 cadence: str) -> list[tuple[SpecialCase, Decimal]]:
    """This month's share of every case cleared at year end and still open, once per case and month (or once
    per case where the region prepays once), recorded so that no month prepays a case twice."""
    if "Q" in review_period:
        return []  # year-end clearing is reviewed monthly (the policy refuses it with a quarterly review)
    cases = await uow.special_cases.open_to_prepay(admdvs, review_period)
    already = await uow.special_cases.prepaid_periods([c.case_id for c in cases])
    out, rows = [], []
    for case in cases:
        done = already.get(case.case_id, set())
        if review_period in done or (cadence == "once" and done):
            continue
        base = case.approved if case.status == "approved" and case.approved is not None else case.claimed
        amount = case_prepayment(base, case.prepay_share, case.paid_now or ZERO)
        if amount > 0:
            case.paid_now = (case.paid_now or ZERO) + amount
            rows.append({"case_id": case.case_id, "period": review_period, "amount": amount, "run_id": run_id})
            out.append((case, amount))
    await uow.special_cases.add_prepayments(rows)
    return out


async def annual_clearing_run(admdvs: str, year: int, uow: DisbursementUnitOfWork,
                              calendar: WorkingDayCalendar, *, prepared_by: str | None = None) -> dict[str, Any]:
    """年度清算 (N art.17, SX §3): the year's months are netted already; what is cleared now is what was held
    back — the quality deposits reserved — the special cases left to year end, the annual assessment's
    adjustment, and any negative net still carried."""
    december = f"{year}-12"
    async with uow:
        found = await existing_or_policy(uow, CLEARING, admdvs, str(year), date(year, 12, 31), path=None)
        if isinstance(found, Run):
            return await run_view_of(found, uow, calendar)
        if await uow.runs.find("monthly-settlement", admdvs, december) is None:
            raise RunNotReady(f"{december} is not settled in region {admdvs}; the year clears after its last month")
        run = new_run(CLEARING, admdvs, str(year), found.version,
                      calendar.add_working_days(date(year + 1, 1, 1), found.policy.settlement.total_working_days),
                      "computed", [], [], {}, prepared_by)
        deposits: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        # By the month whose settlement reserved it: what the books release, month by month (N art.19).
        deposits_by_month: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for p in await uow.payments.of_year(admdvs, "monthly-settlement", year):
            reserved = Decimal(p.details.get("deposit_reserved", "0"))
            deposits[(p.fixmedins_code, p.insutype)] += reserved
            deposits_by_month[(p.fixmedins_code, p.insutype)][p.period] += reserved
        remainders: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        cost: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        prepaid: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        to_clear = await uow.special_cases.to_clear(admdvs, year)
        refuse_while_pending(to_clear, f"special case(s) of {year} cleared at year end await the panel's decision; "
                                       "the year clears once each is decided (N art.16)")
        shares = await uow.special_cases.prepayments_of_cases([c.case_id for c in to_clear])
        for case in to_clear:
            key = (case.fixmedins_code, case.insutype)
            remainders[key] += case_remainder(case.status, case.approved, case.paid_now or ZERO)
            cost[key] += case_remainder(case.status, case.approved, ZERO)
            for share in shares.get(case.case_id, []):
                prepaid[key][share.period] += share.amount
            case.cleared_run_id = run.run_id
        assessments = await uow.assessments.of_year(admdvs, year)
        carried = await carry_in(uow, admdvs, None, settlement=True)
        carried_in: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        carried_from: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for p in carried.payments:
            value = carry_value(p.status, p.payment, p.carried_forward)
            carried_in[(p.fixmedins_code, p.insutype)] += value
            carried_from[(p.fixmedins_code, p.insutype)][p.period] += value
        rows = []
        for key in sorted(set(deposits) | set(remainders) | set(assessments) | set(carried_in)):
            assessment = assessments[key].adjustment if key in assessments else ZERO
            figures = ClearingFigures(deposits[key], remainders[key], assessment, carried_in[key])
            rows.append({
                "payment_id": payment_id(run.run_id, key[0], key[1], december), "run_id": run.run_id,
                "run_type": CLEARING, "admdvs": admdvs, "fixmedins_code": key[0], "insutype": key[1],
                "period": december, "records": 0, "amount": figures.net - figures.carried_in,
                "carried_in": figures.carried_in, "payment": figures.payment, "carried_forward": figures.carried_forward,
                "status": "computed" if figures.payment > 0 else "nothing", "ordered_at": run.computed_at,
                "details": {"deposits_released": money_text(figures.deposits_released),
                            "special_remainders": money_text(figures.special_remainders),
                            "assessment": money_text(figures.assessment),
                            # what the books need to clear it month by month (N art.17, art.19)
                            "deposits_by_month": _texts(deposits_by_month.get(key, {})),
                            "special_cases_cost": money_text(cost[key]),
                            "special_prepaid_by_month": _texts(prepaid.get(key, {})),
                            "carried_from": _texts(carried_from.get(key, {}))},
            })
        await uow.payments.add(rows)
        await uow.payments.mark_carried({p.payment_id: payment_id(run.run_id, p.fixmedins_code, p.insutype, december)
                                         for p in carried.payments})
        run.total = sum((r["amount"] for r in rows), ZERO)
        run.payment_total = sum((r["payment"] for r in rows), ZERO)
        run.summary = {"year": year, "institutions": len({r["fixmedins_code"] for r in rows})}
        uow.runs.add(run)
        await uow.session.flush()
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view


def _texts(by_month: dict[str, Decimal]) -> dict[str, str]:
    return {month: money_text(amount) for month, amount in sorted(by_month.items()) if amount}
