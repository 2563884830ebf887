"""FHIR R4 export (HL7 FHIR, the exchange format of health systems): what audit's ClaimResponse and the bank
gateway's PaymentReconciliation share — money in yuan, the Jishi identifier systems, a searchset Bundle, and
the response media type. Resources are built and validated by ``fhir.resources`` (its ``R4B`` package: FHIR
4.3, whose ClaimResponse, PaymentReconciliation and Bundle are those of R4 4.0.1), so a resource the library
refuses is never served.

The library is imported on first use: its models weigh some 30 MB in every process that loads them, and
an export is a rare call beside the hot path of the services that offer it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response

if TYPE_CHECKING:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.resource import Resource

FHIR_JSON = "application/fhir+json"

#: Identifier systems: the national codes of the contract (fixmedins_code, setl_id, psn_no, voucher_no).
INSTITUTION = "urn:jishi:fixmedins_code"
SETTLEMENT = "urn:jishi:setl_id"
PERSON = "urn:jishi:psn_no"
VOUCHER = "urn:jishi:voucher_no"
PAYMENT = "urn:jishi:payment_id"
INSUTYPE = "urn:jishi:insutype"

_IDS = uuid.UUID("1f7c2a51-3c43-4d7b-8f0e-6a0d2b9e4c11")


def resource_id(*parts: str) -> str:
    """A FHIR id ([A-Za-z0-9-.]{1,64}) that is the same for the same parts on every export."""
    return str(uuid.uuid5(_IDS, "/".join(parts)))


def money(amount: Decimal) -> dict[str, Any]:
    """An amount in yuan, exact to the fen."""
    return {"value": amount.quantize(Decimal("0.01")), "currency": "CNY"}


def identifier(system: str, value: str) -> dict[str, str]:
    return {"system": system, "value": value}


def institution(fixmedins_code: str) -> dict[str, Any]:
    return {"type": "Organization", "identifier": identifier(INSTITUTION, fixmedins_code)}


def fund(admdvs: str) -> dict[str, Any]:
    """The region's basic medical insurance fund, the insurer and the payer (统筹区医保基金)."""
    return {"type": "Organization", "identifier": identifier("urn:jishi:admdvs", admdvs),
            "display": f"{admdvs} 基本医疗保险基金"}


def searchset(resources: Sequence[Resource], base: str, next_url: str | None) -> Bundle:
    from fhir.resources.R4B.bundle import Bundle

    return Bundle.model_validate({
        "resourceType": "Bundle", "type": "searchset",
        "link": [{"relation": "next", "url": next_url}] if next_url else [],
        "entry": [{"fullUrl": f"{base}/{r.id}", "resource": r, "search": {"mode": "match"}} for r in resources],
    })


def fhir_response(resource: Resource) -> Response:
    return Response(resource.model_dump_json(exclude_none=True), media_type=FHIR_JSON)
