"""Enrollment (N art.4, art.20-21, ZJ §4) as pure rules."""

from __future__ import annotations

import pytest

from disbursement.domain.enrollment import Facts, InvalidTransition, next_state, unmet_criteria
from disbursement.domain.policy import EnrollmentCriteria


def test_an_enrolled_institution_can_be_suspended_resumed_and_terminated():  # N art.20-21
    assert next_state("none", "enroll") == "enrolled"
    assert next_state("enrolled", "suspend") == "suspended"
    assert next_state("suspended", "resume") == "enrolled"
    assert next_state("suspended", "terminate") == "terminated"
    assert next_state("terminated", "enroll") == "enrolled"  # a new application (N art.4)


@pytest.mark.parametrize(("state", "action"), [("none", "suspend"), ("enrolled", "enroll"), ("enrolled", "resume"),
                                               ("terminated", "resume"), ("none", "terminate")])
def test_a_change_that_makes_no_sense_is_refused(state, action):  # N art.21
    with pytest.raises(InvalidTransition, match=f"cannot {action}"):
        next_state(state, action)


def test_an_applicant_meeting_every_zhenjiang_condition_may_join():  # ZJ §4
    facts = Facts(cooperates_with_key_work=True, fund_use_score=80, uploads_on_time=True, traceability_codes=True,
                  major_violation_within_2y=False, operating_normally=True, hosp_lv="2", fixmedins_type="1")
    assert unmet_criteria(EnrollmentCriteria(first_batch_in_force=True), facts) == []


def test_each_unmet_zhenjiang_condition_is_named():  # ZJ §4
    facts = Facts(cooperates_with_key_work=True, fund_use_score=79, uploads_on_time=True, traceability_codes=False,
                  major_violation_within_2y=True, operating_normally=True)
    assert [field for field, _ in unmet_criteria(EnrollmentCriteria(), facts)] == [
        "criteria.fund_use_score", "criteria.traceability_codes", "criteria.major_violation_within_2y"]


def test_cooperation_with_key_work_is_a_fact_the_operator_confirms():  # ZJ §4(一)
    ok = Facts(fund_use_score=90, uploads_on_time=True, traceability_codes=True, major_violation_within_2y=False,
               operating_normally=True)
    [(field, why)] = unmet_criteria(EnrollmentCriteria(), ok)  # not confirmed: not assumed
    assert field == "criteria.cooperates_with_key_work" and why.startswith("(一)")
    assert unmet_criteria(EnrollmentCriteria(), Facts(**{**ok.__dict__, "cooperates_with_key_work": True})) == []


def test_the_zhenjiang_first_batch_refuses_a_retail_pharmacy():  # ZJ §4(五)
    ok = Facts(cooperates_with_key_work=True, fund_use_score=90, uploads_on_time=True, traceability_codes=True,
               major_violation_within_2y=False, operating_normally=True)
    first_batch = EnrollmentCriteria(first_batch_in_force=True)
    [(field, why)] = unmet_criteria(first_batch, Facts(**{**ok.__dict__, "fixmedins_type": "2"}))
    assert field == "fixmedins_type" and why.startswith("(五)")
    assert unmet_criteria(first_batch, Facts(**{**ok.__dict__, "fixmedins_type": "1", "hosp_lv": "0"})) == []
    assert unmet_criteria(EnrollmentCriteria(), Facts(**{**ok.__dict__, "fixmedins_type": "2"})) == []  # widened


def test_unknown_facts_do_not_pass_as_met():  # ZJ §4: the agency must know, not assume
    assert len(unmet_criteria(EnrollmentCriteria(first_batch_in_force=True), Facts())) == 7


def test_a_first_batch_can_admit_only_some_hospital_levels():  # ZJ §4 (五)
    criteria = EnrollmentCriteria(hosp_levels=["2", "3"])
    ok = Facts(cooperates_with_key_work=True, fund_use_score=90, uploads_on_time=True, traceability_codes=True,
               major_violation_within_2y=False, operating_normally=True)
    assert unmet_criteria(criteria, Facts(**{**ok.__dict__, "hosp_lv": "3"})) == []
    assert [f for f, _ in unmet_criteria(criteria, Facts(**{**ok.__dict__, "hosp_lv": "1"}))] == ["hosp_lv"]
