"""Real-time risk warnings on the real broker (N art.20-21, JL art.22-23): an institution's day read against
its own baseline as its records are audited, the records that explain a warning, the regions' indicators
changed without a deploy, and the measures operators take — recorded once, published for disbursement."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers
from shared.contracts import topics

if TYPE_CHECKING:
    from conftest import AuditHarness

CONSULT = "110200001"


async def _baseline_then(audit: AuditHarness, last_day: int) -> list[Any]:
    """Seven days of two consultations each (2025-09-01..07), then ``last_day`` consultations on 2025-09-08."""
    for day in range(1, 8):
        for _ in range(2):
            await audit.record(audit.settlement(audit.line(CONSULT), setl_time=f"2025-09-0{day}T09:00:00"))
    await eventually(lambda: _days_counted(audit, 14), timeout=20)
    jump = [audit.settlement(audit.line(CONSULT), setl_time="2025-09-08T10:00:00") for _ in range(last_day)]
    for record in jump:
        await audit.record(record)
    return jump


async def _days_counted(audit: AuditHarness, n: int) -> bool:
    return len(await audit.audited(n, linger=0)) >= n


async def _warnings(audit: AuditHarness, **params: Any) -> list[dict[str, Any]]:
    return list((await audit.get("/v1/risk/warnings", fixmedins_code=audit.code, **params))["items"])


async def test_a_fund_payment_five_times_its_baseline_is_warned_red_within_seconds(audit: AuditHarness) -> None:
    # N art.20, JL art.22: 实时监测 — the day's fund payment against the institution's own rolling mean
    start = time.monotonic()
    jump = await _baseline_then(audit, 10)
    warned = await eventually(lambda: _warnings(audit, level="red"), timeout=10)
    latency = time.monotonic() - start
    [warning] = [w for w in warned if w["indicator"] == "fund_pay_jump"]
    fund = jump[0].fund_pay_sumamt
    assert (warning["day"], warning["basis"], warning["level"], warning["value"], warning["threshold"]) == \
        ("2025-09-08", "own_baseline", "red", "5.0000", "5.0000")
    assert (warning["figure"], warning["reference"]) == (f"{fund * 10:.4f}", f"{fund * 2:.4f}")
    assert warning["status"] == "open" and warning["records_that_day"] == 10
    detail = await audit.get(f"/v1/risk/warnings/{warning['warning_id']}")
    assert sorted(r["setl_id"] for r in detail["records"]) == sorted(r.setl_id for r in jump)
    assert {r["fund_pay_sumamt"] for r in detail["records"]} == {f"{fund:.2f}"}
    # the baseline days themselves raised nothing, and the warning came while the records were still arriving
    assert all(w["day"] == "2025-09-08" for w in await _warnings(audit))
    assert latency < 30, latency


async def test_a_yellow_warning_turns_red_and_never_back(audit: AuditHarness) -> None:
    # N art.20: a warning per institution, day and indicator; its level only rises
    await _baseline_then(audit, 6)  # 3× the baseline: yellow
    [yellow] = await eventually(lambda: _warnings(audit, level="yellow"), timeout=10)
    assert (yellow["indicator"], yellow["value"]) == ("fund_pay_jump", "3.0000")
    for _ in range(4):
        await audit.record(audit.settlement(audit.line(CONSULT), setl_time="2025-09-08T11:00:00"))
    [red] = await eventually(lambda: _warnings(audit, level="red"), timeout=10)
    assert red["warning_id"] == yellow["warning_id"] and red["value"] == "5.0000"
    assert await _warnings(audit, level="yellow") == []


async def test_a_region_changes_its_indicators_without_a_deploy(audit: AuditHarness) -> None:
    # N art.20: thresholds are the region's data, a new version each change
    bad = await audit.put(f"/v1/regions/{audit.region}/risk-indicators",
                          {"indicators": {"fund_pay_jump": {"basis": "own_baseline", "warn": "4", "severe": "2"},
                                          "no_such": {"basis": "absolute", "warn": "1", "severe": "1"}},
                           "baseline_days": 0})
    assert bad.status_code == 422, bad.text
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"indicators.fund_pay_jump", "baseline_days"} <= fields, fields
    assert (await audit.get(f"/v1/regions/{audit.region}/risk-indicators"))["version"] == 0  # nothing stored
    good = await audit.put(f"/v1/regions/{audit.region}/risk-indicators",
                           {"indicators": {"fund_pay_jump": {"basis": "own_baseline", "warn": "1.5",
                                                             "severe": "2.5", "min_records": 1}}})
    assert good.status_code == 200, good.text
    assert (good.json()["version"], good.json()["indicators"]["fund_pay_jump"]["warn"]) == (1, "1.5")
    assert good.json()["indicators"]["reversal_rate"]["warn"] == "0.05"  # the others keep their defaults
    await _baseline_then(audit, 4)  # 2× the baseline: yellow under this region's thresholds
    # Read once all 18 are judged: a batch that ends after the day's third record already warns at 1.5×, and
    # the fourth then replaces that figure with 2× (the latest figures stand at one level).
    await eventually(lambda: _days_counted(audit, 18), timeout=20)
    [warning] = await _warnings(audit, level="yellow")
    assert (warning["value"], warning["threshold"], warning["config_version"]) == ("2.0000", "1.5000", 1)


async def test_reversals_count_in_the_reversal_rate(audit: AuditHarness) -> None:
    # N art.10, art.20: 结算撤销率 — a reversal heard after the audit counts on its settlement's day
    await audit.put(f"/v1/regions/{audit.region}/risk-indicators",
                    {"indicators": {"reversal_rate": {"basis": "absolute", "warn": "0.2", "severe": "0.5",
                                                      "min_records": 4}}})
    day = [audit.settlement(audit.line(CONSULT), setl_time="2025-09-03T09:00:00") for _ in range(4)]
    for record in day:
        await audit.record(record)
    await eventually(lambda: _days_counted(audit, 4), timeout=20)
    await audit.reverse(day[0])
    [warning] = await eventually(lambda: _warnings(audit, level="yellow"), timeout=10)
    assert (warning["indicator"], warning["value"]) == ("reversal_rate", "0.2500")
    detail = await audit.get(f"/v1/risk/warnings/{warning['warning_id']}")
    assert [r["setl_id"] for r in detail["records"]] == [day[0].setl_id]
    await audit.reverse(day[0])  # heard twice: counted once
    await audit.reverse(day[1])
    [red] = await eventually(lambda: _warnings(audit, level="red"), timeout=10)
    assert red["value"] == "0.5000"


async def _measure(audit: AuditHarness, warning_id: str, body: dict[str, Any]) -> Any:
    return await audit.client.post(f"/v1/risk/warnings/{warning_id}/measures", headers=operator_headers(),
                                   json=body)


async def test_measures_are_recorded_with_who_and_why_once_and_published(audit: AuditHarness) -> None:
    # N art.20-21, JL art.23: 约谈提醒, lower the ratio, suspend — each with who and why
    await _baseline_then(audit, 10)
    [warning] = await eventually(lambda: _warnings(audit, level="red"), timeout=10)
    wid = warning["warning_id"]
    assert (await _measure(audit, str(uuid.uuid4()), {"measure": "interview", "reason": "x",
                                                      "taken_by": "王经办"})).status_code == 404
    for body in ({"measure": "lower_ratio", "reason": "日基金支付激增", "taken_by": "王经办"},
                 {"measure": "interview", "reason": "约谈", "taken_by": "王经办", "ratio": "0.5",
                  "effective_from": "2025-09-09"},
                 {"measure": "lower_ratio", "reason": "x", "taken_by": "王经办", "ratio": "1.5",
                  "effective_from": "2025-09-09"},
                 {"measure": "suspend", "reason": "   ", "taken_by": "王经办"},
                 {"measure": "close", "reason": "x", "taken_by": "王经办"}):
        response = await _measure(audit, wid, body)
        assert response.status_code == 422, (body, response.text)
    assert (await audit.get(f"/v1/risk/warnings/{wid}"))["measures"] == []  # nothing stored
    request = str(uuid.uuid4())
    lower = {"measure": "lower_ratio", "reason": "日基金支付为基线5倍，下调拨付比例", "taken_by": "李复核",
             "ratio": "0.5000", "effective_from": "2025-09-09", "request_id": request}
    first = await _measure(audit, wid, lower)
    assert first.status_code == 200, first.text
    again = await _measure(audit, wid, lower)  # a retry: the same answer, recorded once
    assert again.json()["measures"] == first.json()["measures"]
    assert len(first.json()["measures"]) == 1 and first.json()["status"] == "handled"
    clash = await _measure(audit, wid, {**lower, "ratio": "0.4000"})
    assert clash.status_code == 409, clash.text
    suspend = await _measure(audit, wid, {"measure": "suspend", "reason": "约谈后仍异常，暂停即时结算",
                                          "taken_by": "李复核"})
    assert suspend.status_code == 200, suspend.text
    assert [(m["measure"], m["taken_by"]) for m in suspend.json()["measures"]] == \
        [("lower_ratio", "李复核"), ("suspend", "李复核")]
    published = await audit.read(topics.RISK_MEASURE_TAKEN, 2)
    assert [(p["measure"], p["ratio"], p["effective_from"], p["fixmedins_code"], p["actor"]) for p in published] == \
        [("lower_ratio", "0.5000", "2025-09-09", audit.code, "李复核"), ("suspend", None, None, audit.code, "李复核")]
    assert await _warnings(audit, status="open") == []
