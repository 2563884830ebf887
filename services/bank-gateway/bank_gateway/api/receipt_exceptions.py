"""The receipts an operator must look at (回单异常): a receipt for a voucher we never issued, one that
contradicts the bank's earlier answer, one for another amount or account, or one that cannot be read.
Each changed nothing; none is ever dropped."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from bank_gateway.api.deps import UowDep, operator
from shared.contracts.codes import BIGINT_MAX

router = APIRouter(prefix="/v1/receipt-exceptions", tags=["receipts"], dependencies=[Depends(operator)])


@router.get("")
async def receipt_exceptions(uow: UowDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                             before_id: Annotated[int | None, Query(ge=1, le=BIGINT_MAX)] = None) -> dict[str, Any]:
    """Newest first; page with ``before_id`` (the last ``id`` seen)."""
    async with uow:
        rows = await uow.receipts.exceptions(limit=limit, before_id=before_id)
        return {"count": len(rows), "exceptions": [{
            "id": r.id, "voucher_no": r.voucher_no, "outcome": r.outcome, "detail": r.detail, "status": r.status,
            "source": r.source, "received_at": r.received_at.isoformat(), "amount": r.body.get("amount"),
            "bank_ref": r.body.get("bank_ref"), "receipt": r.body,
        } for r in rows]}
