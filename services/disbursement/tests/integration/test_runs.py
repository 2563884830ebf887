"""Daily runs on the real broker and PostgreSQL, fed the events other services publish (N art.18, ZJ §3.2,
N art.13)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers, read_topic
from shared.contracts import topics
from shared.contracts.events import PaymentRejected

if TYPE_CHECKING:  # the fixture's class, from this folder's conftest.py
    from conftest import Harness


def only_line(run: dict[str, Any]) -> dict[str, Any]:
    [line] = run["lines"]
    return line


async def runs_late(harness: Harness, expected: int) -> bool:
    """``jishi_runs_late{run_type="daily-disbursement"}`` on /metrics comes to ``expected`` (it is read from the
    database at most every 2 s)."""

    async def shown() -> bool:
        metrics = (await harness.client.get("/metrics")).text
        found = re.search(r'^jishi_runs_late\{run_type="daily-disbursement"\} (\S+)$', metrics, re.MULTILINE)
        return (int(float(found.group(1))) if found else 0) == expected

    return bool(await eventually(shown))


async def test_a_payment_the_bank_rejected_goes_out_with_the_next_run_exactly_once(harness: Harness) -> None:
    """N art.18, JL art.19: a disbursement that cannot be paid is not lost; it accumulates and is paid with
    the next disbursement (累计顺延) — once, however often the rejection is delivered or the run is asked."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.01")
    await harness.settlement(date(2025, 9, 1), "10.01")
    await harness.lines(2)
    first = only_line(await harness.run(date(2025, 9, 1)))
    assert (first["amount"], first["payment"], first["status"]) == ("66.02", "66.02", "ordered")  # 60.006 → 60.01 and 6.006 → 6.01

    rejected = PaymentRejected(voucher_no="220100-20250902-000001", payment_id=uuid.UUID(first["payment_id"]),
                               admdvs=harness.region, fixmedins_code=harness.code, insutype="310", period="2025-09",
                               amount=Decimal("66.02"), bank_ref="R1", receipt_at=datetime.now(UTC),
                               reason_code="AC04", reason="账户已销户")
    await harness.send(topics.PAYMENT_REJECTED, rejected)
    await harness.send(topics.PAYMENT_REJECTED, rejected)  # the same outcome delivered again

    async def failed() -> bool:
        run = await harness.run(date(2025, 9, 1))  # asking again returns the same run, as it stands now
        return only_line(run)["status"] == "failed"

    await eventually(failed)
    assert await runs_late(harness, 1)  # due 2 Sep 2025 and the money never reached the institution
    await harness.settlement(date(2025, 9, 2), "50.00")
    await harness.lines(3)
    second = await harness.run(date(2025, 9, 2))
    line = only_line(second)
    assert (line["amount"], line["carried_in"], line["payment"]) == ("30.00", "66.02", "96.02")
    assert (await harness.run(date(2025, 9, 2)))["run_id"] == second["run_id"]
    third = await harness.run(date(2025, 9, 3))
    assert third["lines"] == []  # carried once: nothing left to carry again

    ordered = await read_topic(harness.settings.kafka_bootstrap, harness.settings.topic(topics.PAYMENT_ORDERED.name),
                               until=lambda m: len(m) >= 2)
    assert sorted(m["payload"]["payment"] for m in ordered) == ["66.02", "96.02"]
    await harness.bank(line)
    await harness.settled(line)
    assert await runs_late(harness, 0)  # the rejected 66.02 reached it with the 2 Sep payment


async def test_a_weekend_batch_goes_out_on_its_due_date_not_a_day_late(harness: Harness) -> None:
    """N art.18, LS §3.2: a batch on a non-working day is postponed to the next working day and paid on that
    day. The scheduler makes Saturday's batch on Sunday (postponed, due Monday) and Sunday's on Monday, which
    takes Saturday's in and pays both on Monday — not with Monday's own batch on Tuesday."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first", daily_sign_off="automatic")
    await harness.settlement(date(2025, 9, 6), "20.00")  # Saturday
    await harness.settlement(date(2025, 9, 7), "30.01")  # Sunday
    await harness.lines(2)
    [saturday] = await harness.scheduled(date(2025, 9, 7))
    assert (saturday["status"], saturday["due_date"]) == ("postponed", "2025-09-08")
    assert await runs_late(harness, 1)  # past 8 Sep 2025 by now, and nothing has paid it
    [sunday] = await harness.scheduled(date(2025, 9, 8))
    assert (sunday["status"], sunday["due_date"]) == ("ordered", "2025-09-08")
    assert await runs_late(harness, 2)  # Sunday's payment, which took Saturday's over, is still unpaid
    run = await harness.run(date(2025, 9, 7))
    line = only_line(run)  # 20.00 × 60 % = 12.00 carried in; 30.01 × 60 % = 18.006 → 18.01
    assert (line["amount"], line["carried_in"], line["payment"], line["status"]) == \
        ("18.01", "12.00", "30.01", "ordered")
    ordered = await read_topic(harness.settings.kafka_bootstrap, harness.settings.topic(topics.PAYMENT_ORDERED.name),
                               until=lambda m: len(m) >= 1, linger=1.0)
    # One order for both days: Saturday's 12.00 is not sent again on its own.
    assert [(m["payload"]["payment"], m["payload"]["business_date"]) for m in ordered] == [("30.01", "2025-09-07")]
    await harness.bank(line)
    await harness.settled(line)
    assert await runs_late(harness, 0)  # paid: neither run is late any more


async def test_a_monthly_settlement_made_on_a_weekend_leaves_saturdays_batch_to_mondays_daily_run(
        harness: Harness) -> None:
    """N art.18, LS §3.2: August's settlement, made by the scheduler on Sunday 14 Sep 2025, does not take in
    Saturday's postponed batch (due Monday 15 Sep): that one goes out with the daily run of its due date, not in
    a settlement that waits for its own signature and due date."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first", daily_sign_off="automatic")
    await harness.settlement(date(2025, 8, 15), "100.00")  # a Friday in August
    await harness.lines(1)
    august_daily = only_line(await harness.run(date(2025, 8, 15)))
    assert (august_daily["payment"], august_daily["status"]) == ("60.00", "ordered")
    await harness.caught_up(recorded=1, audited=1)
    await harness.declare("2025-08")
    await harness.settlement(date(2025, 9, 13), "20.00")  # Saturday
    await harness.lines(2)
    runs = {r["run_type"]: r for r in await harness.scheduled(date(2025, 9, 14))}
    saturday, august = runs["daily-disbursement"], runs["monthly-settlement"]
    assert (saturday["status"], saturday["due_date"]) == ("postponed", "2025-09-15")
    august_line = only_line((await harness.client.get(f"/v1/runs/{august['run_id']}",
                                                      headers=operator_headers())).json())
    # payable 100.00 less the 60.00 paid daily; Saturday's 20.00 × 60 % = 12.00 is not carried in.
    assert (august_line["carried_in"], august_line["payment"]) == ("0.00", "40.00")
    [sunday] = [r for r in await harness.scheduled(date(2025, 9, 15)) if r["run_type"] == "daily-disbursement"]
    assert (sunday["status"], sunday["due_date"]) == ("ordered", "2025-09-15")
    line = only_line(await harness.run(date(2025, 9, 14)))
    assert (line["amount"], line["carried_in"], line["payment"], line["status"]) == \
        ("0.00", "12.00", "12.00", "ordered")


async def test_a_weekend_batch_signed_on_its_due_date_goes_out_at_once(harness: Harness) -> None:
    """N art.18, JL art.11: the operator signs Saturday's summary on or after Monday, its due date: it is sent
    then, not postponed again to the run after."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 6), "20.00")  # Saturday
    await harness.lines(1)
    saturday = await harness.run(date(2025, 9, 6), sign=False)
    assert (saturday["status"], saturday["due_date"], saturday["signed_by"]) == ("computed", "2025-09-08", None)
    signed = await harness.sign(saturday)  # signed today, long after 8 Sep 2025
    assert (signed["status"], signed["signed_by"], only_line(signed)["payment"]) == ("ordered", "张会计", "12.00")


async def test_a_daily_run_waits_in_computed_until_a_person_signs_it(harness: Harness) -> None:
    """JL art.11 "日拨付业务拨付汇总表履行签字手续后", N art.22: the Jilin pack's daily summary is not paid until an
    operator signs it, and records who signed and when; "system" or a blank name is no person's signature."""
    await harness.institution()
    await harness.enroll()
    await harness.policy()  # the Jilin pack as shipped: daily_sign_off operator
    await harness.settlement(date(2025, 9, 2), "250.05")  # a Tuesday
    await harness.lines(1)
    run = await harness.run(date(2025, 9, 2), sign=False)
    line = only_line(run)  # 250.05 × 60 % = 150.03
    assert (run["status"], run["signed_by"], run["signed_at"]) == ("computed", None, None)
    assert (line["payment"], line["status"]) == ("150.03", "computed")
    for nobody in ("system", "   "):
        refused = await harness.client.post(f"/v1/runs/{run['run_id']}/sign-off", headers=operator_headers(),
                                            json={"signed_by": nobody})
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == ["signed_by"]
    assert (await harness.run(date(2025, 9, 2), sign=False))["status"] == "computed"  # still waiting
    signed = await harness.sign(run)
    assert (signed["status"], signed["signed_by"], only_line(signed)["status"]) == ("ordered", "张会计", "ordered")
    assert datetime.fromisoformat(signed["signed_at"]) <= datetime.now(UTC)
    ordered = await read_topic(harness.settings.kafka_bootstrap, harness.settings.topic(topics.PAYMENT_ORDERED.name),
                               until=lambda m: len(m) >= 1, linger=1.0)
    assert [m["payload"]["payment"] for m in ordered] == ["150.03"]  # once, after the signature


async def test_the_national_day_holiday_batches_go_out_on_the_first_working_day(harness: Harness) -> None:
    """N art.18: 1–8 Oct 2025 are holidays (国庆 + 中秋); each day's batch is postponed and all are paid on
    Thursday 9 Oct, per institution, fund and month: September's record and October's apart."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first", daily_sign_off="automatic")
    await harness.settlement(date(2025, 9, 30), "10.00")  # a working day, ordered on its own
    await harness.settlement(date(2025, 10, 1), "30.00")
    await harness.settlement(date(2025, 10, 5), "50.00")
    await harness.settlement(date(2025, 10, 8), "0.05")
    await harness.lines(4)
    made = {}
    for day in range(1, 9):
        runs = {r["run_type"]: r for r in await harness.scheduled(date(2025, 10, day))}
        held = made[day] = runs["daily-disbursement"]
        assert held["status"] == ("ordered" if day == 1 else "postponed"), (day, held)
        assert held["due_date"] == "2025-10-09"
    [last] = [r for r in await harness.scheduled(date(2025, 10, 9)) if r["run_type"] == "daily-disbursement"]
    assert (last["status"], last["due_date"]) == ("ordered", "2025-10-09")
    run = await harness.run(date(2025, 10, 8))
    by_month = {line["period"]: line for line in run["lines"]}
    # 30.00 + 50.00 + 0.05 at 60 %, record by record: 18.00 + 30.00 + 0.03 (0.05 × 0.6 = 0.03).
    assert {k: (v["amount"], v["carried_in"], v["payment"]) for k, v in by_month.items()} == \
        {"2025-10": ("0.03", "48.00", "48.03")}
    ordered = await read_topic(harness.settings.kafka_bootstrap, harness.settings.topic(topics.PAYMENT_ORDERED.name),
                               until=lambda m: len(m) >= 2, linger=1.0)  # two and no more
    assert sorted((m["payload"]["period"], m["payload"]["payment"]) for m in ordered) == \
        [("2025-09", "6.00"), ("2025-10", "48.03")]
    # Past 9 Oct and unpaid, September's run and all eight holiday runs are late (LS §3.2), the seven carried
    # one into the next included, not only the last two.
    assert await runs_late(harness, 9)
    first_holiday = await harness.client.get(f"/v1/runs/{made[2]['run_id']}", headers=operator_headers())
    assert (first_holiday.json()["status"], first_holiday.json()["overdue_now"]) == ("postponed", True)
    await harness.bank(by_month["2025-10"])
    await harness.settled(by_month["2025-10"])
    assert await runs_late(harness, 1)  # September's 6.00 is still with the bank
    first_holiday = await harness.client.get(f"/v1/runs/{made[2]['run_id']}", headers=operator_headers())
    assert first_holiday.json()["overdue_now"] is False
    september = await harness.client.get(f"/v1/runs/{made[1]['run_id']}", headers=operator_headers())
    [september_line] = september.json()["lines"]
    await harness.bank(september_line)
    await harness.settled(september_line)
    assert await runs_late(harness, 0)


async def test_a_ratio_changed_by_decision_applies_from_its_effective_date(harness: Harness) -> None:
    """ZJ §3.2: ratios can be changed by decision; records before the effective date keep the old ratio,
    and the run records the policy version it used."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    changed = await harness.policy(audit_mode="pay_first", effective_from="2025-09-05",
                                   ratios={"310": "0.70"})
    await harness.settlement(date(2025, 9, 4), "100.00")
    await harness.settlement(date(2025, 9, 5), "100.00")
    await harness.lines(2)
    run = await harness.run(date(2025, 9, 5))
    assert only_line(run)["amount"] == "130.00"  # 60.00 + 70.00
    assert run["policy_version"] == changed["version"] == 2


async def test_audit_first_holds_a_record_until_its_audit_arrives(harness: Harness) -> None:
    """N art.13 (即审即拨): in an audit-first region nothing is paid before its audit passes."""
    await harness.institution()
    await harness.enroll()
    await harness.policy()  # jilin: audit_first
    await harness.settlement(date(2025, 9, 1), "10.00", audit=None)  # its audit has not arrived

    async def recorded() -> dict[str, Any] | None:
        response = await harness.client.get("/v1/intake", headers=operator_headers(), params={"admdvs": harness.region})
        counts = dict(response.json())
        return counts if counts["recorded"] == 1 else None

    counts = await eventually(recorded)
    assert counts["with_line"] == 0 and counts["waiting"] == 1
    run = await harness.run(date(2025, 9, 1))
    assert run["lines"] == [] and run["records"] == 0


async def test_a_maternity_record_is_paid_under_the_employee_fund(harness: Harness) -> None:
    """N art.3 "职工医保基金（含生育保险）", LS "职工（含生育）": a maternity (510) record is settled under the
    employee fund (310) — its 60 % ratio, one payment with the day's employee records, the employee fund's
    payer account — not left without a ratio or an account."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 2), "1000.00", insutype="510", med_type="51")
    await harness.settlement(date(2025, 9, 2), "50.01")
    await harness.lines(2)
    line = only_line(await harness.run(date(2025, 9, 2)))  # 600.00 + 30.006 → 30.01
    assert (line["insutype"], line["records"], line["amount"], line["status"]) == ("310", 2, "630.01", "ordered")
    ordered = await read_topic(harness.settings.kafka_bootstrap, harness.settings.topic(topics.PAYMENT_ORDERED.name),
                               until=lambda m: len(m) >= 1)
    assert [(m["payload"]["insutype"], m["payload"]["payment"]) for m in ordered] == [("310", "630.01")]
