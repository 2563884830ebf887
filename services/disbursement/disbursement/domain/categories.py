"""Benefit categories (待遇支出 by category, SX §5, ZJ §5) by kind of care (med_type)."""

from __future__ import annotations

CATEGORIES = {
    "outpatient": "普通门诊",
    "chronic": "门诊慢特病",
    "inpatient": "住院",
    "maternity": "生育",
    "pharmacy": "药店购药",
    "personal_account": "个人账户支出",
}

#: Where a region settles the personal account with the employee fund (ZJ §2), its payments are booked apart
#: from the pooled fund's categories of care.
PERSONAL_ACCOUNT = "personal_account"

_BY_MED_TYPE = {"11": "outpatient", "12": "outpatient", "13": "outpatient", "14": "chronic", "21": "inpatient",
                "51": "maternity", "52": "maternity", "41": "pharmacy"}


def category_of(med_type: str) -> str:
    return _BY_MED_TYPE.get(med_type, "outpatient")
