"""Today (今日): a region's intake and audit outcomes, payments by status, the runs due today and any late,
and the bank's exceptions — what an operator looks at first."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.api.web import allowed, render, services_of, settings_of
from console.domain.roles import Action
from shared.contracts.codes import SHANGHAI

router = APIRouter(include_in_schema=False)


@router.get("/")
async def today_page(request: Request) -> Response:
    who = await allowed(request, Action.VIEW)
    services = services_of(request)
    asked = request.query_params.get("admdvs") or ""
    admdvs = asked if asked.isdigit() and len(asked) == 6 else settings_of(request).default_admdvs
    today = datetime.now(SHANGHAI).date().isoformat()
    # One page, seven questions to four services: asked at once, not one after the other.
    intake, findings, payments, due, waiting, exceptions, red = await asyncio.gather(
        services.get("disbursement", "/v1/intake", {"admdvs": admdvs}),
        services.get("audit", "/v1/findings", {"status": "open", "admdvs": admdvs, "limit": 500}),
        services.get("disbursement", "/v1/disbursements", {"admdvs": admdvs, "limit": 1000}),
        services.get("disbursement", "/v1/runs", {"admdvs": admdvs, "due_from": today, "due_to": today}),
        services.get("disbursement", "/v1/runs", {"admdvs": admdvs, "status": "computed", "limit": 50}),
        services.get("bank-gateway", "/v1/receipt-exceptions", {"limit": 10}),
        services.get("audit", "/v1/risk/warnings", {"status": "open", "level": "red", "admdvs": admdvs, "limit": 1}))
    by_status = Counter(p["status"] for p in payments["payments"])
    kinds = Counter(f["kind"] for f in findings["items"])
    return render(request, "today.html", who, 422 if asked and asked != admdvs else 200, admdvs=admdvs,
                  today=today, intake=intake, open_findings=len(findings["items"]),
                  more_findings=findings["next_cursor"] is not None, kinds=dict(kinds),
                  payments=dict(sorted(by_status.items())), payments_seen=len(payments["payments"]),
                  due=due["items"], waiting=waiting["items"], late=[r for r in waiting["items"] if r["overdue_now"]],
                  exceptions=exceptions["exceptions"], red_warnings=red["total"])
