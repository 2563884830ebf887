"""Per-record disbursement lines (逐笔拨付明细): which settlements are paid daily, and how much."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from disbursement.domain.policy import AuditMode
from shared.money import ZERO, to_fen

AuditStatus = Literal["pass", "suspicious", "violation"]


def disbursement_line(fund_pay_sumamt: Decimal, ratio: Decimal) -> Decimal:
    """日拨付 (JL art.11): the record's fund payment × ratio, rounded half-up to the fen, record by record,
    so the day's batch is the sum of already-rounded lines."""
    return to_fen(fund_pay_sumamt * ratio)


def payable_base(audit_mode: AuditMode, audit_status: AuditStatus | None, fund_pay_sumamt: Decimal,
                 vola_amt: Decimal) -> Decimal | None:
    """What of a record the daily disbursement may pay now, by the region's audit mode (N art.13), or None
    while it must wait.

    - 先拨后审 pay_first: everything, as soon as it is recorded; violations are deducted in the month.
    - 拨审分离 parallel: as soon as recorded too, but a violation the audit has already found is not paid.
    - 即审即拨 audit_first: only once audited: a pass in full, a violation without its violating amount;
      a suspicious record waits for manual review.
    """
    if audit_mode == "pay_first":
        return fund_pay_sumamt
    if audit_mode == "parallel":
        if audit_status == "violation":
            return max(fund_pay_sumamt - vola_amt, ZERO)
        return fund_pay_sumamt
    if audit_status == "pass":
        return fund_pay_sumamt
    if audit_status == "violation":
        return max(fund_pay_sumamt - vola_amt, ZERO)
    return None


@dataclass(frozen=True)
class RatioCap:
    """A lowered disbursement ratio for one institution (风险预警处置, N art.20-21): settlements of
    ``effective_from`` on are paid at no more than ``ratio`` daily; the monthly settlement still squares the
    month to what is owed (JL art.13), so the cap delays money, it never takes it."""

    effective_from: date
    ratio: Decimal
    taken_at: datetime


def capped_ratio(ratio: Decimal, caps: list[RatioCap], business_date: date) -> Decimal:
    """The policy's ratio, or the latest cap in force on the settlement's date if that is lower: a later
    measure replaces an earlier one, and no measure raises the ratio above the region's policy."""
    in_force = [c for c in caps if c.effective_from <= business_date]
    if not in_force:
        return ratio
    latest = max(in_force, key=lambda c: (c.effective_from, c.taken_at))
    return min(ratio, latest.ratio)
