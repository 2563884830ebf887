"""What an operator does to the books: record finance's transfer (SX §4), reverse an entry (冲销), close a
month (结账). Each is idempotent: the same request again answers what the first did."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from accounting.adapters.repositories import Source
from accounting.adapters.tables import FundRequestMade, FundTransfer
from accounting.domain.entries import reversal_of
from accounting.domain.periods import booking_period, may_close, today
from accounting.domain.settlement import fund_transferred
from accounting.service.postings import source_key
from accounting.service.reports import entry_view
from accounting.service.uow import AccountingUnitOfWork


class Conflict(Exception):
    """The same key with other content (409), or an action the books do not allow now."""

    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class NotFound(LookupError):
    pass


class Refused(Exception):
    """An operator action that does not answer what it names (422): a transfer for a request never heard of."""

    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.errors = errors


def transfer_mismatches(request: FundRequestMade | None, answered: list[FundTransfer], *, admdvs: str, period: str,
                        fund: str, amount: Decimal) -> list[dict[str, str]]:
    """Why a transfer does not answer the request it names, each reason with its field; empty when it does."""
    if request is None:
        return [{"field": "request_id", "message": "no such fund request has been made (or disbursement's "
                                                   "disbursement.fund-requested has not reached the books yet)"}]
    wrong = [{"field": k, "message": f"the request is for {getattr(request, k)}"}
             for k, v in (("admdvs", admdvs), ("period", period)) if getattr(request, k) != v]
    if fund not in request.funds:
        return [*wrong, {"field": "fund", "message": f"the request asked for funds {', '.join(sorted(request.funds))}"}]
    left = Decimal(request.funds[fund]) - sum((t.amount for t in answered if t.fund == fund), Decimal("0"))
    if amount > left:
        wrong.append({"field": "amount", "message": f"the request has {left:.2f} of fund {fund} left to transfer"})
    return wrong


async def fund_request_view(uow: AccountingUnitOfWork, request_id: uuid.UUID) -> dict[str, Any] | None:
    """A fund request and what finance has transferred against it, per fund."""
    async with uow:
        request = await uow.ledger.fund_request(request_id)
        if request is None:
            return None
        answered = await uow.ledger.transfers_answering(request_id)
        transferred = {fund: sum((t.amount for t in answered if t.fund == fund), Decimal("0")) for fund in request.funds}
        return {"request_id": str(request.request_id), "admdvs": request.admdvs, "period": request.period,
                "requested_by": request.requested_by, "requested_at": request.requested_at.isoformat(),
                "funds": {fund: {"requested": asked, "transferred": f"{transferred[fund]:.2f}",
                                 "outstanding": f"{Decimal(asked) - transferred[fund]:.2f}"}
                          for fund, asked in sorted(request.funds.items())},
                "transfers": [{"reference": t.reference, "fund": t.fund, "amount": f"{t.amount:.2f}",
                               "value_date": t.value_date.isoformat()} for t in answered]}


async def record_fund_transfer(uow: AccountingUnitOfWork, *, request_id: uuid.UUID, admdvs: str, fund: str,
                               period: str, amount: Decimal, reference: str,
                               value_date: date) -> tuple[bool, dict[str, Any]]:
    """财政拨付 (SX §4): Dr 支出户存款 / Cr 财政专户存款, once per reference, answering the fund request it names:
    one the agency made (heard from ``disbursement.fund-requested``), of this region, month and fund, and not
    past what it asked for that fund with the transfers already answering it. (created, the entry)."""
    async with uow:
        first = await uow.ledger.fund_transfer(reference)
        if first is not None:
            asked = {"request_id": request_id, "admdvs": admdvs, "fund": fund, "period": period, "amount": amount,
                     "value_date": value_date}
            differ = [k for k, v in asked.items() if getattr(first, k) != v]
            if differ:
                raise Conflict(f"fund transfer {reference} was recorded with other content",
                               [{"field": k, "message": f"recorded as {getattr(first, k)}"} for k in differ])
            posted = await uow.ledger.entry(first.entry_id)
            assert posted is not None
            return False, entry_view(posted)
        request = await uow.ledger.fund_request(request_id, for_update=True)
        answered = await uow.ledger.transfers_answering(request_id) if request else []
        unmet = transfer_mismatches(request, answered, admdvs=admdvs, period=period, fund=fund, amount=amount)
        if unmet:
            raise Refused(f"fund transfer {reference} does not answer fund request {request_id}", unmet)
        closed = await uow.ledger.closed_periods()
        entry = fund_transferred(fund=fund, amount=amount, value_date=value_date,
                                 booked_in=booking_period(value_date, closed), admdvs=admdvs, request_period=period,
                                 reference=reference)
        source = Source(source_key("fund-transfer", reference), "fund-transfer", admdvs=admdvs, ref=reference)
        await uow.ledger.post_many([(entry, source)])
        await uow.ledger.add_fund_transfer({"reference": reference, "admdvs": admdvs, "fund": fund, "period": period,
                                            "amount": amount, "value_date": value_date, "entry_id": source.entry_id,
                                            "recorded_at": datetime.now(UTC), "request_id": request_id})
        posted = await uow.ledger.entry(source.entry_id)
        await uow.commit()
    assert posted is not None
    return True, entry_view(posted)


async def reverse_entry(uow: AccountingUnitOfWork, entry_id: uuid.UUID, *, reason: str,
                        reversed_by: str) -> tuple[bool, dict[str, Any]]:
    """冲销: the entry's mirror in the open period, naming it; an entry is reversed once."""
    async with uow:
        original = await uow.ledger.entry(entry_id)
        if original is None:
            raise NotFound(f"no journal entry {entry_id}")
        done = await uow.ledger.reversal_of(entry_id)
        if done is not None:
            return False, entry_view(done)
        day = today()
        mirror = reversal_of(original.entry, period=booking_period(day, await uow.ledger.closed_periods()),
                             entry_date=day, reason=reason, reference=f"#{original.seq} {original.entry.memo}")
        source = Source(source_key("reversal", entry_id), "reversal", admdvs=original.admdvs,
                        payment_id=original.payment_id, ref=f"{reversed_by}：{reason}"[:200], reverses=entry_id)
        await uow.ledger.post_many([(mirror, source)])
        months = {(leg.fixmedins_code, original.entry.fund, leg.aux_period) for leg in original.entry.legs
                  if leg.fixmedins_code is not None and leg.aux_period is not None}
        uow.touched.update((code, fund, month) for code, fund, month in months)  # type: ignore[misc]
        posted = await uow.ledger.entry(source.entry_id)
        await uow.commit()
    assert posted is not None
    return True, entry_view(posted)


async def close_period(uow: AccountingUnitOfWork, period: str, *, closed_by: str, reason: str) -> dict[str, Any]:
    """结账: an operator closes a month that is over; from then the database refuses any entry in it."""
    async with uow:
        existing = await uow.ledger.closed_period(period)
        if existing is None:
            if not may_close(period, today()):
                raise Conflict(f"{period} is not over yet", [{"field": "period", "message": "a month closes after it ends"}])
            await uow.ledger.close_period(period, closed_by=closed_by, reason=reason)
            existing = await uow.ledger.closed_period(period)
            await uow.commit()
        assert existing is not None
        # Read inside the unit of work: leaving it rolls back (a month closed before: nothing to commit),
        # which expires the row, and a detached row cannot be read again.
        return {"period": existing.period, "closed": True, "closed_at": existing.closed_at.isoformat(),
                "closed_by": existing.closed_by, "reason": existing.reason}


async def periods(uow: AccountingUnitOfWork) -> dict[str, Any]:
    async with uow:
        closed = sorted(await uow.ledger.closed_periods())
    return {"closed": closed, "current": booking_period(today(), set(closed))}

