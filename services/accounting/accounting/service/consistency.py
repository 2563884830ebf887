"""业财一致性 (N art.19, art.22): after the postings of every batch, the months it touched are checked again
(lines against orders, orders against the bank, the bank against the books, the settlement written off), and a
region's month whose result changed is published (accounting.consistency-checked). An operator explains a
difference with a reason, append-only; an explanation holds for the figures it was given for."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from accounting.adapters.repositories import Month
from accounting.adapters.tables import ConsistencyExplanation, ConsistencyItem, PaymentFact
from accounting.domain.consistency import MonthFacts, PaymentFacts, SettlementFacts, differences
from accounting.domain.periods import may_close, today
from accounting.service.uow import AccountingUnitOfWork
from shared.contracts import topics
from shared.contracts.events import ConsistencyChecked, ConsistencyDifference
from shared.money import ZERO, money_text, total


class UnknownDifference(LookupError):
    pass


async def after_postings(uow: AccountingUnitOfWork) -> None:
    touched, settling = set(uow.touched), set(uow.settling)
    uow.touched.clear()
    uow.settling.clear()
    for admdvs, period in await recheck(uow, touched):
        await publish_if_changed(uow, admdvs, period)
    await close_settled_periods(uow, settling)


async def month_facts(uow: AccountingUnitOfWork, months: set[Month]) -> list[MonthFacts]:
    payments = await uow.facts.payments_of(months)
    settlements = await uow.facts.settlements_of(months)
    lines = await uow.facts.line_sums({(p.fixmedins_code, p.insutype, p.period) for p in payments if p.batch_dates})
    booked = await uow.ledger.booked_for_payments(p.payment_id for p in payments)
    advances = await uow.ledger.advance_balances(months)
    regions: dict[Month, str] = {}
    for p in payments:
        if p.admdvs:
            regions[(p.fixmedins_code, p.insutype, p.period)] = p.admdvs
    for key, s in settlements.items():
        regions[key] = s.admdvs
    missing = months - set(regions)
    if missing:
        regions.update(await uow.facts.regions_of_lines(missing))
    by_month: dict[Month, list[PaymentFacts]] = defaultdict(list)
    for p in payments:
        key = (p.fixmedins_code, p.insutype, p.period)
        by_month[key].append(_facts(p, lines, booked.get(p.payment_id, ZERO)))
    out = []
    for key in sorted(months):
        if key not in regions:
            continue  # no word yet of the region: the next event of the month will place it
        s = settlements.get(key)
        out.append(MonthFacts(
            admdvs=regions[key], fixmedins_code=key[0], insutype=key[1], period=key[2], payments=by_month[key],
            settlement=None if s is None else SettlementFacts(s.payment_id, s.carried_forward, s.carried_into is not None),
            open_advance=advances.get(key, ZERO)))
    return out


def _facts(p: PaymentFact, lines: dict[tuple[str, str, str, Any], Decimal], booked: Decimal) -> PaymentFacts:
    line_total = None
    if p.batch_dates:
        line_total = total(lines.get((p.fixmedins_code, p.insutype, p.period, d), ZERO) for d in p.batch_dates)
    return PaymentFacts(payment_id=p.payment_id, run_type=p.run_type, amount=p.amount, payment=p.payment,
                        lines=line_total, bank_status=p.bank_status, bank_amount=p.bank_amount,
                        voucher_no=p.voucher_no, booked=booked, written_off=p.written_off or ZERO,
                        cleared=p.cleared_by is not None)


async def recheck(uow: AccountingUnitOfWork, months: set[Month]) -> set[tuple[str, str]]:
    """Check these months again; the region-months whose differences may have changed."""
    if not months:
        return set()
    facts = await month_facts(uow, months)
    found = [d for month in facts for d in differences(month)]
    await uow.checks.replace(((m.admdvs, m.fixmedins_code, m.insutype, m.period) for m in facts), found)
    return {(m.admdvs, m.period) for m in facts}


async def current(uow: AccountingUnitOfWork, admdvs: str, period: str) -> list[dict[str, Any]]:
    """The differences of a region's month standing now, each with its explanation if one holds."""
    items = await uow.checks.items(admdvs, period)
    explanations = await uow.checks.explanations(i.difference_id for i in items)
    return [_difference(i, explanations) for i in items]


def _difference(item: ConsistencyItem, explanations: list[ConsistencyExplanation]) -> dict[str, Any]:
    holding = [e for e in explanations if e.difference_id == item.difference_id
               and (e.business, e.bank, e.books) == (item.business, item.bank, item.books)]
    last = holding[-1] if holding else None
    return {"difference_id": str(item.difference_id), "fixmedins_code": item.fixmedins_code,
            "insutype": item.insutype, "kind": item.kind, "business": money_text(item.business),
            "bank": money_text(item.bank), "books": money_text(item.books), "explained": last is not None,
            "explanation": None if last is None else last.reason,
            "explained_by": None if last is None else last.explained_by, "records": item.records}


async def publish_if_changed(uow: AccountingUnitOfWork, admdvs: str, period: str) -> dict[str, Any]:
    found = await current(uow, admdvs, period)
    published = [{k: d[k] for k in ("fixmedins_code", "insutype", "kind", "business", "bank", "books", "explained",
                                     "explanation")} for d in found]
    digest = hashlib.sha256(json.dumps(published, sort_keys=True).encode()).hexdigest()
    last = await uow.checks.last(admdvs, period)
    if last is not None and last.digest == digest:
        return _check_view(admdvs, period, found, last.checked_at)
    now = datetime.now(UTC)
    await uow.checks.save({"admdvs": admdvs, "period": period, "agreed": not found, "digest": digest,
                           "differences": published, "checked_at": now})
    uow.outbox.add(topics.CONSISTENCY_CHECKED, ConsistencyChecked(
        admdvs=admdvs, period=period, agreed=not found,
        differences=[ConsistencyDifference(**{**d, "business": Decimal(d["business"]), "bank": Decimal(d["bank"]),
                                              "books": Decimal(d["books"])}) for d in published],
        checked_at=now), key=admdvs)
    return _check_view(admdvs, period, found, now)


def _check_view(admdvs: str, period: str, found: list[dict[str, Any]], checked_at: datetime) -> dict[str, Any]:
    return {"admdvs": admdvs, "period": period, "agreed": not found,
            "unexplained": sum(1 for d in found if not d["explained"]), "differences": found,
            "checked_at": checked_at.isoformat()}


async def consistency(uow: AccountingUnitOfWork, *, period: str, admdvs: str | None) -> dict[str, Any]:
    """GET /v1/consistency: per region, agreed, or each difference with the records that explain it."""
    async with uow:
        regions = []
        for check in await uow.checks.checks_of(period, admdvs):
            regions.append(_check_view(check.admdvs, period, await current(uow, check.admdvs, period),
                                       check.checked_at))
    return {"period": period, "agreed": all(r["agreed"] for r in regions),
            "unexplained": sum(r["unexplained"] for r in regions), "regions": regions}


async def explain(uow: AccountingUnitOfWork, difference_id: uuid.UUID, *, reason: str,
                  explained_by: str) -> dict[str, Any]:
    """An operator's reason for a difference as it stands (N art.22); the check is published again."""
    async with uow:
        item = await uow.checks.item(difference_id)
        if item is None:
            raise UnknownDifference(f"no difference {difference_id} stands now")
        await uow.checks.explain({
            "explanation_id": uuid.uuid4(), "difference_id": difference_id, "admdvs": item.admdvs,
            "period": item.period, "fixmedins_code": item.fixmedins_code, "insutype": item.insutype,
            "kind": item.kind, "business": item.business, "bank": item.bank, "books": item.books, "reason": reason,
            "explained_by": explained_by, "explained_at": datetime.now(UTC)})
        view = await publish_if_changed(uow, item.admdvs, item.period)
        await uow.commit()
    return view


async def close_settled_periods(uow: AccountingUnitOfWork, periods: set[str]) -> None:
    """A month closes once its settlement is paid (N art.19): every institution and fund paid for it is
    settled and every settlement's net confirmed by the bank, and the month is over."""
    closed = await uow.ledger.closed_periods()
    for period in sorted(periods - closed - uow.ledger.posted_periods):
        if may_close(period, today()) and not await uow.facts.unsettled_or_unpaid(period):
            await uow.ledger.close_period(period, closed_by="system", reason=f"{period} 月结算已拨付")
