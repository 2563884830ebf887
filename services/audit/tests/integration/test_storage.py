"""Audit's database: the upgrade carries the history the cross-record rules need, and the review history cannot
be rewritten (N art.13: decisions are kept; append-only)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime

import asyncpg
import pytest

from audit.settings import AuditSettings
from launcher.testing import Infra, migrate, settings_for
from shared.migrations import upgrade


async def test_the_upgrade_builds_the_index_from_what_was_audited_before(infra: Infra, prefix: str) -> None:
    # N art.13: cross-record rules see the history from the first batch after the upgrade
    settings = settings_for(AuditSettings, infra, prefix)
    await asyncio.to_thread(upgrade, "audit", settings, "0001")
    record = {"med_type": "21", "adm_date": "2025-09-01", "dscg_date": "2025-09-04", "dise_codg": ["J18.9"],
              "medfee_sumamt": "276.00"}
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        await conn.execute(
            "INSERT INTO audit_outcomes VALUES ('H1', 'S1', '220100', '310', 'P1', '2025-09-04', 'pass', 0, "
            "'[]', $1::jsonb, now())", json.dumps(record))
        await conn.executemany(
            "INSERT INTO daily_charges VALUES ('P1', $1, $2, 'H1', 'S1', $3, $4)",
            [(date(2025, 9, 1), "110900001", "1", 1), (date(2025, 9, 1), "120100001", "2", 1),
             (date(2025, 9, 2), "110900001", "3", 1), (date(2025, 9, 2), "250101015", "4", 2),
             (date(2025, 9, 2), "250101015", "5", 1.5)])
        await migrate("audit", settings)
        days = {(r["fee_date"], r["med_type"]): json.loads(r["items"]) for r in await conn.fetch(
            "SELECT fee_date, med_type, items FROM person_days WHERE psn_no = 'P1' ORDER BY fee_date")}
        assert days == {(date(2025, 9, 1), "21"): {"110900001": "1", "120100001": "1"},
                        (date(2025, 9, 2), "21"): {"110900001": "1", "250101015": "3.5"}}
        stay = await conn.fetchrow("SELECT adm_date, dscg_date, main_dise FROM inpatient_stays WHERE setl_id = 'S1'")
        assert tuple(stay) == (date(2025, 9, 1), date(2025, 9, 4), "J18.9")
        average = await conn.fetchrow("SELECT records, medfee_sumamt FROM institution_averages WHERE med_type = '21'")
        assert (average["records"], str(average["medfee_sumamt"])) == (1, "276.00")
    finally:
        await conn.close()


async def test_decisions_and_deductions_cannot_be_rewritten(infra: Infra, prefix: str) -> None:
    # N art.13: the review history is append-only, even for a write that bypasses the code
    settings = settings_for(AuditSettings, infra, prefix)
    await migrate("audit", settings)
    finding_id = uuid.uuid4()
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        now = datetime.now(UTC)
        await conn.execute(
            "INSERT INTO findings (finding_id, fixmedins_code, setl_id, admdvs, insutype, psn_no, business_date, "
            "period, kind, status, vola_amt, fund_pay_sumamt, rule_ids, created_at) VALUES ($1, 'H1', 'S1', "
            "'220100', '310', 'P1', '2025-09-01', '2025-09', 'suspicious', 'confirmed', 5, 10, '{MED-IND-01}', $2)",
            finding_id, now)
        await conn.execute("INSERT INTO finding_decisions (finding_id, decision, amount, reviewer, reason, decided_at) "
                           "VALUES ($1, 'confirm', 5, '王审核', '无诊断', $2)", finding_id, now)
        await conn.execute("INSERT INTO deductions VALUES ($1, $2, 'H1', '220100', 'S1', '310', '2025-09', 5, "
                           "'{MED-IND-01}', 'review', $3)", uuid.uuid4(), finding_id, now)
        for statement in ("UPDATE finding_decisions SET amount = 1", "DELETE FROM finding_decisions",
                          "TRUNCATE finding_decisions CASCADE", "UPDATE deductions SET amount = 1",
                          "DELETE FROM deductions"):
            with pytest.raises(asyncpg.PostgresError, match="append-only"):
                await conn.execute(statement)
        with pytest.raises(asyncpg.CheckViolationError):  # a confirmation never deducts more than the fund paid
            await conn.execute("UPDATE findings SET confirmed_amt = 11")
    finally:
        await conn.close()
