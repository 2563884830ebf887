"""The books as an operator reads them: the trial balance (科目余额表), the journal (序时账), the general
ledger of an account (总账/明细账) and the sub-ledger of 暂付款—即时结算预拨 per institution × month."""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from accounting.adapters.repositories import Posted
from accounting.domain.chart import ADVANCE, chart
from accounting.service.uow import AccountingUnitOfWork
from shared.money import ZERO, money_text


def _balance(code: str, debit: Decimal, credit: Decimal) -> Decimal:
    account = chart()[code]
    return debit - credit if account.normal_side == "D" else credit - debit


async def trial_balance(uow: AccountingUnitOfWork, *, period: str | None, fund: str | None) -> dict[str, Any]:
    """Per fund, each account's debits, credits and balance up to and including ``period`` (all when absent);
    for a period also its opening balance and the period's own debits and credits. Debits = credits."""
    async with uow:
        rows = await uow.ledger.balances(period=period, fund=fund)
        moved = await uow.ledger.movements(period=period, fund=fund) if period is not None else {}
    accounts = chart()
    funds: dict[str, list[dict[str, str]]] = defaultdict(list)
    debits, credits = ZERO, ZERO
    for code, row_fund, debit, credit in rows:
        debit, credit = Decimal(debit), Decimal(credit)
        row = {"account": code, "name": accounts[code].name, "debit": money_text(debit),
               "credit": money_text(credit), "balance": money_text(_balance(code, debit, credit)),
               "normal_side": accounts[code].normal_side}
        if period is not None:
            in_debit, in_credit = moved.get((code, row_fund), (ZERO, ZERO))
            row |= {"opening": money_text(_balance(code, debit - in_debit, credit - in_credit)),
                    "period_debit": money_text(in_debit), "period_credit": money_text(in_credit)}
        funds[row_fund].append(row)
        debits += debit
        credits += credit
    per_fund = {f: {"total_debit": money_text(sum((Decimal(r["debit"]) for r in rs), ZERO)),
                    "total_credit": money_text(sum((Decimal(r["credit"]) for r in rs), ZERO))} for f, rs in funds.items()}
    return {"period": period, "fund": fund, "funds": dict(funds), "fund_totals": per_fund,
            "total_debit": money_text(debits), "total_credit": money_text(credits), "balanced": debits == credits
            and all(t["total_debit"] == t["total_credit"] for t in per_fund.values())}


def entry_view(posted: Posted) -> dict[str, Any]:
    e = posted.entry
    return {"entry_id": str(posted.entry_id), "seq": posted.seq, "fund": e.fund, "period": e.period,
            "entry_date": e.entry_date.isoformat(), "memo": e.memo, "source_type": posted.source_type,
            "source_ref": posted.source_ref, "admdvs": posted.admdvs,
            "payment_id": None if posted.payment_id is None else str(posted.payment_id),
            "reverses": None if posted.reverses is None else str(posted.reverses),
            "posted_at": posted.posted_at.isoformat(),
            "legs": [{"account": leg.account, "name": chart()[leg.account].name, "side": leg.side,
                      "amount": money_text(leg.amount), "fixmedins_code": leg.fixmedins_code,
                      "aux_period": leg.aux_period} for leg in e.legs]}


async def journal(uow: AccountingUnitOfWork, *, period: str | None, fund: str | None, account: str | None,
                  fixmedins_code: str | None, cursor: int | None, limit: int) -> dict[str, Any]:
    async with uow:
        entries = await uow.ledger.journal(period=period, fund=fund, account=account, fixmedins_code=fixmedins_code,
                                           after=cursor, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    return {"count": len(entries), "entries": [entry_view(e) for e in entries],
            "next_cursor": str(entries[-1].seq) if more and entries else None}


async def entry(uow: AccountingUnitOfWork, entry_id: uuid.UUID) -> dict[str, Any] | None:
    async with uow:
        posted = await uow.ledger.entry(entry_id)
        reversal = await uow.ledger.reversal_of(entry_id) if posted is not None else None
    if posted is None:
        return None
    return entry_view(posted) | {"reversed_by": None if reversal is None else str(reversal.entry_id)}


async def general_ledger(uow: AccountingUnitOfWork, account: str, *, period: str | None, fund: str | None,
                         fixmedins_code: str | None) -> dict[str, Any]:
    """An account (with its details) leg by leg with the running balance, on its normal side."""
    async with uow:
        opening, lines = await uow.ledger.ledger_lines(account=account, period=period, fund=fund,
                                                       fixmedins_code=fixmedins_code)
    sign = 1 if chart()[account].normal_side == "D" else -1
    running = opening * sign
    debits = credits = ZERO
    rows = []
    for line in lines:
        debit = line["amount"] if line["side"] == "D" else ZERO
        credit = line["amount"] if line["side"] == "C" else ZERO
        debits, credits = debits + debit, credits + credit
        running += (debit - credit) * sign
        rows.append({"seq": line["seq"], "entry_id": str(line["entry_id"]),
                     "entry_date": line["entry_date"].isoformat(), "period": line["period"], "fund": line["fund"],
                     "account": line["account"], "memo": line["memo"], "source_type": line["source_type"],
                     "fixmedins_code": line["fixmedins_code"], "aux_period": line["aux_period"],
                     "debit": money_text(debit), "credit": money_text(credit), "balance": money_text(running)})
    return {"account": account, "name": chart()[account].name, "normal_side": chart()[account].normal_side,
            "period": period, "fund": fund, "fixmedins_code": fixmedins_code,
            "opening": money_text(opening * sign), "debit": money_text(debits), "credit": money_text(credits),
            "closing": money_text(running), "lines": rows}


async def advances(uow: AccountingUnitOfWork, *, fund: str | None, fixmedins_code: str | None,
                   period: str | None) -> dict[str, Any]:
    """The fund's key control (SX §5, ZJ §5): per institution × month what was advanced, what the settlement
    wrote off, what carries and reversals moved, and what is open; the rows sum to 暂付款—即时结算预拨."""
    async with uow:
        rows = await uow.ledger.advance_sub_ledger(fund=fund, fixmedins_code=fixmedins_code, period=period)
        control = {f: await uow.ledger.account_balance(ADVANCE, f) for f in sorted({r["fund"] for r in rows} |
                                                                                  ({fund} if fund else set()))}
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        sums[r["fund"]] += r["open"]
    filtered = fixmedins_code is not None or period is not None
    return {
        "account": ADVANCE, "name": chart()[ADVANCE].name, "fund": fund, "fixmedins_code": fixmedins_code,
        "period": period,
        "rows": [{"fund": r["fund"], "fixmedins_code": r["fixmedins_code"], "period": r["period"],
                  "advanced": money_text(r["advanced"]), "written_off": money_text(r["written_off"]),
                  "other": money_text(r["other"]), "open": money_text(r["open"])} for r in rows],
        "control": {f: {"account_balance": money_text(balance), "sub_ledger_open": money_text(sums[f]),
                        "agrees": filtered or balance == sums[f]} for f, balance in control.items()},
    }
