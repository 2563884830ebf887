"""The liquidity forecast before the 25th (请款, SX §4), from the records as they were known then, and set
against what the month actually incurred once it is over."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers
from shared.calendar import default_calendar
from shared.contracts.codes import SHANGHAI

if TYPE_CHECKING:  # the fixture's class, from this folder's conftest.py
    from conftest import Harness


async def forecast(harness: Harness, **params: Any) -> Any:
    return await harness.client.get("/v1/liquidity-forecast", headers=operator_headers(),
                                    params={"admdvs": harness.region, **params})


async def test_a_forecast_made_on_the_tenth_is_replayed_as_known_then_and_set_against_the_month(
        harness: Harness) -> None:
    # SX §4: the request by the 25th needs the month's amounts before the month ends
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    calendar = default_calendar()
    day, sent, early = date(2025, 8, 4), 0, None
    while day <= date(2025, 9, 30):
        at = datetime.combine(day, time(12), SHANGHAI)
        amounts = ["50.00", "50.00"] if calendar.is_working_day(day) else ["20.00"]
        for amount in amounts:
            setl_id = await harness.settlement(day, amount, accepted_at=at)
            early = early or (setl_id if day == date(2025, 9, 5) else None)
            sent += 1
        day += timedelta(days=1)
    await harness.caught_up(recorded=sent)
    await harness.reversal(early, date(2025, 9, 5), "50.00")  # reversed long after the tenth

    async def reversed_heard() -> bool:
        response = await forecast(harness, period="2025-09")
        return response.json()["funds"]["310"]["actual"]["incurred"] == "2390.00"
    await eventually(reversed_heard)

    response = await forecast(harness, period="2025-09", as_of="2025-09-10")
    assert response.status_code == 200, response.text
    view = response.json()
    # 1-10 Sep: eight working days at 100.00 and a weekend at 20.00; left: fifteen working days (28 Sep is a
    # make-up working day before the National Day holiday) and five days off
    assert view["days"] == {"observed": 10, "working_left": 15, "non_working_left": 5}
    fund = view["funds"]["310"]
    assert fund["incurred"] == {"observed": "840.00", "expected": "2440.00", "low": "2440.00", "high": "2440.00"}
    assert fund["actual"] == {"incurred": "2390.00", "error": "50.00", "error_share": "0.0209",
                              "within_interval": False}  # the reversal came after the forecast
    for key in ("expected", "low", "high"):
        assert Decimal(fund["total"][key]) == Decimal(fund["prepayment"][key]) + Decimal(fund["settlement"][key])
    assert Decimal(fund["settlement"]["expected"]) > 0

    for bad in ({"period": "2025-09", "as_of": "2025-10-01"}, {"period": "2025-13"}):
        refused = await forecast(harness, **bad)
        assert refused.status_code == 422, (bad, refused.text)
