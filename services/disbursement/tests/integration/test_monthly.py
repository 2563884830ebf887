"""Monthly prepayment, settlement, netting and rollover, worked with real numbers through the service on the
real broker and PostgreSQL (N art.16, SX §3, ZJ §3.2-3.3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers, read_topic
from shared.contracts import topics
from shared.contracts.events import ConsistencyChecked, ConsistencyDifference

if TYPE_CHECKING:
    from conftest import Harness

def line_of(run: dict[str, Any], insutype: str = "310") -> dict[str, Any]:
    [line] = [x for x in run["lines"] if x["insutype"] == insutype]
    return line


async def settle_and_pay(harness: Harness, run_type: str, period: str) -> dict[str, Any]:
    if run_type == "monthly-settlement":
        await harness.declare(period)  # declarations are the basis of the month (N art.12)
    run = await harness.sign(await harness.month_run(run_type, period))
    for line in run["lines"]:
        if line["status"] == "ordered":
            await harness.bank(line)
            await harness.settled(line)
    return run


async def test_a_zhenjiang_month_prepays_then_settles_payable_less_the_prepayment(harness: Harness) -> None:
    """ZJ §3.2: employee 60 % / resident 50 % of last month's incurred fund payments, before the 10th;
    ZJ §3.3: 月结算支付金额 = 月应付金额 − 月预拨金额."""
    harness.region = "321100"
    await harness.institution()
    await harness.policy(pack="zhenjiang")
    await harness.enroll(criteria=harness.ZJ_CRITERIA)
    await harness.settlement(date(2025, 8, 4), "1000.00")
    await harness.settlement(date(2025, 8, 20), "500.00", med_type="21")
    await harness.settlement(date(2025, 8, 21), "800.00", insutype="390")
    await harness.lines(0)
    await eventually(lambda: _recorded(harness, 3))
    august = await settle_and_pay(harness, "monthly-settlement", "2025-08")
    assert line_of(august)["payment"] == "1500.00" and line_of(august, "390")["payment"] == "800.00"
    assert line_of(august)["by_category"] == {"inpatient": "500.00", "outpatient": "1000.00"}
    # ZJ §3.1: 15 + 5 of September's working days, 19 and 26 Sep (from the 10 Sep deadline it would be 14 Oct)
    assert (august["review_due"], august["due_date"]) == ("2025-09-19", "2025-09-26")

    prepayment = await harness.month_run("monthly-prepayment", "2025-09")
    assert prepayment["status"] == "computed" and prepayment["due_date"] == "2025-09-09"
    assert (line_of(prepayment)["base"], line_of(prepayment)["ratio"], line_of(prepayment)["amount"]) == \
        ("1500.00", "0.60", "900.00")
    assert line_of(prepayment, "390")["amount"] == "400.00"
    prepayment = await settle_and_pay(harness, "monthly-prepayment", "2025-09")

    await harness.settlement(date(2025, 9, 15), "2000.00")
    await harness.settlement(date(2025, 9, 16), "600.00", insutype="390")
    await eventually(lambda: _recorded(harness, 5))
    await harness.declare("2025-09")
    september = await harness.month_run("monthly-settlement", "2025-09")
    employee, resident = line_of(september), line_of(september, "390")
    assert (employee["payable"], employee["already_paid"], employee["payment"]) == ("2000.00", "900.00", "1100.00")
    assert (resident["payable"], resident["already_paid"], resident["payment"]) == ("600.00", "400.00", "200.00")
    # ZJ §3.1 "次月20个工作日内": October's working days, 9 Oct after the holiday and 11 Oct (a Saturday, worked)
    # among them; the 15th is 28 Oct (review), the 20th 4 Nov (payment) — not counted from the 10 Oct deadline.
    assert september["review_due"] == "2025-10-28" and september["due_date"] == "2025-11-04"
    signed = await harness.sign(september)
    assert {line["status"] for line in signed["lines"]} == {"ordered"}
    settled = await read_topic(harness.settings.kafka_bootstrap, harness.settings.topic(topics.MONTHLY_SETTLED.name),
                               until=lambda m: sum(x["payload"]["period"] == "2025-09" for x in m) >= 2)
    mine = {m["payload"]["insutype"]: m["payload"] for m in settled if m["payload"]["period"] == "2025-09"}
    assert (mine["310"]["payable"], mine["310"]["already_paid"], mine["310"]["payment"]) == ("2000.00", "900.00", "1100.00")


async def _recorded(harness: Harness, count: int) -> bool:
    """Recorded and audited: the month is settled after its audit (SX §3)."""
    response = await harness.client.get("/v1/intake", headers=operator_headers(), params={"admdvs": harness.region})
    return bool(response.json()["recorded"] >= count and response.json()["audited"] >= count)


async def test_a_shanxi_negative_net_is_rolled_over_two_months_until_covered(harness: Harness) -> None:
    """SX §3: 60 % of last month's payable prepaid in the first 3 working days; a negative net is deducted first
    from next month's payable and rolled month after month until covered."""
    harness.region = "140100"
    await harness.institution()
    await harness.policy(pack="shanxi")
    await harness.enroll()
    await harness.settlement(date(2025, 6, 10), "1000.00")
    await eventually(lambda: _recorded(harness, 1))
    june = await settle_and_pay(harness, "monthly-settlement", "2025-06")
    assert line_of(june)["payment"] == "1000.00"

    july_prepayment = await settle_and_pay(harness, "monthly-prepayment", "2025-07")
    assert line_of(july_prepayment)["payment"] == "600.00"
    july_record = await harness.settlement(date(2025, 7, 8), "100.00")
    await harness.deduction(july_record, "2025-07", "80.00")  # a confirmed violation (N art.13)
    await eventually(lambda: _recorded(harness, 2))
    await eventually(lambda: _deducted(harness, "2025-07", prepayment="12.00"))  # 60 % × (100.00 − 80.00)
    july = await settle_and_pay(harness, "monthly-settlement", "2025-07")
    line = line_of(july)
    assert (line["payable"], line["deductions"], line["already_paid"]) == ("100.00", "80.00", "600.00")
    assert (line["payment"], line["carried_forward"], line["status"]) == ("0.00", "-580.00", "nothing")

    august_prepayment = await settle_and_pay(harness, "monthly-prepayment", "2025-08")
    assert (line_of(august_prepayment)["base"], line_of(august_prepayment)["payment"]) == ("20.00", "12.00")
    await harness.settlement(date(2025, 8, 12), "300.00")
    await eventually(lambda: _recorded(harness, 3))
    august = await settle_and_pay(harness, "monthly-settlement", "2025-08")
    line = line_of(august)
    assert (line["carried_in"], line["payment"], line["carried_forward"]) == ("-580.00", "0.00", "-292.00")

    september_prepayment = await settle_and_pay(harness, "monthly-prepayment", "2025-09")
    assert line_of(september_prepayment)["payment"] == "180.00"
    await harness.settlement(date(2025, 9, 9), "500.00")
    await eventually(lambda: _recorded(harness, 4))
    september = await settle_and_pay(harness, "monthly-settlement", "2025-09")
    line = line_of(september)
    assert (line["carried_in"], line["already_paid"], line["payment"], line["carried_forward"]) == \
        ("-292.00", "180.00", "28.00", "0.00")


async def _deducted(harness: Harness, period: str, prepayment: str) -> bool:
    """The deduction has reached disbursement: next month's prepayment, 60 % of this month's payable (SX §3-4),
    is computed from the payable less it."""
    response = await harness.client.get("/v1/fund-requests", headers=operator_headers(),
                                        params={"admdvs": harness.region, "period": period})
    funds = response.json().get("funds", {}) if response.status_code == 200 else {}
    return funds.get("310", {}).get("prepayment") == prepayment


async def test_a_reversal_nets_a_paid_line_and_after_the_month_becomes_a_deduction(harness: Harness) -> None:
    """N art.10: a cancelled settlement keeps its history; a line already paid is netted by a negative line in
    the next run; once its month is settled, what was paid is deducted from the next settlement."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    first = await harness.settlement(date(2025, 9, 1), "100.00")
    second_day = date(2025, 9, 2)
    await harness.lines(1)
    paid = line_of(await harness.run(date(2025, 9, 1)))
    assert paid["payment"] == "60.00"
    await harness.reversal(first, date(2025, 9, 1), "100.00")
    second = await harness.settlement(second_day, "50.00")
    await harness.lines(3)  # the new record's line and the negative line
    netted = line_of(await harness.run(date(2025, 9, 2)))
    assert (netted["amount"], netted["payment"], netted["carried_forward"]) == ("-30.00", "0.00", "-30.00")
    await harness.settlement(date(2025, 9, 3), "100.00")
    await harness.lines(4)
    covered = line_of(await harness.run(date(2025, 9, 3)))
    assert (covered["amount"], covered["carried_in"], covered["payment"]) == ("60.00", "-30.00", "30.00")

    await harness.caught_up(recorded=3, audited=3)
    await harness.declare("2025-09")
    september = await harness.sign(await harness.month_run("monthly-settlement", "2025-09"))
    line = line_of(september)
    # payable 150.00 (the cancelled record owes nothing); daily paid 60 − 60 + 30 + 60 = 90
    assert (line["payable"], line["already_paid"], line["payment"]) == ("150.00", "90.00", "60.00")
    await harness.reversal(second, second_day, "50.00")  # cancelled after its month was settled
    await eventually(lambda: _reversed(harness, 2))
    await harness.declare("2025-10")
    october = await harness.sign(await harness.month_run("monthly-settlement", "2025-10"))
    line = line_of(october)
    assert (line["payable"], line["deductions"], line["payment"], line["carried_forward"]) == \
        ("0.00", "50.00", "0.00", "-50.00")


async def _reversed(harness: Harness, count: int) -> bool:
    response = await harness.client.get("/v1/intake", headers=operator_headers(), params={"admdvs": harness.region})
    return bool(response.json()["reversed"] >= count)


async def test_a_monthly_run_waits_for_an_operators_signature(harness: Harness) -> None:
    """JL art.11: the summary is signed before it is handed on; signing twice changes nothing."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.00")
    await eventually(lambda: _recorded(harness, 1))
    await harness.declare("2025-09")
    run = await harness.month_run("monthly-settlement", "2025-09")
    assert run["status"] == "computed" and line_of(run)["status"] == "computed" and run["signed_by"] is None
    signed = await harness.sign(run)
    assert signed["status"] == "ordered" and signed["signed_by"] == "张会计"
    assert (await harness.sign(run))["signed_at"] == signed["signed_at"]
    again = await harness.month_run("monthly-settlement", "2025-09")
    assert again["run_id"] == run["run_id"]


async def test_a_settlement_cannot_be_signed_while_business_and_finance_disagree(harness: Harness) -> None:
    """N art.19, art.22: accounting's check of the month is shown on the run; an unexplained difference blocks
    the signature, and once explained the month is signed."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.00")
    await eventually(lambda: _recorded(harness, 1))
    await harness.declare("2025-09")
    run = await harness.month_run("monthly-settlement", "2025-09")
    assert run["consistency"] == {"checked": False}
    difference = ConsistencyDifference(fixmedins_code=harness.code, insutype="310", kind="ordered-not-paid",
                                       business=Decimal("60.00"), bank=Decimal("0.00"), books=Decimal("0.00"))
    at = datetime.now(UTC)
    await harness.send(topics.CONSISTENCY_CHECKED, ConsistencyChecked(
        admdvs=harness.region, period="2025-09", agreed=False, differences=[difference], checked_at=at))

    async def checked(explained: int) -> bool:
        view = (await harness.client.get(f"/v1/runs/{run['run_id']}", headers=operator_headers())).json()
        return bool(view["consistency"].get("checked") and
                    len(view["consistency"]["differences"]) - view["consistency"]["unexplained"] == explained)

    await eventually(lambda: checked(0))
    response = await harness.client.post(f"/v1/runs/{run['run_id']}/sign-off", headers=operator_headers(),
                                         json={"signed_by": "张会计"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [{"field": f"{harness.code}/310",
                                  "message": "ordered-not-paid: business 60.00, bank 0.00, books 0.00"}]
    explained = difference.model_copy(update={"explained": True, "explanation": "receipt came late; paid on 2 Oct"})
    await harness.send(topics.CONSISTENCY_CHECKED, ConsistencyChecked(
        admdvs=harness.region, period="2025-09", agreed=False, differences=[explained],
        checked_at=at + timedelta(seconds=1)))

    await eventually(lambda: checked(1))
    response = await harness.client.post(f"/v1/runs/{run['run_id']}/sign-off", headers=operator_headers(),
                                         json={"signed_by": "张会计"})
    view = response.json()
    assert view["status"] == "ordered" and view["consistency"]["unexplained"] == 0
