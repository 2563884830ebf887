"""What comes in and what goes out of the claims API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, StringConstraints, model_serializer

from shared.contracts.codes import Admdvs, Code, InstitutionType, Text
from shared.contracts.events import BankAccount
from shared.contracts.settlement import SettlementRecord


class InstitutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fixmedins_code: Code
    fixmedins_name: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    admdvs: Admdvs
    fixmedins_type: InstitutionType
    hosp_lv: Annotated[Text, StringConstraints(min_length=1, max_length=10)] | None = None
    bank_acct: BankAccount


class InstitutionOut(BaseModel):
    fixmedins_code: str
    version: int
    #: Shown once, when the institution is first registered; store it, it cannot be read again.
    token: str | None = None


class SettlementBatch(BaseModel):
    """Up to 1,000 settlements in one request; each gets its own result."""

    records: Annotated[list[SettlementRecord], Field(min_length=1, max_length=1000)]


class FieldErrorOut(BaseModel):
    field: str
    message: str


class RecordResultOut(BaseModel):
    #: Always present: null only when the record carried no readable setl_id.
    setl_id: str | None
    status: Literal["accepted", "replayed", "rejected", "conflict"]
    accepted_at: datetime | None = None
    errors: list[FieldErrorOut] | None = None

    @model_serializer(mode="wrap")
    def _omit_what_does_not_apply(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None or k == "setl_id"}


class IntakeOut(BaseModel):
    results: list[RecordResultOut]
