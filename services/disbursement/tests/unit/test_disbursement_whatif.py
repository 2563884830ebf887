"""The what-if replay's rules are the engine's: per-record lines on the batch's payment day (JL art.11), a
suspicious record left to the month under audit-first (N art.13), the monthly settlement netting the daily
lines (ZJ §3.3), a year as its months each settled on its own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from disbursement.domain.packs import resolve
from disbursement.domain.whatif import HistoricRecord, Scenario, add_records, close_month
from shared.calendar import default_calendar

CALENDAR = default_calendar()


def record(day: int, fund_pay: str, status: str = "pass", month: int = 9) -> HistoricRecord:
    return HistoricRecord("H1", "310", "11", date(2025, month, day), Decimal(fund_pay), Decimal("0"), status,  # type: ignore[arg-type]
                          Decimal("0"))


def test_audit_first_pays_a_passed_record_the_next_working_day_and_leaves_a_suspicious_one_to_the_month() -> None:
    jilin = Scenario("jilin", resolve("jilin", {"effective_from": "2025-01-01"}))
    add_records([record(5, "100.00"), record(5, "50.00", "suspicious")], [jilin], CALENDAR)  # Friday 5 Sep
    close_month("2025-09", {("H1", "310"): Decimal("10.00")}, [jilin], CALENDAR)
    g = jilin.groups[("H1", "310")]
    assert (g.daily, g.settlement, g.paid) == (Decimal("60.00"), Decimal("80.00"), Decimal("140.00"))
    assert jilin.outflow[date(2025, 9, 8)] == Decimal("60.00")  # Monday: the next working day
    assert sum(jilin.outflow.values()) == Decimal("140.00")


def test_a_year_is_its_months_each_prepaid_on_its_own_amount() -> None:
    shanxi = resolve("shanxi", {"effective_from": "2025-01-01"})
    year = Scenario("shanxi", shanxi)
    for month, amount in ((8, "100.00"), (9, "300.00")):
        one = Scenario("shanxi", shanxi)
        add_records([record(3, amount, month=month)], [one], CALENDAR)
        close_month(f"2025-{month:02d}", {}, [one], CALENDAR)
        year.absorb(one)
    g = year.groups[("H1", "310")]
    assert (g.prepayment, g.settlement, g.paid) == (Decimal("240.00"), Decimal("160.00"), Decimal("400.00"))
