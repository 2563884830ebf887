"""Who signs a run's summary (签字手续, JL art.11 "日拨付业务拨付汇总表履行签字手续后"; N art.22: traceable
to the person who answers for it)."""

from __future__ import annotations

from disbursement.domain.errors import FourEyes, Refused

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


def same_person(a: str | None, b: str) -> bool:
    return a is not None and a.strip().casefold() == b.strip().casefold()


def second_pair_of_eyes(maker: str | None, checker: str, what: str, *, field: str = "signed_by") -> None:
    """Four eyes (审核与复核分离, N art.22): whoever prepared ``what`` cannot approve it. A maker of None is a
    machine that named no one, which any person may check."""
    if same_person(maker, checker):
        raise FourEyes(f"{checker} prepared {what}; another person approves it (four eyes)",
                       errors=[{"field": field, "message": f"{checker} is the one who prepared it"}])
