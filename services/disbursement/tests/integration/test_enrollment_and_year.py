"""Enrollment and suspension (N art.4, art.20-21, ZJ §4), special cases and the annual clearing (N art.16-17),
fund requests (SX §4) and scheduled runs, through the service on the real broker and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers, read_topic
from shared.contracts import topics
from shared.contracts.events import AnnualClearing, PaymentOrdered

if TYPE_CHECKING:
    from conftest import Harness


def line_of(run: dict[str, Any], insutype: str = "310") -> dict[str, Any]:
    [line] = [x for x in run["lines"] if x["insutype"] == insutype]
    return line


async def test_zhenjiang_refuses_an_applicant_naming_each_unmet_condition(harness: Harness) -> None:  # ZJ §4
    harness.region = "321100"
    await harness.institution()
    await harness.policy(pack="zhenjiang")

    async def refused() -> dict[str, Any] | None:
        response = await harness.client.post(
            f"/v1/enrollments/{harness.code}", headers=operator_headers(),
            json={"action": "enroll", "reason": "application",
                  "criteria": {**harness.ZJ_CRITERIA, "fund_use_score": 78, "major_violation_within_2y": True}})
        return dict(response.json()) if response.status_code == 422 else None

    problem = await eventually(refused)
    assert [e["field"] for e in problem["errors"]] == ["criteria.fund_use_score", "criteria.major_violation_within_2y"]
    state = (await harness.client.get(f"/v1/enrollments/{harness.code}", headers=operator_headers())).json()
    assert state["state"] == "none" and state["history"] == []


async def test_zhenjiang_refuses_a_retail_pharmacy_in_its_first_batch(harness: Harness) -> None:
    """ZJ §4(五): the first batch of 月核定、月预拨 is the city's designated medical institutions; a pharmacy
    meeting every other condition is refused, naming the criterion, and (一) is a fact the operator confirms."""
    harness.region = "321100"
    await harness.institution(fixmedins_type="2")
    await harness.policy(pack="zhenjiang")

    async def refused(criteria: dict[str, Any]) -> dict[str, Any] | None:
        response = await harness.client.post(f"/v1/enrollments/{harness.code}", headers=operator_headers(),
                                             json={"action": "enroll", "reason": "application", "criteria": criteria})
        return dict(response.json()) if response.status_code == 422 else None

    problem = await eventually(lambda: refused(harness.ZJ_CRITERIA))
    assert [e["field"] for e in problem["errors"]] == ["fixmedins_type"]
    assert "(五)" in problem["errors"][0]["message"]
    unconfirmed = {k: v for k, v in harness.ZJ_CRITERIA.items() if k != "cooperates_with_key_work"}
    problem = await refused(unconfirmed)
    assert problem is not None
    assert [e["field"] for e in problem["errors"]] == ["criteria.cooperates_with_key_work", "fixmedins_type"]
    state = (await harness.client.get(f"/v1/enrollments/{harness.code}", headers=operator_headers())).json()
    assert state["state"] == "none"


async def test_a_suspended_institution_receives_nothing_until_it_is_resumed(harness: Harness) -> None:
    """N art.21: suspended, it leaves instant settlement at once; what it is owed is held, not lost, and goes out
    with the first run after it resumes (N art.18)."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.00")
    await harness.lines(1)
    suspended = await harness.client.post(f"/v1/enrollments/{harness.code}", headers=operator_headers(),
                                          json={"action": "suspend", "reason": "约谈提醒: anomalous claims (N art.20)"})
    assert suspended.json()["state"] == "suspended"
    held = await harness.run(date(2025, 9, 1))
    assert held["lines"] == []  # nothing claimed: its line waits
    await harness.client.post(f"/v1/enrollments/{harness.code}", headers=operator_headers(),
                              json={"action": "resume", "reason": "rectified"})
    await harness.settlement(date(2025, 9, 2), "10.00")
    await harness.lines(2)
    resumed = line_of(await harness.run(date(2025, 9, 2)))
    assert (resumed["amount"], resumed["records"], resumed["status"]) == ("66.00", 2, "ordered")
    history = (await harness.client.get(f"/v1/enrollments/{harness.code}", headers=operator_headers())).json()
    assert [h["action"] for h in history["history"]] == ["enroll", "suspend", "resume"]


async def test_special_cases_clear_at_year_end_with_the_deposits_and_the_assessment(harness: Harness) -> None:
    """N art.16: cases cleared at year end get a prepaid share; N art.17: the clearing releases the quality
    deposits (SX §3), pays the cases' remainder and applies the annual assessment."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="national", quality_deposit_share="0.05",
                         special_cases={"review": "monthly", "clearing": "year_end", "prepay_share": "0.5"})
    await harness.settlement(date(2025, 12, 3), "1000.00")

    async def recorded() -> bool:
        response = await harness.client.get("/v1/intake", headers=operator_headers(), params={"admdvs": harness.region})
        return bool(response.json()["recorded"] >= 1)

    await eventually(recorded)
    early = await harness.client.post("/v1/runs/annual-clearing", headers=operator_headers(),
                                      json={"admdvs": harness.region, "year": 2025})
    assert early.status_code == 422 and early.json()["type"].endswith("/run-not-ready")
    await harness.caught_up(recorded=1, audited=1)
    await harness.declare("2025-12")
    december = await harness.sign(await harness.month_run("monthly-settlement", "2025-12"))
    assert (line_of(december)["deposit_reserved"], line_of(december)["payment"]) == ("50.00", "950.00")

    case = await harness.client.post("/v1/special-cases", headers=operator_headers(), json={
        "admdvs": harness.region, "fixmedins_code": harness.code, "insutype": "310", "review_period": "2025-12",
        "claimed": "2000.01", "description": "特殊高值耗材"})
    assert case.status_code == 201 and (case.json()["clearing"], case.json()["status"]) == ("year_end", "pending")
    special = await harness.sign(await harness.month_run("special-cases", "2025-12"))
    assert line_of(special)["payment"] == "1000.01"  # half of the 2,000.01 claimed, half-up, while pending
    decided = await harness.client.post(f"/v1/special-cases/{case.json()['case_id']}/decision",
                                        headers=operator_headers(),
                                        json={"decision": "approve", "approved": "2000.01", "decided_by": "专家组"})
    assert decided.status_code == 200, decided.text
    await harness.client.put(f"/v1/assessments/{harness.region}/2025/{harness.code}/310", headers=operator_headers(),
                             json={"adjustment": "-100.00", "note": "考核扣减"})
    response = await harness.client.post("/v1/runs/annual-clearing", headers=operator_headers(),
                                         json={"admdvs": harness.region, "year": 2025})
    line = line_of(response.json())
    assert (line["deposits_released"], line["special_remainders"], line["assessment"], line["payment"]) == \
        ("50.00", "1000.00", "-100.00", "950.00")

    # N art.19: the orders tell the books what each payment settles, month by month
    await harness.sign(response.json())
    prepaid, cleared = [await ordered_payment(harness, x["payment_id"]) for x in (line_of(special), line)]
    assert (prepaid.run_type, prepaid.special_cases_settled) == ("special-cases", Decimal("0.00"))  # all prepaid
    assert cleared.clearing == AnnualClearing(
        year=2025, deposits_released={"2025-12": Decimal("50.00")}, special_cases_cost=Decimal("2000.01"),
        special_cases_prepaid={"2025-12": Decimal("1000.01")}, assessment=Decimal("-100.00"), carried_from={})
    assert cleared.amount == Decimal("950.00")  # 50.00 + 2,000.01 − 1,000.01 − 100.00


async def ordered_payment(harness: Harness, payment_id: str) -> PaymentOrdered:
    """The payment-ordered event disbursement published for a payment."""
    def has(messages: list[dict[str, Any]]) -> bool:
        return any(m["payload"]["payment_id"] == payment_id for m in messages)

    messages = await read_topic(harness.settings.kafka_bootstrap, harness.settings.topic(topics.PAYMENT_ORDERED.name),
                                until=has)
    [payment] = [PaymentOrdered.model_validate(m["payload"]) for m in messages if m["payload"]["payment_id"] == payment_id]
    return payment


async def test_fund_requests_say_what_to_ask_finance_for_and_by_when(harness: Harness) -> None:  # SX §4
    harness.region = "140100"
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="shanxi")
    await harness.settlement(date(2025, 11, 3), "1000.00")
    await harness.settlement(date(2025, 11, 4), "300.00", insutype="390")

    async def requested() -> dict[str, Any] | None:
        response = await harness.client.get("/v1/fund-requests", headers=operator_headers(),
                                            params={"admdvs": harness.region, "period": "2025-11"})
        body = dict(response.json())
        return body if len(body["funds"]) == 2 else None

    body = await eventually(requested)
    assert (body["request_by"], body["transfer_by"]) == ("2025-11-25", "2025-12-01")
    assert body["funds"]["310"] == {"prepayment": "600.00", "settlement": "1000.00", "total": "1600.00"}
    assert body["funds"]["390"]["total"] == "480.00"
    assert body["request"] is None  # estimated, not yet requested

    made = await harness.client.post("/v1/fund-requests", headers=operator_headers(),
                                     json={"admdvs": harness.region, "period": "2025-11", "requested_by": "李出纳"})
    assert made.status_code == 201, made.text
    request = made.json()
    assert (request["funds"], request["request_by"], request["requested_by"]) == \
        ({"310": "1600.00", "390": "480.00"}, "2025-11-25", "李出纳")
    again = await harness.client.post("/v1/fund-requests", headers=operator_headers(),
                                      json={"admdvs": harness.region, "period": "2025-11", "requested_by": "王会计"})
    assert again.status_code == 200 and again.json()["request_id"] == request["request_id"]  # recorded once
    shown = (await harness.client.get("/v1/fund-requests", headers=operator_headers(),
                                      params={"admdvs": harness.region, "period": "2025-11"})).json()
    assert shown["request"]["request_id"] == request["request_id"]
    [published] = await read_topic(harness.settings.kafka_bootstrap,
                                   harness.settings.topic(topics.FUND_REQUESTED.name), until=lambda m: len(m) >= 1)
    assert (published["payload"]["request_id"], published["payload"]["funds"]) == \
        (request["request_id"], {"310": "1600.00", "390": "480.00"})


async def test_a_region_without_shanxis_schedule_has_no_fund_request_dates(harness: Harness) -> None:
    """SX §4's 25th and January dates are Shanxi's: a Jilin region gets the estimate and may record a request,
    but no deadline is made up for it."""
    await harness.institution()
    await harness.enroll()
    await harness.policy()  # the Jilin pack
    await harness.settlement(date(2025, 11, 3), "1000.00")
    await harness.caught_up(recorded=1, audited=1)
    body = (await harness.client.get("/v1/fund-requests", headers=operator_headers(),
                                     params={"admdvs": harness.region, "period": "2025-11"})).json()
    assert (body["request_by"], body["transfer_by"], body["schedule"]) == (None, None, None)
    made = await harness.client.post("/v1/fund-requests", headers=operator_headers(),
                                     json={"admdvs": harness.region, "period": "2025-11", "requested_by": "李出纳"})
    assert made.status_code == 201 and (made.json()["request_by"], made.json()["late"]) == (None, False)


async def test_the_scheduler_starts_what_is_due_and_a_retry_pays_nothing_twice(harness: Harness) -> None:
    """Cron cannot know the working-day calendar; the service does. Asked on 2 Sep it makes 1 Sep's batch."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.00")
    await harness.lines(1)

    async def scheduled(day: str) -> dict[str, Any]:
        return {r["run_type"]: r for r in await harness.scheduled(date.fromisoformat(day))}

    first, again = await scheduled("2025-09-02"), await scheduled("2025-09-02")
    assert first["daily-disbursement"]["run_id"] == again["daily-disbursement"]["run_id"]
    assert first["daily-disbursement"]["status"] == "computed"  # awaiting an operator's signature (JL art.11)
    assert "monthly-settlement" not in first  # August's declarations are due by 10 Sep (N art.16)
    after_deadline = await scheduled("2025-09-11")
    assert after_deadline["monthly-settlement"]["status"] == "computed"  # August, awaiting a signature
    assert (await scheduled("2025-09-11"))["monthly-settlement"]["run_id"] == after_deadline["monthly-settlement"]["run_id"]


async def test_a_weekly_region_pays_on_the_last_working_day_of_the_week(harness: Harness) -> None:  # N art.22
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first", batch="weekly")
    for day in (1, 3, 4):
        await harness.settlement(date(2025, 9, day), "10.00")
    await harness.lines(3)
    midweek = await harness.client.post("/v1/runs/daily-disbursement", headers=operator_headers(),
                                        json={"admdvs": harness.region, "business_date": "2025-09-03"})
    assert midweek.status_code == 422 and "2025-09-05" in midweek.json()["detail"]
    friday = line_of(await harness.run(date(2025, 9, 5)))
    assert (friday["records"], friday["payment"]) == (3, "18.00")
