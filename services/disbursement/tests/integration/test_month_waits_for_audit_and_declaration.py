"""A month is netted only after what the seeds put before it: the month itself, the declarations, the audit
(SX §3 "待完成…月度审核、协议核查…后，再…轧差清算"; ZJ §3.1; N art.12, art.13, art.16) — worked through the
service on the real broker and PostgreSQL. And what the employee fund settles includes the personal account
where the region says so (ZJ §2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers
from shared.contracts.codes import SHANGHAI

if TYPE_CHECKING:
    from conftest import Harness


def line_of(run: dict[str, Any], code: str, insutype: str = "310") -> dict[str, Any]:
    [line] = [x for x in run["lines"] if x["fixmedins_code"] == code and x["insutype"] == insutype]
    return line


async def settlement(harness: Harness, period: str) -> tuple[int, dict[str, Any]]:
    response = await harness.client.post("/v1/runs/monthly-settlement", headers=operator_headers(),
                                         json={"admdvs": harness.region, "period": period})
    return response.status_code, response.json()


async def test_a_month_not_over_or_still_open_to_declarations_is_refused_naming_both(harness: Harness) -> None:
    """N art.16: the settlement counts from the day after the declaration deadline; this month has neither
    ended nor closed its declarations."""
    await harness.policy(pack="national")
    this_month = f"{datetime.now(SHANGHAI):%Y-%m}"
    status, problem = await settlement(harness, this_month)
    assert status == 409 and problem["type"].endswith("/settlement-not-ready")
    assert [e["field"] for e in problem["errors"]] == ["period", "declaration_deadline"]
    # the scheduler does not even ask before the deadline: on 10 Sep, August is still open to declarations
    response = await harness.client.post("/v1/runs/scheduled", headers=operator_headers(), json={"date": "2025-09-10"})
    assert [r for r in response.json()["runs"] if r["admdvs"] == harness.region] == []


async def test_the_month_waits_for_its_review_and_then_deducts_what_the_review_confirmed(harness: Harness) -> None:
    """SX §3 / N art.13: while a record of August is under manual review the month is not netted (409, and the
    scheduler reports it waiting); once the reviewer confirms 30.00 of it, the month settles with the deduction
    confirmed inside the review window (月度抵扣)."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="national")  # path A: the month is paid by its settlement
    await harness.settlement(date(2025, 8, 5), "1000.00")
    doubtful = await harness.settlement(date(2025, 8, 6), "200.00", audit="suspicious")
    await harness.caught_up(recorded=2, audited=2)
    await harness.declare("2025-08")

    status, problem = await settlement(harness, "2025-08")
    assert status == 409 and [e["field"] for e in problem["errors"]] == ["audit"]
    assert "0 settlement(s) not yet audited, 1 under manual review" in problem["errors"][0]["message"]
    response = await harness.client.post("/v1/runs/scheduled", headers=operator_headers(), json={"date": "2025-09-11"})
    [waiting] = [r for r in response.json()["runs"] if r["admdvs"] == harness.region]
    assert waiting["run_type"] == "monthly-settlement" and "audit has not ended" in waiting["errors"][0]["message"]

    # audit publishes the reviewed outcome with its deduction, and the deduction on its own topic: the month,
    # settled as soon as the review ends, deducts it whichever disbursement reads first — and only once
    confirmed = harness.a_deduction(doubtful, "2025-08", "30.00")
    await harness.audited(doubtful, "violation", vola_amt="30.00", stage="reviewed", deduction=confirmed)
    await harness.reviewed()
    run = await harness.month_run("monthly-settlement", "2025-08")
    line = line_of(run, harness.code)
    assert (line["payable"], line["deductions"], line["payment"]) == ("1200.00", "30.00", "1170.00")
    # N art.16: 20 working days from the day after the 10 Sep deadline, across National Day
    assert (run["declaration_deadline"], run["due_date"]) == ("2025-09-10", "2025-10-14")
    await harness.deduction(doubtful, "2025-08", "30.00", deduction=confirmed)  # the same one, read later
    # then, on the same partition, a September record and its deduction of 5.00: once that is in, so is the
    # repeated one before it
    later = await harness.settlement(date(2025, 9, 1), "100.00")
    await harness.deduction(later, "2025-09", "5.00")
    await eventually(lambda: _fund_request_is(harness, "2025-09", "95.00"))
    await harness.declare("2025-09")
    september = line_of(await harness.month_run("monthly-settlement", "2025-09"), harness.code)
    assert (september["deductions"], september["payment"]) == ("5.00", "95.00")  # the 30.00 not again


async def _fund_request_is(harness: Harness, period: str, settlement: str) -> bool:
    response = await harness.client.get("/v1/fund-requests", headers=operator_headers(),
                                        params={"admdvs": harness.region, "period": period})
    return bool(response.json().get("funds", {}).get("310", {}).get("settlement") == settlement)


async def test_where_the_region_settles_open_records_later_a_held_record_waits_for_its_review(
        harness: Harness) -> None:
    """``open_review: settle_later``: the month settles what is decided; a record under review is settled by a
    later settlement, once, as its review decides (N art.13)."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="national", settlement={"open_review": "settle_later"})
    await harness.settlement(date(2025, 8, 5), "1000.00")
    doubtful = await harness.settlement(date(2025, 8, 6), "200.00", audit="suspicious")
    await harness.caught_up(recorded=2, audited=2)
    await harness.declare("2025-08")
    august = await harness.month_run("monthly-settlement", "2025-08")
    assert (line_of(august, harness.code)["payable"], august["records"]) == ("1000.00", 1)

    await harness.audited(doubtful, "pass", stage="reviewed")  # dismissed: it owes in full
    await harness.declare("2025-09")

    async def decided() -> bool:
        counts = (await harness.client.get("/v1/intake", headers=operator_headers(),
                                           params={"admdvs": harness.region})).json()
        return bool(counts["under_review"] == 0)

    await eventually(decided)
    september = await harness.month_run("monthly-settlement", "2025-09")
    assert (line_of(september, harness.code)["payable"], september["records"]) == ("200.00", 1)


async def test_an_undeclared_institution_is_held_until_it_declares(harness: Harness) -> None:
    """N art.12: declarations are the basis. Of two hospitals with August settlements only one declared; the
    other's records wait (``undeclared: hold``) and are settled by the first settlement after it declares."""
    await harness.institution()
    await harness.enroll()
    declared, silent = harness.code, f"{harness.code}X"
    harness.code = silent
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="national")
    await harness.settlement(date(2025, 8, 5), "400.00")
    harness.code = declared
    await harness.settlement(date(2025, 8, 5), "700.00")
    await harness.caught_up(recorded=2, audited=2)
    await harness.declare("2025-08")
    august = await harness.month_run("monthly-settlement", "2025-08")
    assert line_of(august, declared)["payable"] == "700.00"
    assert [x for x in august["lines"] if x["fixmedins_code"] == silent] == []
    assert (august["undeclared"], august["declared"]) == ([], [declared])

    await harness.declare("2025-08", code=silent)  # late, but declared
    await harness.declare("2025-09")
    september = await harness.month_run("monthly-settlement", "2025-09")
    assert line_of(september, silent)["payable"] == "400.00"


async def test_zhenjiang_settles_the_personal_account_without_its_mutual_aid(harness: Harness) -> None:
    """ZJ §2 "职工医保基金(含统筹和个人账户，不含个人账户共济)": a settlement of 1,000.00 from the pooled fund and
    260.00 from the personal account, 60.00 of it mutual aid, settles 1,200.00; the next month's prepayment is
    60 % of it (ZJ §3.2)."""
    harness.region = "321100"
    await harness.institution()
    await harness.policy(pack="zhenjiang")
    await harness.enroll(criteria=harness.ZJ_CRITERIA)
    await harness.settlement(date(2025, 8, 4), "1000.00", acct_pay="260.00", acct_mulaid_pay="60.00")
    await harness.caught_up(recorded=1, audited=1)
    await harness.declare("2025-08")
    august = line_of(await harness.month_run("monthly-settlement", "2025-08"), harness.code)
    assert (august["payable"], august["payment"]) == ("1200.00", "1200.00")
    assert august["by_category"] == {"outpatient": "1000.00", "personal_account": "200.00"}
    prepayment = line_of(await harness.month_run("monthly-prepayment", "2025-09"), harness.code)
    assert (prepayment["base"], prepayment["amount"]) == ("1200.00", "720.00")


async def test_a_region_without_the_personal_account_settles_the_fund_payment_alone(harness: Harness) -> None:
    """N art.3 names the pooled funds: off by default, the personal account is not the fund's to settle."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="national")
    await harness.settlement(date(2025, 8, 4), "1000.00", acct_pay="260.00")
    await harness.caught_up(recorded=1, audited=1)
    await harness.declare("2025-08")
    august = line_of(await harness.month_run("monthly-settlement", "2025-08"), harness.code)
    assert (august["payable"], august["by_category"]) == ("1000.00", {"outpatient": "1000.00"})
