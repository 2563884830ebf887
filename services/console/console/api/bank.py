"""The bank: vouchers with their printable PDF, receipt exceptions, and the reconciliation of a value date."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from console.adapters.services import Refusal
from console.api.web import allowed, render, services_of
from console.domain.roles import Action

router = APIRouter(include_in_schema=False)
STATUSES = ("issued", "paid", "rejected", "cancelled")


@router.get("/bank")
async def bank_page(request: Request) -> Response:
    who = await allowed(request, Action.VIEW)
    services = services_of(request)
    status = request.query_params.get("status") or None
    status = status if status in STATUSES else None
    value_date = _day(request.query_params.get("value_date"))
    vouchers, exceptions = await asyncio.gather(
        services.get("bank-gateway", "/v1/vouchers", {"status": status, "limit": 200}),
        services.get("bank-gateway", "/v1/receipt-exceptions", {"limit": 20}))
    reconciliation, refusal = None, None
    if value_date is not None:
        try:
            reconciliation = await services.get("bank-gateway", "/v1/bank-reconciliation",
                                                {"value_date": value_date.isoformat()})
        except Refusal as exc:
            refusal = exc
    bad_date = request.query_params.get("value_date") and value_date is None
    return render(request, "bank.html", who, 422 if bad_date else 200, vouchers=vouchers["vouchers"],
                  exceptions=exceptions["exceptions"], status=status or "", statuses=STATUSES,
                  value_date=request.query_params.get("value_date", ""), reconciliation=reconciliation,
                  refusal=refusal, errors={"value_date": "YYYY-MM-DD"} if bad_date else {})


@router.get("/bank/vouchers/{voucher_no}.pdf")
async def voucher_pdf(request: Request, voucher_no: Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,35}$")]) -> Response:
    await allowed(request, Action.VIEW)
    pdf = await services_of(request).raw("bank-gateway", f"/v1/vouchers/{voucher_no}", {"format": "pdf"})
    return Response(pdf.content, media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{voucher_no}.pdf"'})


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
