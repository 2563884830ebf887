"""Settlement outcomes as FHIR R4 ClaimResponses (N art.13, JL art.13, N art.10), each parsed back and
validated by ``fhir.resources``: a passed record is complete, one awaiting review queued, a confirmed violation
partial with its deduction, a reversed settlement cancelled."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.claimresponse import ClaimResponse

from launcher.testing import eventually, operator_headers

if TYPE_CHECKING:
    from conftest import AuditHarness

CONSULT, METFORMIN = "110200001", "XA10BAA059A001010100"


async def export(audit: AuditHarness, **params: Any) -> Bundle:
    response = await audit.client.get("/v1/fhir/ClaimResponse", headers=operator_headers(),
                                      params={"fixmedins_code": audit.code, **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+json"
    return Bundle.model_validate_json(response.text)


def by_setl_id(bundle: Bundle) -> dict[str, ClaimResponse]:
    found = {}
    for entry in bundle.entry or []:
        resource = ClaimResponse.model_validate(entry.resource.model_dump())
        found[resource.identifier[0].value] = resource
    return found


def totals(response: ClaimResponse) -> dict[str, Decimal]:
    return {t.category.coding[0].code: Decimal(str(t.amount.value)) for t in response.total}


async def test_each_outcome_is_a_claim_response_the_library_validates(audit: AuditHarness) -> None:
    clean = audit.settlement(audit.line(CONSULT))
    doubtful = audit.settlement(audit.line(CONSULT), audit.line(METFORMIN, cnt="30"))
    confirmed = audit.settlement(audit.line(CONSULT), audit.line(METFORMIN, cnt="30"))
    reversed_ = audit.settlement(audit.line(CONSULT))
    for record in (clean, doubtful, confirmed, reversed_):
        await audit.record(record)
    finding = await eventually(lambda: audit.finding_of(confirmed.setl_id, status="open"))
    await eventually(lambda: audit.finding_of(doubtful.setl_id, status="open"))
    decided = await audit.decide(finding["finding_id"], {"decision": "confirm", "amount": "5.50",
                                                         "reviewer": "王审核", "reason": "无糖尿病诊断"})
    assert decided.status_code == 200, decided.text
    await audit.reverse(reversed_)

    async def all_four() -> dict[str, ClaimResponse] | None:
        found = by_setl_id(await export(audit))
        done = len(found) == 4 and found[reversed_.setl_id].status == "cancelled"
        return found if done else None
    found = await eventually(all_four)

    passed, queued, partial, cancelled = (found[r.setl_id] for r in (clean, doubtful, confirmed, reversed_))
    assert (passed.outcome, passed.status, totals(passed)) == \
        ("complete", "active", {"submitted": clean.fund_pay_sumamt, "benefit": clean.fund_pay_sumamt})
    assert queued.outcome == "queued" and "MED-IND-01" in queued.processNote[0].text
    assert partial.outcome == "partial"
    assert totals(partial) == {"submitted": confirmed.fund_pay_sumamt,
                               "benefit": confirmed.fund_pay_sumamt - Decimal("5.50")}  # JL art.13
    assert (cancelled.status, cancelled.outcome) == ("cancelled", "complete")  # N art.10
    assert passed.patient.identifier.value == clean.psn_no and passed.requestor.identifier.value == audit.code
    assert all(t.amount.currency == "CNY" for r in found.values() for t in r.total)


async def test_the_export_pages_by_its_next_link_and_refuses_a_bad_range(audit: AuditHarness) -> None:
    records = [audit.settlement(audit.line(CONSULT)) for _ in range(5)]
    for record in records:
        await audit.record(record)

    async def five() -> bool:
        return len((await export(audit)).entry or []) == 5
    await eventually(five)
    first = await export(audit, _count=2)
    seen = list(by_setl_id(first))
    link = first.link[0].url
    while link:
        response = await audit.client.get(link, headers=operator_headers())
        page = Bundle.model_validate_json(response.text)
        seen += list(by_setl_id(page))
        link = page.link[0].url if page.link else None
    assert sorted(seen) == sorted(r.setl_id for r in records) and len(seen) == 5  # each once
    bad = await audit.client.get("/v1/fhir/ClaimResponse", headers=operator_headers(), params={
        "fixmedins_code": audit.code, "date_from": "2025-09-30", "date_to": "2025-09-01"})
    assert bad.status_code == 422
    assert (await audit.client.get("/v1/fhir/ClaimResponse", params={"fixmedins_code": audit.code})).status_code == 401
