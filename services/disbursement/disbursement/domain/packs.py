"""The five shipped policy packs. An operator picks one for a region and overrides what the region decided
(``PUT /v1/regions/{admdvs}/policy``)."""

from __future__ import annotations

from typing import Any

from disbursement.domain.policy import Pack, RegionPolicy

_TWENTY_DAYS = {"declaration_deadline_day": 10, "review_working_days": 15, "payment_working_days": 5,
                "total_working_days": 20}

PACKS: dict[str, dict[str, Any]] = {
    # N art.9, art.14, art.16: any path; ratios are set locally. The default is the compressed monthly
    # settlement alone, which needs no ratio.
    "national": {"paths": ["A"], "audit_mode": "pay_first", "settlement": _TWENTY_DAYS},
    # JL art.11, art.13, art.15: daily disbursement record by record; the ratio is set by each pooling region
    # (60 % here until it decides); pay as soon as audited (即审即付); the month deducts the daily payments.
    "jilin": {"paths": ["B"], "ratios": {"310": "0.60", "390": "0.60"}, "audit_mode": "audit_first",
              "batch": "daily", "pay_within_working_days": 1, "settlement": _TWENTY_DAYS,
              # JL art.11: the day's summary is paid once a person has signed it.
              "daily_sign_off": "operator",
              # JL art.16: special cases are reviewed quarterly and settled as a supplement.
              "special_cases": {"review": "quarterly", "clearing": "on_approval"}},
    # SX §3: 60 % of last month's payable within the first 3 working days, netted at month end, a negative
    # net rolled forward; paid within 20 working days of the declaration deadline.
    "shanxi": {"paths": ["C"], "audit_mode": "pay_first",
               "prepayment": {"ratios": {"310": "0.60", "390": "0.60"}, "basis": "payable",
                              "due": {"kind": "nth_working_day", "n": 3}},
               "settlement": _TWENTY_DAYS,
               # SX §4: requested before the 25th, transferred by the next month's first working day; December's
               # in January's first 3 working days, paid within 3 of receipt.
               "fund_requests": {"request_by_day": 25, "january_working_days": 3,
                                 "january_transfer_working_days": 3}},
    # ZJ §3.1-3.3: employee 60 % / resident 50 % of last month's incurred fund payments before the 10th;
    # settlement in 15 working days of review + 5 of payment; payment = payable − prepayment.
    "zhenjiang": {"paths": ["A", "C"], "audit_mode": "pay_first",
                  "prepayment": {"ratios": {"310": "0.60", "390": "0.50"}, "basis": "incurred",
                                 "due": {"kind": "before_day", "n": 10}},
                  # ZJ §3.1: "次月20个工作日内", counted in the next month, 15 of them for review.
                  "settlement": {**_TWENTY_DAYS, "counted_from": "next_month_start"},
                  # ZJ §2: the employee fund includes the personal account, not its mutual aid.
                  "personal_account": True,
                  # ZJ §4: the conditions for joining; the first batch is secondary-and-above hospitals,
                  # medical-community members and grassroots institutions: medical institutions of every
                  # level, no retail pharmacy (ZJ §4(五)).
                  "enrollment_criteria": {"min_fund_use_score": 80, "first_batch_in_force": True}},
    # LS §3.1-3.2: 60 % within one working day after acceptance and audit; the month settles within 5
    # working days after its audit and 20 in all.
    "leshan": {"paths": ["A", "B"], "ratios": {"310": "0.60", "390": "0.60"}, "audit_mode": "audit_first",
               "batch": "daily", "pay_within_working_days": 1, "daily_sign_off": "operator",
               # LS §3.1: paid within 5 working days after the audit, 20 in all from the declaration deadline.
               "settlement": {**_TWENTY_DAYS, "payment_from": "audit_ended"}},
}


def resolve(pack: Pack, overrides: dict[str, Any]) -> RegionPolicy:
    """The pack's defaults with the region's overrides on top; one level of nesting is merged
    (``{"prepayment": {"ratios": {...}}}`` keeps the pack's basis and due date)."""
    merged: dict[str, Any] = {**PACKS[pack]}
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return RegionPolicy.model_validate({**merged, "pack": pack})
