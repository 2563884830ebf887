"""FHIR R4 export of the vouchers: a ``PaymentReconciliation`` per voucher, one or a searchset Bundle."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from bank_gateway.api.deps import UowDep, operator
from bank_gateway.service.payment_reconciliation import payment_reconciliation
from shared.contracts.codes import VoucherNo
from shared.fhir import FHIR_JSON, fhir_response, searchset
from shared.problems import not_found

router = APIRouter(prefix="/v1/fhir/PaymentReconciliation", tags=["fhir"], dependencies=[Depends(operator)])
_FHIR = {200: {"content": {FHIR_JSON: {}}}}


@router.get("", response_class=Response, responses=_FHIR)
async def reconciliations(request: Request, uow: UowDep, run_id: uuid.UUID | None = None,
                          status: Literal["issued", "paid", "rejected", "cancelled"] | None = None,
                          value_date: date | None = None,
                          count: Annotated[int, Query(alias="_count", ge=1, le=5000)] = 500) -> Response:
    """The vouchers of a run, in a status or paid on a value date, in number order, as a searchset Bundle."""
    async with uow:
        vouchers = await uow.vouchers.listing(run_id=run_id, status=status, value_date=value_date, limit=count)
        return fhir_response(searchset([payment_reconciliation(v) for v in vouchers], request.url.path, None))


@router.get("/{voucher_no}", response_class=Response, responses=_FHIR)
async def reconciliation(voucher_no: VoucherNo, uow: UowDep) -> Response:
    async with uow:
        voucher = await uow.vouchers.get(voucher_no)
        if voucher is None:
            raise not_found(f"voucher {voucher_no}")
        return fhir_response(payment_reconciliation(voucher))
