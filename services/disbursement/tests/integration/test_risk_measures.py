"""Audit's risk measures carried out by disbursement (风险预警处置, N art.20-21, JL art.22-23), on the real broker
and PostgreSQL: a lowered ratio changes the next run's lines and not the earlier ones; a suspension stops the
instant payments at once and holds what is owed; each measure is carried out once, with what came of it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers
from shared.contracts import topics
from shared.contracts.events import RiskMeasureTaken

if TYPE_CHECKING:
    from conftest import Harness


def a_measure(harness: Harness, measure: str, **fields: Any) -> RiskMeasureTaken:
    return RiskMeasureTaken(measure_id=uuid.uuid4(), warning_id=uuid.uuid4(), fixmedins_code=harness.code,
                            admdvs=harness.region, measure=measure, actor="王审核", reason="日基金支付 5 倍于基线",
                            taken_at=datetime.now(UTC), **fields)


async def measures_recorded(harness: Harness, count: int) -> list[dict[str, Any]]:
    async def recorded() -> list[dict[str, Any]] | None:
        view = (await harness.client.get(f"/v1/enrollments/{harness.code}", headers=operator_headers())).json()
        return view["risk_measures"] if len(view["risk_measures"]) >= count else None

    return list(await eventually(recorded))


def amount_of(run: dict[str, Any]) -> str:
    [line] = run["lines"]
    return str(line["amount"])


async def test_a_lowered_ratio_changes_the_next_runs_lines_not_the_earlier_ones(harness: Harness) -> None:
    """N art.21, JL art.22-23: the warning's measure lowers the institution's daily ratio from a date; the line
    already computed and paid keeps the region's 60 %, the next day's record is paid at the lowered 30 %, and a
    later measure cannot raise it above the policy."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.00")
    await harness.lines(1)
    first = await harness.run(date(2025, 9, 1))
    assert amount_of(first) == "60.00"

    await harness.send(topics.RISK_MEASURE_TAKEN, a_measure(harness, "lower_ratio", ratio=Decimal("0.3"),
                                                            effective_from=date(2025, 9, 1)))
    [cap] = await measures_recorded(harness, 1)
    assert (cap["measure"], cap["ratio"], cap["outcome"], cap["taken_by"]) == ("lower_ratio", "0.3000", "applied",
                                                                              "王审核")
    await harness.settlement(date(2025, 9, 2), "100.00")
    await harness.lines(2)
    assert amount_of(await harness.run(date(2025, 9, 2))) == "30.00"
    again = (await harness.client.get(f"/v1/runs/{first['run_id']}", headers=operator_headers())).json()
    assert amount_of(again) == "60.00"  # the earlier run's line keeps its ratio

    await harness.send(topics.RISK_MEASURE_TAKEN, a_measure(harness, "lower_ratio", ratio=Decimal("0.9"),
                                                            effective_from=date(2025, 9, 3)))
    await measures_recorded(harness, 2)
    await harness.settlement(date(2025, 9, 3), "100.00")
    await harness.lines(3)
    assert amount_of(await harness.run(date(2025, 9, 3))) == "60.00"  # never above the region's policy


async def test_a_suspension_stops_payment_at_once_and_is_carried_out_once(harness: Harness) -> None:
    """N art.21: suspended from the moment the operator decided; the pending line is held, not lost; the same
    measure delivered twice suspends once; an interview reminder is only noted."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.00")
    await harness.lines(1)
    interview = a_measure(harness, "interview")
    suspension = a_measure(harness, "suspend")
    for measure in (interview, suspension, suspension, a_measure(harness, "interview")):
        await harness.send(topics.RISK_MEASURE_TAKEN, measure)  # the suspension redelivered under another event id
    measures = await measures_recorded(harness, 3)
    assert [(m["measure"], m["outcome"]) for m in measures] == [
        ("interview", "noted"), ("suspend", "applied"), ("interview", "noted")]
    view = (await harness.client.get(f"/v1/enrollments/{harness.code}", headers=operator_headers())).json()
    assert view["state"] == "suspended"
    assert [h["action"] for h in view["history"]] == ["enroll", "suspend"]
    assert str(suspension.warning_id) in view["history"][-1]["reason"]
    assert view["since"] == suspension.taken_at.isoformat()
    assert (await harness.run(date(2025, 9, 1)))["lines"] == []  # held


async def test_a_suspension_the_enrollment_cannot_make_is_recorded_as_refused(harness: Harness) -> None:
    """N art.21 applies to an institution in instant settlement: one never enrolled cannot be suspended, and the
    measure says why instead of vanishing."""
    await harness.institution()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.00", audit=None)
    await harness.caught_up(recorded=1)
    await harness.send(topics.RISK_MEASURE_TAKEN, a_measure(harness, "suspend"))
    [refused] = await measures_recorded(harness, 1)
    assert refused["outcome"] == "refused" and "suspend" in refused["detail"]
    view = (await harness.client.get(f"/v1/enrollments/{harness.code}", headers=operator_headers())).json()
    assert view["state"] == "none"
