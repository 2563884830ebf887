"""Enrollment in instant settlement (纳入即时结算范围, N art.4, ZJ §4) and its suspension (N art.20-21)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from disbursement.domain.policy import EnrollmentCriteria

State = Literal["none", "enrolled", "suspended", "terminated"]
Action = Literal["enroll", "suspend", "resume", "terminate"]

_TRANSITIONS: dict[tuple[State, Action], State] = {
    ("none", "enroll"): "enrolled",
    ("terminated", "enroll"): "enrolled",  # a new application after the agreement ended (N art.4)
    ("enrolled", "suspend"): "suspended",
    ("suspended", "resume"): "enrolled",
    ("enrolled", "terminate"): "terminated",
    ("suspended", "terminate"): "terminated",
}


class InvalidTransition(ValueError):
    pass


def next_state(state: State, action: Action) -> State:
    """An enrolled institution may be suspended (中止) and resumed, and leaves at once when its agreement is
    terminated (解除, N art.21)."""
    try:
        return _TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(f"an institution that is {state} cannot {action}") from None


@dataclass(frozen=True)
class Facts:
    """What the agency knows of an applicant (ZJ §4)."""

    cooperates_with_key_work: bool | None = None
    fund_use_score: int | None = None
    uploads_on_time: bool | None = None
    traceability_codes: bool | None = None
    major_violation_within_2y: bool | None = None
    operating_normally: bool | None = None
    hosp_lv: str | None = None
    fixmedins_type: str | None = None


#: fixmedins_type of a designated medical institution (定点医疗机构), as against a retail pharmacy ("2").
MEDICAL_INSTITUTION = "1"


def unmet_criteria(criteria: EnrollmentCriteria, facts: Facts) -> list[tuple[str, str]]:
    """(field, why) for every condition of ZJ §4 the applicant does not meet; empty when it may join."""
    unmet = []
    if criteria.cooperates_with_key_work and facts.cooperates_with_key_work is not True:
        unmet.append(("criteria.cooperates_with_key_work",
                      "(一) the institution must cooperate with the national, provincial and city key work "
                      "(积极配合完成医保重点工作部署), as the agency confirms"))
    if facts.fund_use_score is None or facts.fund_use_score < criteria.min_fund_use_score:
        unmet.append(("criteria.fund_use_score",
                      f"the annual fund-use performance score must be at least {criteria.min_fund_use_score}"))
    checks = [
        (criteria.uploads_on_time, facts.uploads_on_time, True, "criteria.uploads_on_time",
         "the information system must upload settlement data on time"),
        (criteria.traceability_codes, facts.traceability_codes, True, "criteria.traceability_codes",
         "drug and consumable traceability codes must be scanned and uploaded (应扫尽扫、应传尽传)"),
        (criteria.no_major_violation_within_2y, facts.major_violation_within_2y, False,
         "criteria.major_violation_within_2y", "no major violation in the last two years"),
        (criteria.operating_normally, facts.operating_normally, True, "criteria.operating_normally",
         "the institution must be operating normally"),
    ]
    for required, fact, wanted, field, why in checks:
        if required and fact is not wanted:
            unmet.append((field, why))
    if criteria.first_batch_in_force and facts.fixmedins_type != MEDICAL_INSTITUTION:
        unmet.append(("fixmedins_type", "(五) the first batch admits designated medical institutions only "
                                        "(首批为定点医疗机构); a retail pharmacy joins when the scope widens"))
    if criteria.hosp_levels is not None and facts.hosp_lv not in criteria.hosp_levels:
        unmet.append(("hosp_lv", f"this batch admits hospital levels {', '.join(criteria.hosp_levels)}"))
    return unmet
