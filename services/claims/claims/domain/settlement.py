"""Rules a settlement must meet before it is stored (N art.10, art.12), and what makes two uploads the same."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from shared.contracts.codes import INPATIENT_MED_TYPES, business_date
from shared.contracts.settlement import SettlementRecord
from shared.money import money_text, to_fen, total


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def inconsistencies(record: SettlementRecord, fixmedins_code: str) -> list[FieldError]:
    """Every way the record contradicts itself; empty when it may be stored."""
    return [
        *_belongs_to(record, fixmedins_code),
        *_parts_add_up(record),
        *_fee_lines_add_up(record),
        *_mutual_aid_within_account(record),
        *_fee_lines_priced(record),
        *_fee_line_numbers_unique(record),
        *_inpatient_dates_in_order(record),
        *_age_known(record),
    ]


def _belongs_to(record: SettlementRecord, fixmedins_code: str) -> list[FieldError]:
    if record.fixmedins_code is not None and record.fixmedins_code != fixmedins_code:
        return [FieldError("fixmedins_code", f"{record.fixmedins_code} is not the institution of this token")]
    return []


def _parts_add_up(record: SettlementRecord) -> list[FieldError]:
    """医疗费总额 = 基金支付总额 + 个人账户支出 + 个人现金支出."""
    parts = record.fund_pay_sumamt + record.acct_pay + record.psn_cash_pay
    if parts == record.medfee_sumamt:
        return []
    message = (
        f"medfee_sumamt {money_text(record.medfee_sumamt)} must equal fund_pay_sumamt + acct_pay + "
        f"psn_cash_pay = {money_text(parts)}"
    )
    return [FieldError(name, message) for name in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")]


def _mutual_aid_within_account(record: SettlementRecord) -> list[FieldError]:
    """个人账户共济 is paid out of the personal account: it cannot exceed 个人账户支出."""
    if record.acct_mulaid_pay <= record.acct_pay:
        return []
    return [FieldError("acct_mulaid_pay", f"acct_mulaid_pay {money_text(record.acct_mulaid_pay)} is part of acct_pay "
                                          f"{money_text(record.acct_pay)} and cannot exceed it")]


def _fee_lines_add_up(record: SettlementRecord) -> list[FieldError]:
    lines = total(d.det_item_fee_sumamt for d in record.details)
    if lines == record.medfee_sumamt:
        return []
    return [FieldError("details", f"the fee lines sum to {money_text(lines)}, "
                                  f"medfee_sumamt is {money_text(record.medfee_sumamt)}")]


def _fee_lines_priced(record: SettlementRecord) -> list[FieldError]:
    errors = []
    for i, line in enumerate(record.details):
        expected = to_fen(line.cnt * line.pric)
        if expected != line.det_item_fee_sumamt:
            errors.append(FieldError(
                f"details.{i}.det_item_fee_sumamt",
                f"{money_text(line.det_item_fee_sumamt)} is not cnt × pric = {line.cnt} × {line.pric} = "
                f"{money_text(expected)}",
            ))
    return errors


def _fee_line_numbers_unique(record: SettlementRecord) -> list[FieldError]:
    repeated = [sn for sn, n in Counter(d.feedetl_sn for d in record.details).items() if n > 1]
    return [FieldError("details", f"feedetl_sn {sn} appears more than once") for sn in repeated]


def _inpatient_dates_in_order(record: SettlementRecord) -> list[FieldError]:
    """An inpatient stay is admitted, then discharged, then settled: adm_date ≤ dscg_date ≤ setl_time."""
    if record.med_type not in INPATIENT_MED_TYPES:
        return []
    missing = [FieldError(f, f"is required for med_type {record.med_type} (inpatient)")
               for f in ("adm_date", "dscg_date") if getattr(record, f) is None]
    if missing:
        return missing
    assert record.adm_date and record.dscg_date
    errors = []
    if record.adm_date > record.dscg_date:
        errors.append(FieldError("dscg_date", f"{record.dscg_date} is before adm_date {record.adm_date}"))
    if record.dscg_date > business_date(record.setl_time):
        errors.append(FieldError("setl_time", f"{record.setl_time.isoformat()} is before dscg_date {record.dscg_date}"))
    return errors


def _age_known(record: SettlementRecord) -> list[FieldError]:
    if record.age is None and record.brdy is None:
        return [FieldError("age", "age or brdy is required (sex- and age-restricted items are audited)")]
    if record.brdy is not None and record.brdy > business_date(record.setl_time):
        return [FieldError("brdy", "is after the settlement")]
    return []


def canonical(record: SettlementRecord) -> str:
    """The record as stored and compared, as JSON: known fields only, in the model's order, times in Beijing,
    amounts as strings (one pass of pydantic-core: intake reads tens of thousands a second)."""
    return record.model_dump_json()


def fingerprint(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def differing_fields(first: dict[str, Any], again: dict[str, Any]) -> list[str]:
    """Top-level fields (and fee lines by position) where a second upload differs from the first."""
    fields = []
    for name in sorted(set(first) | set(again)):
        if name == "details":
            a, b = first.get(name) or [], again.get(name) or []
            if len(a) != len(b):
                fields.append("details")
                continue
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                fields += [f"details.{i}.{k}" for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k)]
        elif first.get(name) != again.get(name):
            fields.append(name)
    return fields
