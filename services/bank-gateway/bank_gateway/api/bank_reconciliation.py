"""Bank reconciliation (银行对账, N art.22): per value date, agreed or each difference."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from bank_gateway.adapters.bank_link import BankUnavailable
from bank_gateway.api.deps import BankLinkDep, UowFactoryDep, bank_unavailable, operator
from bank_gateway.service.reconciliation import reconcile_with_bank
from shared.money import money_text

router = APIRouter(prefix="/v1/bank-reconciliation", tags=["reconciliation"], dependencies=[Depends(operator)])


@router.get("")
async def bank_reconciliation(value_date: Annotated[date, Query()], uow_factory: UowFactoryDep,
                              link: BankLinkDep) -> dict[str, Any]:
    """Our vouchers paid on ``value_date`` against the bank's list for that date: ``agreed``, or each
    difference (paid by the bank and unknown to us, ours and not paid, amounts that differ, ...)."""
    try:
        result = await reconcile_with_bank(value_date, uow_factory, link)
    except BankUnavailable as exc:
        raise bank_unavailable(exc) from None
    return {
        "value_date": value_date.isoformat(),
        "status": "agreed" if not result.differences else "differences",
        "ours": {"count": result.ours_count, "total": money_text(result.ours_total)},
        "bank": {"count": result.bank_count, "total": money_text(result.bank_total)},
        "differences": [{
            "kind": d.kind, "voucher_no": d.voucher_no, "detail": d.detail,
            "ours": None if d.ours is None else money_text(d.ours),
            "bank": None if d.bank is None else money_text(d.bank),
        } for d in result.differences],
    }
