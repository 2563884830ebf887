"""FHIR R4 export of settlement outcomes: ``ClaimResponse`` per settlement, an institution's at a time, in
pages a client follows by the Bundle's ``next`` link."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from audit.api.deps import OperatorDep, UowDep
from audit.domain.claim_response import claim_response
from shared.contracts.codes import Code
from shared.fhir import FHIR_JSON, fhir_response, searchset
from shared.problems import require_ordered

router = APIRouter(prefix="/v1/fhir", tags=["fhir"], dependencies=[OperatorDep])


@router.get("/ClaimResponse", response_class=Response, responses={200: {"content": {FHIR_JSON: {}}}})
async def claim_responses(request: Request, uow: UowDep, fixmedins_code: Annotated[Code, Query()],
                          date_from: Annotated[date | None, Query()] = None,
                          date_to: Annotated[date | None, Query()] = None,
                          count: Annotated[int, Query(alias="_count", ge=1, le=1000)] = 100,
                          after: Annotated[Code | None, Query(description="the last setl_id of the page before")] = None,
                          ) -> Response:
    """A searchset Bundle of the institution's ClaimResponses (business dates ``date_from``..``date_to``), by
    settlement id; ``link[next]`` while more remain. Each resource is validated by ``fhir.resources``."""
    require_ordered(date_from, date_to)
    async with uow:
        page = await uow.outcomes.for_export(fixmedins_code, date_from=date_from, date_to=date_to, after=after,
                                             limit=count + 1)
    resources = [claim_response(o) for o in page[:count]]
    next_url = None
    if len(page) > count:
        query = {k: v for k, v in {"fixmedins_code": fixmedins_code, "date_from": date_from, "date_to": date_to,
                                   "_count": count, "after": page[count - 1].setl_id}.items() if v is not None}
        next_url = f"{request.url.path}?{urlencode(query)}"
    return fhir_response(searchset(resources, f"{request.url.path}", next_url))
