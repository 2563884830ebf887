"""Daily runs on the real broker and PostgreSQL, fed the events other services publish (N art.18, ZJ §3.2,
N art.13)."""

from __future__ import annotations

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


async def test_a_batch_on_a_non_working_day_is_postponed_to_the_next_working_day(harness: Harness) -> None:
    """N art.18: a holiday postpones the payment, which the next working day's run carries in; the weekend's
    summary is still made and shows what waits."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 6), "20.00")  # a Saturday
    await harness.lines(1)
    saturday = await harness.run(date(2025, 9, 6))
    assert saturday["status"] == "postponed" and only_line(saturday)["status"] == "postponed"
    assert saturday["payment_total"] == "0.00" and saturday["due_date"] == "2025-09-08"
    monday = only_line(await harness.run(date(2025, 9, 8)))
    assert (monday["amount"], monday["carried_in"], monday["payment"], monday["status"]) == \
        ("0.00", "12.00", "12.00", "ordered")


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
