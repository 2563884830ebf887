"""What claims publishes: institutions registered, settlements recorded and reversed, monthly declarations."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from shared.contracts.codes import Admdvs, Code, Insutype, MedType, Period
from shared.contracts.events.base import BankAccount, Name, Payload
from shared.contracts.settlement import SettlementRecord
from shared.money import Amount


class InstitutionRegistered(Payload):
    """An institution was registered or its details changed (the latest ``version`` wins)."""

    fixmedins_code: Code
    fixmedins_name: Name
    admdvs: Admdvs
    fixmedins_type: str
    hosp_lv: str | None = None
    bank_acct: BankAccount
    #: SHA-256 of the institution's current token (never the token): lets every service accept it. None once
    #: the token is revoked.
    token_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None
    version: int = Field(ge=1)
    registered_at: AwareDatetime


class SettlementRecorded(Payload):
    """Claims accepted a settlement (N art.12); what audit and disbursement start from."""

    fixmedins_code: Code
    admdvs: Admdvs
    accepted_at: AwareDatetime
    record: SettlementRecord


class SettlementReversed(Payload):
    """A settlement was cancelled (结算撤销, N art.10). History is kept; what was paid for it is netted."""

    fixmedins_code: Code
    admdvs: Admdvs
    setl_id: Code
    insutype: Insutype
    med_type: MedType
    business_date: date
    fund_pay_sumamt: Amount
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    reversed_at: AwareDatetime


class DeclaredFund(Payload):
    """One fund's figures in a declaration, as the institution declares them."""

    records: int = Field(ge=0)
    medfee_sumamt: Amount
    fund_pay_sumamt: Amount


class DeclarationSubmitted(Payload):
    """An institution's monthly declaration (申报, N art.12, JL art.14): its totals per fund for a period."""

    declaration_id: uuid.UUID
    fixmedins_code: Code
    admdvs: Admdvs
    period: Period
    totals: dict[Insutype, DeclaredFund]
    declared_at: AwareDatetime
    deadline: date
    late: bool
