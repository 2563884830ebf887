"""The books (finance): trial balance, the sub-ledger 暂付款—即时结算预拨 per institution × month, and the
business-vs-finance consistency of a month (N art.19, art.22)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.api.web import allowed, render, services_of
from console.domain.roles import Action
from shared.contracts.codes import SHANGHAI

router = APIRouter(include_in_schema=False)


@router.get("/books")
async def books_page(request: Request) -> Response:
    who = await allowed(request, Action.READ_BOOKS)
    services = services_of(request)
    asked = request.query_params.get("period") or ""
    period = asked if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", asked) else datetime.now(SHANGHAI).strftime("%Y-%m")
    fund = request.query_params.get("fund") or None
    fund = fund if fund in ("310", "390") else None
    trial, advances, consistency = await asyncio.gather(
        services.get("accounting", "/v1/trial-balance", {"fund": fund}),
        services.get("accounting", "/v1/sub-ledger/advances", {"fund": fund}),
        services.get("accounting", "/v1/consistency", {"period": period}))
    return render(request, "books.html", who, 422 if asked and asked != period else 200, trial=trial,
                  advances=advances, consistency=consistency, period=period, fund=fund or "",
                  errors={"period": "YYYY-MM"} if asked and asked != period else {})
