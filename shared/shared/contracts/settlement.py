"""A settlement record (结算记录) with its fee lines (费用明细), in the national platform's field names.

This is the shape; whether its parts add up is a rule of the claims service (``claims.domain``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from shared.contracts.codes import BeijingTime, Code, Gender, Insutype, MedType, Moment, Text
from shared.money import Amount


def _plain(value: Decimal) -> Decimal:
    """``2``, ``2.0`` and ``2.000`` are one quantity: drop trailing zeros (never into exponent form), so the
    same record sent twice with other spellings is recognised as the same."""
    text = format(value, "f")
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


Quantity = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=4), AfterValidator(_plain)]
UnitPrice = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6), AfterValidator(_plain)]
Diagnosis = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.+\-*/]{1,20}$")]


def _listify(value: object) -> object:
    """``dise_codg`` may come as one code or a list; national systems send both."""
    return [value] if isinstance(value, str) else value


class FeeDetail(BaseModel):
    """One fee line (费用明细)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    feedetl_sn: Code
    med_list_codg: Annotated[Text, StringConstraints(min_length=1, max_length=50)]
    med_chrgitm_type: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,6}$")]
    cnt: Quantity
    pric: UnitPrice
    det_item_fee_sumamt: Amount
    #: When the item was given; the settlement time when absent (one-day visits). Kept as sent: without an
    #: offset it is Beijing time, which is how every rule reads it (shared.contracts.codes.business_date).
    fee_ocur_time: Moment | None = None


class SettlementRecord(BaseModel):
    """A patient's settlement as the institution uploads it (N art.12)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    setl_id: Code
    mdtrt_id: Code
    psn_no: Code
    fixmedins_code: Code | None = None
    gend: Gender
    age: Annotated[int, Field(ge=0, le=150)] | None = None
    brdy: date | None = None
    insutype: Insutype
    med_type: MedType
    setl_time: BeijingTime
    medfee_sumamt: Amount
    fund_pay_sumamt: Amount
    acct_pay: Amount
    psn_cash_pay: Amount
    #: 个人账户共济支付金额: the part of ``acct_pay`` paid from a family member's personal account (mutual aid).
    #: It is inside ``acct_pay``, and kept out of what a region settles with the personal account (ZJ §2).
    acct_mulaid_pay: Amount = Decimal("0.00")
    dise_codg: Annotated[list[Diagnosis], BeforeValidator(_listify), Field(max_length=50)] = []
    adm_date: date | None = None
    dscg_date: date | None = None
    details: Annotated[list[FeeDetail], Field(min_length=1, max_length=2000)]
