"""Special cases (特例单议) through the service on the real broker and PostgreSQL: pending until the panel
decides, prepaid a share each month where they clear at year end (N art.16), reviewed quarterly and settled as a
supplement in Jilin (JL art.16)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from launcher.policy import MAKER
from launcher.testing import operator_headers
from shared.auth import actor_header

if TYPE_CHECKING:  # the fixture's class, from this folder's conftest.py
    from conftest import Harness


async def claim(harness: Harness, review_period: str, claimed: str) -> dict[str, Any]:
    response = await harness.client.post("/v1/special-cases", headers=operator_headers(), json={
        "admdvs": harness.region, "fixmedins_code": harness.code, "insutype": "310", "review_period": review_period,
        "claimed": claimed, "description": "罕见病长期住院"})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def decide(harness: Harness, case: dict[str, Any], **body: Any) -> Any:
    return await harness.client.post(f"/v1/special-cases/{case['case_id']}/decision", headers=operator_headers(),
                                     json={"decided_by": "专家组 王主任", **body})


def payment_of(run: dict[str, Any]) -> str:
    [line] = run["lines"]
    return str(line["payment"])


async def test_cases_cleared_at_year_end_are_prepaid_a_share_each_month_while_pending(harness: Harness) -> None:
    """N art.16 "实行年底统一清算的，要对特例单议按月给予一定比例的预拨，年底再进行清算": 10 % of a 37,037.00 claim
    is prepaid in September, October and November (3,703.70 each); the year cannot clear while it is pending;
    approved at 15,000.00 the clearing pays 15,000.00 − 11,111.10 = 3,888.90, and a rejected case gives its
    100.00 prepayment back."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="national",
                         special_cases={"review": "monthly", "clearing": "year_end", "prepay_share": "0.10"})
    case = await claim(harness, "2025-09", "37037.00")
    assert case["status"] == "pending"
    for month in ("2025-09", "2025-10"):
        assert payment_of(await harness.sign(await harness.month_run("special-cases", month))) == "3703.70"
    again = await harness.month_run("special-cases", "2025-10")  # asked again: the same run, nothing prepaid twice
    assert payment_of(again) == "3703.70" and again["prepaid"] == "3703.70"
    rejected = await claim(harness, "2025-11", "1000.00")
    november = await harness.sign(await harness.month_run("special-cases", "2025-11"))
    assert (payment_of(november), november["prepaid"]) == ("3803.70", "3803.70")  # 3,703.70 + 100.00

    await harness.settlement(date(2025, 12, 3), "100.00")
    await harness.caught_up(recorded=1, audited=1)
    await harness.declare("2025-12")
    await harness.sign(await harness.month_run("monthly-settlement", "2025-12"))
    early = await harness.client.post("/v1/runs/annual-clearing", headers=operator_headers(),
                                      json={"admdvs": harness.region, "year": 2025})
    assert early.status_code == 409, early.text
    assert {e["field"] for e in early.json()["errors"]} == {f"case/{case['case_id']}", f"case/{rejected['case_id']}"}

    approved = await decide(harness, case, decision="approve", approved="15000.00")
    assert approved.status_code == 200 and approved.json()["decided_by"] == "专家组 王主任"
    assert (await decide(harness, case, decision="approve", approved="15000.00")).status_code == 200  # the same again
    assert (await decide(harness, case, decision="reject", reason="重复申报")).status_code == 409
    assert (await decide(harness, rejected, decision="reject", reason="不符合特例条件")).status_code == 200
    clearing = await harness.client.post("/v1/runs/annual-clearing", headers=operator_headers(),
                                         json={"admdvs": harness.region, "year": 2025})
    assert clearing.status_code == 200, clearing.text
    [line] = clearing.json()["lines"]
    assert (line["special_remainders"], line["payment"]) == ("3788.90", "3788.90")  # 3,888.90 − 100.00
    view = (await harness.client.get(f"/v1/special-cases/{case['case_id']}", headers=operator_headers())).json()
    assert [(p["period"], p["amount"]) for p in view["prepayments"]] == \
        [("2025-09", "3703.70"), ("2025-10", "3703.70"), ("2025-11", "3703.70")]
    assert (view["paid_before_clearing"], view["cleared_run_id"]) == ("11111.10", clearing.json()["run_id"])
    listing = (await harness.client.get("/v1/special-cases", headers=operator_headers(),
                                        params={"admdvs": harness.region, "status": "rejected"})).json()
    assert [c["case_id"] for c in listing["cases"]] == [rejected["case_id"]]


async def test_a_share_of_zero_is_refused_where_cases_clear_at_year_end(harness: Harness) -> None:
    """N art.16: year-end clearing owes a monthly prepaid share, so 0 is no such policy; nor is a quarterly
    review, which cannot prepay month by month."""
    for special_cases in ({"clearing": "year_end", "prepay_share": "0"},
                          {"review": "quarterly", "clearing": "year_end", "prepay_share": "0.2"}):
        response = await harness.client.put(f"/v1/regions/{harness.region}/policy",
                                            headers={**operator_headers(), **actor_header(MAKER)},
                                            json={"pack": "national", "effective_from": "2025-01-01",
                                                  "special_cases": special_cases})
        assert response.status_code == 422, response.text
        assert "N art.16" in response.text


async def test_jilin_reviews_special_cases_quarterly_and_settles_each_decided_one_as_a_supplement(
        harness: Harness) -> None:
    """JL art.16 "按季度开展特例单议…根据评议结果及时予以补充结算": a case of 2025-Q3 waits for the panel; approved at
    5,000.00 of 6,000.00 claimed it is paid in full as a supplement with September's settlement (JL art.15: 20
    working days from the day after the 2025-10-10 declaration deadline, the make-up Saturday 2025-10-11 counted):
    2025-11-06. A case of 2025-Q3 claimed after that run would never be paid, so it is refused."""
    await harness.institution()
    await harness.enroll()
    await harness.policy()  # the Jilin pack
    monthly = await harness.client.post("/v1/special-cases", headers=operator_headers(), json={
        "admdvs": harness.region, "fixmedins_code": harness.code, "insutype": "310", "review_period": "2025-09",
        "claimed": "6000.00", "description": "x"})
    assert monthly.status_code == 422 and monthly.json()["errors"][0]["field"] == "review_period"
    case = await claim(harness, "2025-Q3", "6000.00")
    waiting = await harness.client.post("/v1/runs/special-cases", headers=operator_headers(),
                                        json={"admdvs": harness.region, "period": "2025-Q3"})
    assert waiting.status_code == 409 and waiting.json()["errors"][0]["field"] == f"case/{case['case_id']}"
    assert (await decide(harness, case, decision="approve")).status_code == 422  # an approval names its amount
    assert (await decide(harness, case, decision="approve", approved="5000.00")).status_code == 200
    run = await harness.month_run("special-cases", "2025-Q3")
    assert (run["status"], run["due_date"], payment_of(run)) == ("computed", "2025-11-06", "5000.00")
    signed = await harness.sign(run)
    assert (signed["status"], signed["signed_by"]) == ("ordered", "张会计")
    late = await harness.client.post("/v1/special-cases", headers=operator_headers(), json={
        "admdvs": harness.region, "fixmedins_code": harness.code, "insutype": "310", "review_period": "2025-Q3",
        "claimed": "800.00", "description": "迟报"})
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "review_period", late.text


async def test_a_region_prepaying_once_prepays_a_single_share_and_clears_the_rest(harness: Harness) -> None:
    """N art.16 read as one prepayment (``prepay_cadence: once``): 10 % of a 37,037.00 claim, 3,703.70, in its
    month and nothing in the next; approved at 15,000.00 the clearing pays 15,000.00 − 3,703.70 = 11,296.30."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(pack="national", special_cases={"clearing": "year_end", "prepay_share": "0.10",
                                                         "prepay_cadence": "once"})
    case = await claim(harness, "2025-10", "37037.00")
    october = await harness.sign(await harness.month_run("special-cases", "2025-10"))
    assert (payment_of(october), october["prepaid"]) == ("3703.70", "3703.70")
    november = await harness.month_run("special-cases", "2025-11")
    assert (november["lines"], november["prepaid"]) == ([], "0.00")
    assert (await decide(harness, case, decision="approve", approved="15000.00")).status_code == 200
    await harness.settlement(date(2025, 12, 3), "100.00")
    await harness.caught_up(recorded=1, audited=1)
    await harness.declare("2025-12")
    await harness.sign(await harness.month_run("monthly-settlement", "2025-12"))
    clearing = await harness.client.post("/v1/runs/annual-clearing", headers=operator_headers(),
                                         json={"admdvs": harness.region, "year": 2025})
    assert clearing.status_code == 200, clearing.text
    [line] = clearing.json()["lines"]
    assert (line["special_remainders"], line["payment"]) == ("11296.30", "11296.30")
    after = await harness.client.post("/v1/special-cases", headers=operator_headers(), json={
        "admdvs": harness.region, "fixmedins_code": harness.code, "insutype": "310", "review_period": "2025-12",
        "claimed": "500.00", "description": "清算后补报"})
    assert after.status_code == 422 and "annual-clearing" in after.text  # the year is cleared: never paid
