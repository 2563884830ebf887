"""National codes the platform speaks (医保信息平台 dictionaries), and time as the business reads it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

#: Business dates are in China Standard Time, whatever the server's clock.
SHANGHAI = ZoneInfo("Asia/Shanghai")

#: insutype (险种类型): the fund a settlement is paid from.
INSUTYPES = {
    "310": "职工基本医疗保险",
    "320": "公务员医疗补助",
    "330": "大额医疗费用补助",
    "340": "离休人员医疗保障",
    "390": "城乡居民基本医疗保险",
    "392": "城乡居民大病医疗保险",
    "510": "生育保险",
}
EMPLOYEE, RESIDENT = "310", "390"

#: med_type (医疗类别): the kind of care.
MED_TYPES = {
    "11": "普通门诊",
    "12": "门诊挂号",
    "13": "急诊",
    "14": "门诊慢特病",
    "21": "普通住院",
    "41": "定点药店购药",
    "51": "生育门诊",
    "52": "生育住院",
}
INPATIENT_MED_TYPES = {"21", "52"}

#: gend (性别): 1 male, 2 female, 0 unknown, 9 not stated.
GENDERS = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

#: fixmedins_type: what kind of designated institution.
INSTITUTION_TYPES = {"1": "定点医疗机构", "2": "定点零售药店"}

Admdvs = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,30}$")]
#: A month, ``YYYY-MM``; years outside 1900-2199 are typos, and would overflow date arithmetic.
Period = Annotated[str, StringConstraints(pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$")]
#: A month or a quarter (``YYYY-MM``, ``YYYY-Q1``..``Q4``), as special cases are reviewed; years as for Period.
ReviewPeriod = Annotated[str, StringConstraints(pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2]|Q[1-4])$")]
#: A payment voucher's number (拨付凭证号), as the gateway issues it and the bank is told it.
VoucherNo = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z\-]{8,35}$")]
#: The largest id a PostgreSQL bigint (a sequence, a cursor) holds.
BIGINT_MAX = 2**63 - 1
#: A business date a person could mean (dates near 0001 or 9999 overflow the arithmetic on them).
BusinessDay = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]


def _known(table: dict[str, str], what: str):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        if value not in table:
            raise ValueError(f"{value!r} is not a known {what} code ({', '.join(sorted(table))})")
        return value

    return check


Insutype = Annotated[str, AfterValidator(_known(INSUTYPES, "insutype"))]
MedType = Annotated[str, AfterValidator(_known(MED_TYPES, "med_type"))]
Gender = Annotated[str, AfterValidator(_known(GENDERS, "gend"))]
InstitutionType = Annotated[str, AfterValidator(_known(INSTITUTION_TYPES, "fixmedins_type"))]


#: Free text (a name, a reason, a note): anything but NUL, which no PostgreSQL text column can hold. A pattern,
#: not a validator, so that it composes with the length and whitespace constraints of each field.
WITHOUT_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=WITHOUT_NUL)]


def _plausible(moment: datetime) -> datetime:
    # Checked before any conversion: an offset applied to a moment near 0001 or 9999 overflows.
    if not 1900 <= moment.year <= 2199:
        raise ValueError(f"{moment.isoformat()} is outside the years 1900-2199")
    return moment


#: A moment as it was sent (its offset, or none, kept), in the years a business date can have.
Moment = Annotated[datetime, AfterValidator(_plausible)]
#: The same, with an offset required.
AwareMoment = Annotated[AwareDatetime, AfterValidator(_plausible)]


def in_shanghai(moment: datetime) -> datetime:
    """A timestamp with no offset is read as Beijing time, as institution systems write it."""
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment.astimezone(SHANGHAI)


#: A moment read as Beijing time (when it has no offset) and expressed in it.
BeijingTime = Annotated[Moment, AfterValidator(in_shanghai)]


def business_date(moment: datetime) -> date:
    return in_shanghai(moment).date()


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
