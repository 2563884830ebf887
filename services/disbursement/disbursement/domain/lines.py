"""Per-record disbursement lines (逐笔拨付明细): which settlements are paid daily, and how much."""

from __future__ import annotations

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
