"""What every payload shares: frozen, tolerant of fields it does not know (a newer producer's), and the
value types more than one producer's events use."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.codes import Text

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Ratio = Annotated[Decimal, Field(ge=0, le=1, max_digits=7, decimal_places=4)]


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class BankAccount(Payload):
    """A bank account as a voucher names it."""

    bank_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,20}$")]
    acct_no: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z\-]{4,40}$")]
    #: 140 characters: what an ISO 20022 name (Max140Text) carries to the bank, never cut short.
    acct_name: Annotated[Text, StringConstraints(min_length=1, max_length=140)]
