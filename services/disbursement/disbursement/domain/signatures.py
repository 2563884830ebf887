"""Who signs a run's summary (签字手续, JL art.11 "日拨付业务拨付汇总表履行签字手续后"; N art.22: traceable
to the person who answers for it)."""

from __future__ import annotations

from disbursement.domain.errors import Refused

#: The signatory recorded where a region chose ``daily_sign_off: automatic``: no person signed.
AUTOMATIC_SIGNATURE = "system"


def signatory(signed_by: str) -> str:
    """The person signing, as recorded: a name, not blank and not the automatic signature, so that a signed
    summary always says whether a person or the system released it."""
    name = signed_by.strip()
    if not name or name.casefold() == AUTOMATIC_SIGNATURE:
        raise Refused("a summary is signed by a person (JL art.11): give the operator's name",
                      errors=[{"field": "signed_by", "message": f"{signed_by!r} names no person"}])
    return name
