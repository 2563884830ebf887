"""The console over plain HTTP, as a browser without JavaScript would use it: sessions, roles, CSRF, and a
clear message for every bad form — with nothing stored (N art.22: every action traceable to its person)."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from launcher.testing import operator_headers
from tests.console.conftest import Console, csrf_of
from tests.console.world import DAY, a_region, its_warning

pytestmark = pytest.mark.e2e


async def test_a_page_without_a_session_sends_to_the_login_and_a_bad_password_is_refused(
        console: Console, http: httpx.AsyncClient) -> None:
    """N art.22: every action is a known person's; without a session nothing is shown or done."""
    page = await http.get(f"{console.url}/runs")
    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/runs")
    assert (await http.post(f"{console.url}/runs", data={"run_type": "daily-disbursement"})).status_code == 401
    login = await http.get(f"{console.url}/login")
    wrong = await http.post(f"{console.url}/login", data={"csrf_token": csrf_of(login.text), "username": "admin",
                                                          "password": "not the password"})
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
    no_csrf = await http.post(f"{console.url}/login", data={"username": "admin",
                                                            "password": console.logins["admin"].password})
    assert no_csrf.status_code == 403 and "jishi_session" not in no_csrf.headers.get("set-cookie", "")


async def test_a_session_without_the_role_gets_403_and_nothing_is_signed(console: Console, region: str) -> None:
    """JL art.11: only an approver signs the summary; a clerk's signature is refused by the console."""
    async with httpx.AsyncClient(timeout=60) as client:
        world = await a_region(console, client, region)
        run = await world.api.daily_run(region, DAY.isoformat(), signed_by=None)
    async with console.as_("clerk") as clerk:
        page = await clerk.get(f"{console.url}/runs/{run['run_id']}")
        assert page.status_code == 200 and "签字并拨付" not in page.text  # no sign-off form for a clerk
        refused = await clerk.post(f"{console.url}/runs/{run['run_id']}/sign-off",
                                   data={"csrf_token": csrf_of(page.text)})
        assert refused.status_code == 403 and "sign_run" in refused.text
        books = await clerk.get(f"{console.url}/books")
        assert books.status_code == 403
    async with httpx.AsyncClient(timeout=30) as client:
        now = (await client.get(f"{console.stack.url('disbursement')}/v1/runs/{run['run_id']}",
                                headers=operator_headers())).json()
    assert (now["status"], now["signed_by"]) == ("computed", None)


async def test_a_form_without_its_csrf_token_is_refused_and_stores_nothing(console: Console) -> None:
    """A forged cross-site form (no synchroniser token) creates no operator."""
    async with console.as_("admin") as admin:
        forged = await admin.post(f"{console.url}/operators", data={
            "username": "mallory", "display_name": "Mallory", "roles": "admin", "password": "long enough pass"})
        assert forged.status_code == 403 and "CSRF" in forged.text
        wrong = await admin.post(f"{console.url}/operators", data={
            "csrf_token": "not-the-token", "username": "mallory", "display_name": "Mallory", "roles": "admin",
            "password": "long enough pass"})
        assert wrong.status_code == 403
        assert "mallory" not in (await admin.get(f"{console.url}/operators")).text


async def test_bad_input_on_every_form_gets_a_message_on_the_page_and_nothing_is_stored(
        console: Console, region: str) -> None:
    """Each form's bad value comes back next to its field (422) and nothing reaches a service or the trail."""
    async with httpx.AsyncClient(timeout=60) as client:
        world = await a_region(console, client, region, doubtful=True, watched=True)
        run = await world.api.daily_run(region, DAY.isoformat(), signed_by=None)
        [finding] = (await world.api.operator_get("audit", "/v1/findings", admdvs=region, status="open"))["items"]
        warning = await its_warning(world)
    code = world.hospital.fixmedins_code
    risk = f"/risk/{warning['warning_id']}"
    cases = [
        ("clerk", "/runs", "/runs", {"run_type": "daily-disbursement", "admdvs": "12345", "business_date": "2025-09-02"},
         "String should match pattern"),
        ("clerk", "/runs", "/runs", {"run_type": "monthly-settlement", "admdvs": region, "period": ""},
         "a monthly run needs its period"),
        ("approver", f"/runs/{run['run_id']}", f"/runs/{run['run_id']}/sign-off", {"note": "长" * 501},
         "at most 500 characters"),
        ("reviewer", f"/review/{finding['finding_id']}", f"/review/{finding['finding_id']}/decision",
         {"decision": "confirm", "amount": "12.345", "reason": "超量"}, "decimal places"),
        ("reviewer", f"/review/{finding['finding_id']}", f"/review/{finding['finding_id']}/decision",
         {"decision": "confirm", "amount": "10.00", "reason": " "}, "at least 1 character"),
        ("clerk", f"/institutions/{code}", f"/institutions/{code}/enrollment", {"action": "pause", "reason": "x"},
         "Input should be"),
        ("clerk", f"/policy/{region}", f"/policy/{region}/proposals",
         {"pack": "jilin", "effective_from": "2025-10-01", "overrides": "{ratios: 0.5}"}, "not JSON"),
        ("clerk", f"/policy/{region}", f"/policy/{region}/proposals",
         {"pack": "guangdong", "effective_from": "2025-10-01", "overrides": "{}"}, "Input should be"),
        ("reviewer", risk, f"{risk}/measures", {"measure": "lower_ratio", "ratio": "0.30", "reason": "超标"},
         "a lowered ratio needs it"),
        ("approver", risk, f"{risk}/measures", {"measure": "lower_ratio", "ratio": "1.5",
                                                "effective_from": "2025-09-03", "reason": "超标"}, "less than or equal to 1"),
        ("approver", risk, f"{risk}/measures", {"measure": "warn", "reason": "x"}, "Input should be"),
        ("admin", "/operators", "/operators",
         {"username": "Bad Name", "display_name": "x", "roles": "clerk", "password": "short"}, "String should"),
    ]
    for role, page_path, action, data, message in cases:
        async with console.as_(role) as client:
            page = await client.get(f"{console.url}{page_path}")
            answer = await client.post(f"{console.url}{action}", data={"csrf_token": csrf_of(page.text), **data})
            assert answer.status_code == 422, (action, data, answer.status_code)
            assert message in answer.text, (action, message)
    async with console.as_("clerk") as clerk:  # JL art.23: a clerk reads a warning, does not act on it
        page = await clerk.get(f"{console.url}{risk}")
        assert page.status_code == 200 and "measure-title" not in page.text
        refused = await clerk.post(f"{console.url}{risk}/measures", data={
            "csrf_token": csrf_of(page.text), "measure": "suspend", "reason": "x", "request_id": str(uuid.uuid4())})
        assert refused.status_code == 403 and "take_risk_measure" in refused.text
    async with httpx.AsyncClient(timeout=30) as client:
        async def get(service: str, path: str) -> dict:
            return (await client.get(f"{console.stack.url(service)}{path}", headers=operator_headers())).json()
        assert (await get("disbursement", f"/v1/runs/{run['run_id']}"))["status"] == "computed"
        assert (await get("audit", f"/v1/findings/{finding['finding_id']}"))["status"] == "open"
        enrollment = await get("disbursement", f"/v1/enrollments/{code}")
        assert (enrollment["state"], enrollment["risk_measures"]) == ("enrolled", [])
        assert ((await get("audit", f"/v1/risk/warnings/{warning['warning_id']}"))["measures"]) == []
        assert (await get("disbursement", f"/v1/regions/{region}/policy/proposals?status=proposed"))["items"] == []
    async with console.as_("reviewer") as reviewer:
        trail = (await reviewer.get(f"{console.url}/trail")).text
    assert f"finding:{finding['finding_id']}" not in trail and f"policy:{region}" not in trail
    assert f"risk-warning:{warning['warning_id']}" not in trail


async def test_the_trail_is_append_only_even_for_a_write_that_bypasses_the_console(console: Console) -> None:
    """N art.22: the record of who did what cannot be edited or erased, by the database's own trigger."""
    settings = console.stack.env(next(s for s in console.stack.specs if s.name == "console"))
    dsn = settings["JISHI_DATABASE_URL"].rsplit("/", 1)[0] + "/" + settings["CONSOLE_DATABASE_NAME"]
    conn = await asyncpg.connect(dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM actions WHERE action = 'login'") > 0
        for statement in ("UPDATE actions SET username = 'someone else'", "DELETE FROM actions",
                          "TRUNCATE actions"):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await conn.execute(statement)
    finally:
        await conn.close()
