"""The console in a real browser (Debian's Chromium, driven by Playwright): the stories the agency's staff live
by, four eyes included, every page checked by axe-core and kept as a screenshot under .run/artefacts/console."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright, expect

from launcher.testing import eventually, operator_headers
from launcher.tools import chromium
from tests.console.conftest import Console, artefact
from tests.console.world import DAY, a_region, its_warning

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium()), args=["--no-sandbox"])
        yield launched
        await launched.close()


async def signed_in(browser: Browser, console: Console, username: str, password: str) -> Page:
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")).new_page()
    await page.goto(f"{console.url}/login")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await expect(page).to_have_title("今日 · 即时结算经办平台")
    return page


async def as_(browser: Browser, console: Console, role: str) -> Page:
    login = console.logins[role]
    return await signed_in(browser, console, login.username, login.password)


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=artefact(f"{name}.png"), full_page=True)


async def disbursement(console: Console, path: str) -> dict:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(f"{console.stack.url('disbursement')}{path}", headers=operator_headers())
        assert response.status_code == 200, response.text
        return dict(response.json())


async def test_a_clerk_prepares_the_day_is_refused_as_its_approver_and_an_approver_signs_it_to_the_bank(
        console: Console, browser: Browser, region: str) -> None:
    """JL art.11 (the daily summary is signed), N art.22 (four eyes, traceable): a person who is both clerk and
    approver prepares the day and is refused — by disbursement, not only by the page — when signing it; the
    approver's signature sends 2 × 15.00 × 60 % = 18.00 to the bank, which pays it."""
    async with httpx.AsyncClient(timeout=60) as client:
        world = await a_region(console, client, region)
    admin = await as_(browser, console, "admin")
    await admin.goto(f"{console.url}/operators")
    await admin.fill("#username", "zhou.both")
    await admin.fill("#display_name", "周兼岗")
    await admin.check("input[name=roles][value=clerk]")
    await admin.check("input[name=roles][value=approver]")
    await admin.fill("#password", "zhou-password-1")
    await admin.click("form.card button[type=submit]")
    await expect(admin.locator(".flash")).to_contain_text("zhou.both")
    await shot(admin, "operators")

    both = await signed_in(browser, console, "zhou.both", "zhou-password-1")
    await both.goto(f"{console.url}/runs")
    await both.select_option("#run_type", "daily-disbursement")
    await both.fill("#prep-admdvs", region)
    await both.fill("#business_date", DAY.isoformat())
    await both.click("form.card button[type=submit]")
    await expect(both.locator("h1")).to_contain_text(f"日拨付业务拨付汇总表 {region} {DAY}")
    await expect(both.get_by_role("row", name="经办（生成）")).to_contain_text("周兼岗 (zhou.both)")
    run_url = both.url
    await both.click("text=签字并拨付")
    await expect(both.locator(".problem")).to_contain_text("403 A second person must do this")
    await shot(both, "run-four-eyes-refused")
    run_id = run_url.rsplit("/", 1)[-1]
    assert (await disbursement(console, f"/v1/runs/{run_id}"))["status"] == "computed"

    approver = await as_(browser, console, "approver")
    await approver.goto(run_url)
    await expect(approver.locator("tfoot")).to_contain_text("18.00")
    await approver.click("text=签字并拨付")
    await expect(approver.locator(".flash")).to_contain_text("ordered (李复核 (li.approver))")
    run = await disbursement(console, f"/v1/runs/{run_id}")
    assert (run["prepared_by"], run["signed_by"], run["payment_total"]) == (
        "周兼岗 (zhou.both)", "李复核 (li.approver)", "18.00")

    async def paid() -> bool:
        lines = (await disbursement(console, f"/v1/runs/{run_id}"))["lines"]
        return all(line["status"] == "paid" for line in lines)

    await eventually(paid, timeout=60)
    await approver.goto(run_url)
    await shot(approver, "run-signed")
    voucher = (await disbursement(console, f"/v1/runs/{run_id}"))["lines"][0]["voucher_no"]
    await approver.goto(f"{console.url}/bank?status=paid")
    await expect(approver.get_by_role("link", name=voucher)).to_be_visible()
    await shot(approver, "bank")
    pdf = await approver.request.get(f"{console.url}/bank/vouchers/{voucher}.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and (await pdf.body()).startswith(b"%PDF")
    xlsx = await approver.request.get(f"{run_url}/summary.xlsx")
    assert xlsx.ok and (await xlsx.body()).startswith(b"PK")

    await approver.goto(f"{console.url}/trail?username=zhou.both")
    trail = approver.locator("tbody")
    await expect(trail).to_contain_text("prepare_run")
    await expect(trail.locator("tr", has_text="sign_run")).to_contain_text("refused")
    await shot(approver, "trail")
    assert len(world.records) == 2


async def test_a_reviewer_confirms_a_finding_with_an_amount_and_the_month_deducts_it(
        console: Console, browser: Browser, region: str) -> None:
    """N art.13, JL art.13 (月度抵扣): the metformin line without a diabetes diagnosis is held as suspicious; the
    reviewer confirms 10.00 of it; the month's settlement deducts exactly that."""
    async with httpx.AsyncClient(timeout=60) as client:
        world = await a_region(console, client, region, doubtful=True)
        reviewer = await as_(browser, console, "reviewer")
        await reviewer.goto(f"{console.url}/review?admdvs={region}")
        await shot(reviewer, "review")
        await reviewer.click(f"text=D{region}")
        await expect(reviewer.locator("h2", has_text="MED-IND-01")).to_be_visible()
        await expect(reviewer.locator("section.card")).to_contain_text("XA10BAA059A001010100")
        await shot(reviewer, "finding")
        await reviewer.fill("#amount", "1,0.5.5")
        await reviewer.fill("#reason", "二甲双胍无糖尿病诊断")
        await reviewer.click("form.card button[type=submit]")
        await expect(reviewer.locator(".error")).to_be_visible()  # a clear message, nothing decided
        await reviewer.fill("#amount", "10.00")
        await reviewer.fill("#reason", "二甲双胍无糖尿病诊断，超限定支付范围")
        await reviewer.click("form.card button[type=submit]")
        await expect(reviewer.locator("h1")).to_contain_text("confirmed")
        await expect(reviewer.locator("table").last).to_contain_text("赵审核 (zhao.reviewer)")

        await world.api.declare(world.token, "2025-09", world.records)
        await world.api.wait_intake(region, audited=3, declarations=1)
        run = await world.api.monthly_settlement(region, "2025-09")
    [line] = [x for x in run["lines"] if x["fixmedins_code"] == world.hospital.fixmedins_code]
    assert line["deductions"] == "10.00"
    clerk = await as_(browser, console, "clerk")
    await clerk.goto(f"{console.url}/runs/{run['run_id']}")
    await expect(clerk.locator("tbody").nth(1)).to_contain_text("10.00")
    await shot(clerk, "monthly-settlement")
    assert Decimal(line["payable"]) == sum(Decimal(r["fund_pay_sumamt"]) for r in world.records)


async def test_a_policy_change_waits_for_a_second_person(console: Console, browser: Browser, region: str) -> None:
    """N art.22 (four eyes on a region's policy): the clerk proposes the employee fund at 50 % instead of 60 %
    (JL art.11); nothing changes until the approver approves, after reading the diff."""
    async with httpx.AsyncClient(timeout=60) as client:
        await a_region(console, client, region)
    clerk = await as_(browser, console, "clerk")
    await clerk.goto(f"{console.url}/policy/{region}")
    await clerk.fill("#effective_from", "2025-10-01")
    await clerk.fill("#overrides", '{"ratios": {"310": "0.50"}}')
    await clerk.click("#propose-title ~ p button")
    await expect(clerk.locator(".flash")).to_contain_text("awaits a second person")
    await expect(clerk.locator("section.card table")).to_contain_text("ratios.310")
    await shot(clerk, "policy-proposed")
    assert (await disbursement(console, f"/v1/regions/{region}/policy"))["version"] == 1

    approver = await as_(browser, console, "approver")
    await approver.goto(f"{console.url}/policy/{region}")
    await expect(approver.locator("section.card tbody")).to_contain_text("0.60")
    await approver.get_by_role("button", name="批准", exact=True).click()
    await expect(approver.locator(".flash")).to_contain_text("version 2 in force")
    await shot(approver, "policy-approved")
    in_force = await disbursement(console, f"/v1/regions/{region}/policy")
    assert (in_force["version"], in_force["ratios"]["310"]) == (2, "0.50")
    versions = (await disbursement(console, f"/v1/regions/{region}/policy/versions"))["items"]
    assert (versions[-1]["proposed_by"], versions[-1]["approved_by"]) == ("王经办 (wang.clerk)", "李复核 (li.approver)")


async def test_a_reviewer_lowers_a_warned_institutions_ratio_from_its_warning(
        console: Console, browser: Browser, region: str) -> None:
    """N art.20-21, JL art.23: the warning shows the record that raised it; the ratio the reviewer lowers, with
    who and why, is what disbursement then holds for the institution."""
    async with httpx.AsyncClient(timeout=60) as client:
        world = await a_region(console, client, region, doubtful=True, watched=True)
        warning = await its_warning(world)
    code = world.hospital.fixmedins_code
    reviewer = await as_(browser, console, "reviewer")
    await reviewer.goto(f"{console.url}/risk?admdvs={region}")
    await reviewer.get_by_role("link", name=code).click()
    await expect(reviewer.locator("h1")).to_contain_text("violation_rate")
    await expect(reviewer.locator("tbody").nth(1)).to_contain_text(f"D{region}")  # the doubtful record
    await reviewer.select_option("#measure", "lower_ratio")
    await reviewer.fill("#ratio", "0.30")
    await reviewer.fill("#effective_from", "2025-09-03")
    await reviewer.fill("#reason", "违规率超标")
    await reviewer.click("#measure-title ~ p button")
    await expect(reviewer.locator(".flash")).to_contain_text(f"{code} · violation_rate: lower_ratio")
    await shot(reviewer, "risk-measure")

    async def carried_out() -> list[dict] | None:
        return (await disbursement(console, f"/v1/enrollments/{code}"))["risk_measures"] or None
    [measure] = await eventually(carried_out)
    assert (measure["warning_id"], measure["measure"], measure["ratio"], measure["effective_from"],
            measure["taken_by"], measure["outcome"]) == (warning["warning_id"], "lower_ratio", "0.3000",
                                                         "2025-09-03", console.logins["reviewer"].actor, "applied")


async def test_every_page_has_no_serious_or_critical_accessibility_violation(
        console: Console, browser: Browser, region: str) -> None:
    """axe-core on every page of the console, in Chinese and in English: zero serious or critical violations."""
    async with httpx.AsyncClient(timeout=60) as client:
        world = await a_region(console, client, region, doubtful=True, watched=True)
        run = await world.api.daily_run(region, DAY.isoformat(), signed_by=None)
        [finding] = (await world.api.operator_get("audit", "/v1/findings", admdvs=region, status="open"))["items"]
        warning = await its_warning(world)
    pages = ["/", "/runs", f"/runs/{run['run_id']}", "/review", f"/review/{finding['finding_id']}",
             "/risk", f"/risk/{warning['warning_id']}",
             "/institutions", f"/institutions/{world.hospital.fixmedins_code}", "/policy", f"/policy/{region}",
             "/bank", "/books", "/trail", "/operators"]
    login_page = await (await browser.new_context()).new_page()
    await login_page.goto(f"{console.url}/login")
    admin = await as_(browser, console, "admin")
    approver = await as_(browser, console, "approver")
    axe, report = Axe(), {}
    for lang in ("zh", "en"):
        checks = [("login", login_page, f"{console.url}/login?lang={lang}")]
        checks += [(path, admin if path in ("/operators", "/books") else approver, f"{console.url}{path}?lang={lang}")
                   for path in pages]
        for name, page, url in checks:
            response = await page.goto(url)
            assert response is not None and response.status == 200, (url, response and response.status)
            result = await axe.run(page)
            bad = [v for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
            report[f"{lang} {name}"] = [f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)" for v in bad]
            slug = name.strip("/").replace("/", "-") or "today"
            await shot(page, f"page-{lang}-{slug[:40]}")
    artefact("axe.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    assert {page: found for page, found in report.items() if found} == {}
