"""What an institution does after uploading: cancel a settlement (结算撤销, N art.10), declare a month
(申报, N art.12), reconcile its totals with ours (对账, N art.11)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from claims.adapters.tables import Declaration
from claims.domain.institution import Institution
from claims.domain.periods import Scope, declaration_deadline, month_bounds, scope_bounds
from claims.domain.reconciliation import Theirs, record_differences, total_differences
from claims.service.uow import ClaimsUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import DeclarationSubmitted, SettlementReversed
from shared.money import money_text

#: Where a region has not published its policy yet, declarations are due on the 10th (the packs' default).
DEFAULT_DEADLINE_DAY = 10


#: How far ahead of our clock an institution's clock may be before its "when" is refused as the future.
CLOCK_SKEW = timedelta(minutes=5)


class NotFound(LookupError):
    pass


class Refused(ValueError):
    """A request that cannot be right whatever is stored (its message says why)."""


class NotEnded(Refused):
    """A month is declared after it ends."""


class Conflict(Exception):
    def __init__(self, message: str, first: dict[str, Any]) -> None:
        super().__init__(message)
        self.first = first


async def reverse_settlement(institution: Institution, setl_id: str, reason: str, reversed_at: datetime | None,
                             uow: ClaimsUnitOfWork) -> dict[str, Any]:
    """Cancel a settlement: the record stays, a reversal is added and published once; asking again answers
    with the first reversal."""
    now = datetime.now(UTC)
    async with uow:
        settlement = await uow.settlements.get(institution.fixmedins_code, setl_id)
        if settlement is None:
            raise NotFound(setl_id)
        when = reversed_at or now
        if when > now + CLOCK_SKEW:
            raise Refused(f"reversed_at {when.isoformat()} is in the future")
        if when < settlement.setl_time:
            raise Refused(f"reversed_at {when.isoformat()} is before the settlement ({settlement.setl_time.isoformat()})")
        first = await uow.reversals.add(institution.fixmedins_code, setl_id, reason, when, now)
        if first:
            uow.outbox.add(topics.SETTLEMENT_REVERSED, SettlementReversed(
                fixmedins_code=institution.fixmedins_code, admdvs=institution.admdvs, setl_id=setl_id,
                insutype=settlement.insutype, med_type=settlement.med_type, business_date=settlement.business_date,
                fund_pay_sumamt=settlement.fund_pay_sumamt, reason=reason, reversed_at=when), key=institution.fixmedins_code)
        reversal = await uow.reversals.get(institution.fixmedins_code, setl_id)
        assert reversal is not None
        view = {"setl_id": setl_id, "status": "reversed" if first else "replayed", "reason": reversal.reason,
                "reversed_at": reversal.reversed_at.isoformat(), "recorded_at": reversal.recorded_at.isoformat()}
        await uow.commit()
    return view


@dataclass(frozen=True)
class Declared:
    status: str  # "accepted" | "late" | "replayed"
    view: dict[str, Any]


async def declare(institution: Institution, period: str, totals: dict[str, dict[str, Any]],
                  uow: ClaimsUnitOfWork) -> Declared:
    """A month's declaration: accepted, or accepted late (with its deadline said), or the first one again;
    another declaration of the same month with other totals is a conflict. The answer compares the totals
    with what we recorded."""
    now = datetime.now(UTC)
    content = json.dumps(totals, sort_keys=True, default=str)
    start, end = month_bounds(period)
    if now.astimezone(SHANGHAI).date() <= end:
        raise NotEnded(f"{period} ends on {end}; it can be declared from the day after")
    async with uow:
        deadline = await _deadline(uow, institution, period)
        declaration = Declaration(
            declaration_id=uuid.uuid4(), fixmedins_code=institution.fixmedins_code, period=period,
            totals=json.loads(content), fingerprint=hashlib.sha256(content.encode()).hexdigest(),
            declared_at=now, deadline=deadline, late=now.astimezone(SHANGHAI).date() > deadline)
        if not await uow.declarations.add(declaration):
            first = await uow.declarations.get(institution.fixmedins_code, period)
            assert first is not None
            if first.fingerprint != declaration.fingerprint:
                raise Conflict(f"{period} was declared on {first.declared_at:%Y-%m-%d} with other totals",
                               _declaration_view(first, {}))
            ours = await uow.totals.by_fund(institution.fixmedins_code, start, end)
            return Declared("replayed", _declaration_view(first, _compare(ours, totals)))
        uow.outbox.add(topics.DECLARATION_SUBMITTED, DeclarationSubmitted(
            declaration_id=declaration.declaration_id, fixmedins_code=institution.fixmedins_code,
            admdvs=institution.admdvs, period=period, totals=declaration.totals, declared_at=now, deadline=deadline,
            late=declaration.late), key=institution.fixmedins_code)
        ours = await uow.totals.by_fund(institution.fixmedins_code, start, end)
        view = _declaration_view(declaration, _compare(ours, totals))
        await uow.commit()
    return Declared("late" if declaration.late else "accepted", view)


async def declaration(institution: Institution, period: str, uow: ClaimsUnitOfWork) -> dict[str, Any]:
    """A month's declaration as made, compared with what we recorded now; or, before it is made, its
    deadline."""
    start, end = month_bounds(period)
    async with uow:
        declared = await uow.declarations.get(institution.fixmedins_code, period)
        if declared is None:
            deadline = await _deadline(uow, institution, period)
            return {"period": period, "declared": False, "deadline": deadline.isoformat()}
        ours = await uow.totals.by_fund(institution.fixmedins_code, start, end)
        return {"declared": True, **_declaration_view(declared, _compare(ours, declared.totals))}


async def _deadline(uow: ClaimsUnitOfWork, institution: Institution, period: str) -> date:
    start, _ = month_bounds(period)
    day = await uow.declarations.deadline_day(institution.admdvs, start) or DEFAULT_DEADLINE_DAY
    return declaration_deadline(period, day)


def _declaration_view(declaration: Declaration, comparison: dict[str, Any]) -> dict[str, Any]:
    return {"declaration_id": str(declaration.declaration_id), "period": declaration.period,
            "declared_at": declaration.declared_at.isoformat(), "deadline": declaration.deadline.isoformat(),
            "late": declaration.late, "totals": declaration.totals, **comparison}


def _compare(ours: dict[str, dict[str, Any]], totals: dict[str, dict[str, Any]]) -> dict[str, Any]:
    differences = total_differences(ours, _as_totals(totals))
    return {"agreed": not differences, "differences": differences}


def _as_totals(totals: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {fund: {"records": int(t["records"]), "medfee_sumamt": Decimal(str(t["medfee_sumamt"])),
                   "fund_pay_sumamt": Decimal(str(t["fund_pay_sumamt"]))} for fund, t in totals.items()}


async def reconcile(institution: Institution, scope: Scope, day: date, totals: dict[str, dict[str, Any]],
                    records: list[Theirs] | None, uow: ClaimsUnitOfWork) -> dict[str, Any]:
    """对账 (N art.11, JL art.12): agreed, or each difference — totals per fund, and, when the institution
    sent its records, record by record."""
    start, end = scope_bounds(scope, day)
    async with uow:
        ours = await uow.totals.by_fund(institution.fixmedins_code, start, end)
        differences = total_differences(ours, _as_totals(totals))
        by_record = []
        if records is not None:
            code = institution.fixmedins_code
            by_record = record_differences(await uow.totals.records(code, start, end), records,
                                           await uow.totals.reversed(code, start, end))
    return {"scope": scope, "from": start.isoformat(), "to": end.isoformat(),
            "agreed": not differences and not by_record, "totals": _shown(ours), "differences": differences,
            "records": by_record}


def _shown(totals: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {fund: {"records": t["records"], "medfee_sumamt": money_text(t["medfee_sumamt"]),
                   "fund_pay_sumamt": money_text(t["fund_pay_sumamt"])} for fund, t in sorted(totals.items())}



