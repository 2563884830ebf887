"""Days from care to cash (从结算到回款): written when the bank's receipt is heard, once, and counted at the
payment that finally paid a record when an earlier one failed (N art.15, art.18)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import PaymentConfirmed, PaymentRejected

if TYPE_CHECKING:  # the fixture's class, from this folder's conftest.py
    from conftest import Harness


def receipt(harness: Harness, line: dict[str, Any], at: datetime) -> dict[str, Any]:
    return dict(voucher_no=f"{harness.region}-{uuid.uuid4().hex[:12]}", payment_id=uuid.UUID(line["payment_id"]),
                admdvs=harness.region, fixmedins_code=harness.code, insutype=line["insutype"],
                period=line["period"], amount=Decimal(line["payment"]), bank_ref="CB1", receipt_at=at)


async def report(harness: Harness, **params: Any) -> dict[str, Any]:
    response = await harness.client.get("/v1/reports/care-to-cash", headers=operator_headers(),
                                        params={"admdvs": harness.region, **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_record_paid_after_a_failed_payment_counts_at_the_receipt_that_paid_it(harness: Harness) -> None:
    # N art.18: a failed payment is carried into the next; its records' cash is the receipt of that next one
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.00")
    await harness.settlement(date(2025, 9, 1), "10.00")
    await harness.lines(2)
    [first] = (await harness.run(date(2025, 9, 1)))["lines"]
    await harness.send(topics.PAYMENT_REJECTED, PaymentRejected(
        **receipt(harness, first, datetime(2025, 9, 2, 1, tzinfo=UTC)), reason_code="AC04", reason="账户已销户"))
    await harness.settled(first, "failed")
    await harness.settlement(date(2025, 9, 2), "50.00")
    await harness.lines(3)
    [second] = (await harness.run(date(2025, 9, 2)))["lines"]
    assert second["carried_in"] == "66.00"
    paid = PaymentConfirmed(**receipt(harness, second, datetime(2025, 9, 3, 2, tzinfo=UTC)),  # 10:00 in Beijing
                            value_date=date(2025, 9, 3))
    await harness.send(topics.PAYMENT_CONFIRMED, paid)
    await harness.send(topics.PAYMENT_CONFIRMED, paid)  # the receipt heard twice
    await harness.settled(second)

    async def counted() -> dict[str, Any] | None:
        found = await report(harness)
        return found if found["overall"]["records"] else None
    found = await eventually(counted)
    overall = found["overall"]
    assert (overall["records"], overall["median_days"], overall["mean_days"], overall["max_days"]) == \
        (3, 2, "1.67", 2)  # 1 Sep → 3 Sep twice, 2 Sep → 3 Sep once
    assert overall["buckets"]["1"] == 1 and overall["buckets"]["2-3"] == 2
    assert [(g["key"], g["records"]) for g in found["groups"]] == [(harness.code, 3)]
    assert [(w["week_of"], w["records"]) for w in found["trend"]] == [("2025-09-01", 3)]
    by_fund = await report(harness, by="insutype", date_from="2025-09-02", date_to="2025-09-30")
    assert [(g["key"], g["records"], g["median_days"]) for g in by_fund["groups"]] == [("310", 1, 1)]
    bad = await harness.client.get("/v1/reports/care-to-cash", headers=operator_headers(),
                                   params={"date_from": "2025-09-30", "date_to": "2025-09-01", "by": "fund"})
    assert bad.status_code == 422, bad.text


async def test_records_paid_today_show_on_metrics_within_zero_days(harness: Harness) -> None:
    # The reform's headline on /metrics: records paid in the last 30 days within N days of care (cumulative)
    today = datetime.now(SHANGHAI).date()
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(today, "20.00")
    await harness.lines(1)
    [line] = (await harness.run(today))["lines"]
    await harness.send(topics.PAYMENT_CONFIRMED, PaymentConfirmed(**receipt(harness, line, datetime.now(UTC)),
                                                                  value_date=today))
    await harness.settled(line)

    async def shown() -> bool:
        metrics = (await harness.client.get("/metrics")).text
        return (f'jishi_care_to_cash_records{{admdvs="{harness.region}",within_days="0"}} 1.0' in metrics
                and f'jishi_care_to_cash_mean_days{{admdvs="{harness.region}"}} 0.0' in metrics)
    assert await eventually(shown, timeout=10)


async def test_a_record_a_monthly_settlement_took_in_counts_at_that_settlements_receipt(harness: Harness) -> None:
    # N art.13-14: a record no daily batch paid is paid by its month's settlement; its cash is that receipt
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="national")
    await harness.settlement(date(2025, 12, 3), "1000.00")
    await harness.caught_up(recorded=1, audited=1)
    await harness.declare("2025-12")
    december = await harness.sign(await harness.month_run("monthly-settlement", "2025-12"))
    [line] = december["lines"]
    assert Decimal(line["payment"]) > 0
    await harness.send(topics.PAYMENT_CONFIRMED, PaymentConfirmed(
        **receipt(harness, line, datetime(2026, 1, 12, 2, tzinfo=UTC)), value_date=date(2026, 1, 12)))
    await harness.settled(line)

    async def counted() -> dict[str, Any] | None:
        found = await report(harness)
        return found if found["overall"]["records"] else None
    overall = (await eventually(counted))["overall"]
    assert (overall["records"], overall["max_days"]) == (1, 40)  # 3 Dec → 12 Jan
