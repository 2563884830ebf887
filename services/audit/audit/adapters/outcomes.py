from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from audit.adapters.tables import AuditOutcome
from audit.domain.claim_response import ExportedOutcome

# One statement a batch, its columns as arrays: asyncpg encodes them in C and PostgreSQL plans once.
_INSERT = text("""
    INSERT INTO audit_outcomes (fixmedins_code, setl_id, admdvs, insutype, psn_no, business_date, status, vola_amt,
                                findings, record, sampled, sample_seed, sample_share, config_version, audited_at,
                                fund_pay_sumamt, risk_flags)
    SELECT fixmedins_code, setl_id, admdvs, insutype, psn_no, business_date, status, vola_amt,
           CAST(findings AS jsonb), CAST(record AS jsonb), sampled, sample_seed, sample_share, config_version,
           :audited_at, fund_pay_sumamt, string_to_array(nullif(risk_flags, ''), ',')
    FROM unnest(CAST(:fixmedins_code AS text[]), CAST(:setl_id AS text[]), CAST(:admdvs AS text[]),
                CAST(:insutype AS text[]), CAST(:psn_no AS text[]), CAST(:business_date AS date[]),
                CAST(:status AS text[]), CAST(CAST(:vola_amt AS text[]) AS numeric[]), CAST(:findings AS text[]),
                CAST(:record AS text[]), CAST(:sampled AS boolean[]), CAST(:sample_seed AS bigint[]),
                CAST(CAST(:sample_share AS text[]) AS numeric[]), CAST(:config_version AS integer[]),
                CAST(CAST(:fund_pay_sumamt AS text[]) AS numeric[]), CAST(:risk_flags AS text[]))
         AS u(fixmedins_code, setl_id, admdvs, insutype, psn_no, business_date, status, vola_amt, findings, record,
              sampled, sample_seed, sample_share, config_version, fund_pay_sumamt, risk_flags)
    ON CONFLICT (fixmedins_code, setl_id) DO NOTHING
    RETURNING fixmedins_code, setl_id
""")
_COLUMNS = ("fixmedins_code", "setl_id", "admdvs", "insutype", "psn_no", "business_date", "status", "vola_amt",
            "findings", "record", "sampled", "sample_seed", "sample_share", "config_version", "fund_pay_sumamt",
            "risk_flags")


class Outcomes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, rows: list[dict[str, Any]], audited_at: Any) -> set[tuple[str, str]]:
        """Insert outcomes not recorded yet; returns the (fixmedins_code, setl_id) inserted."""
        if not rows:
            return set()
        params: dict[str, Any] = {c: [row[c] for row in rows] for c in _COLUMNS}
        params["findings"] = [_json(f) if f else "[]" for f in params["findings"]]
        params["record"] = [_json(r) if r is not None else None for r in params["record"]]
        # amounts as text: asyncpg encodes a Decimal ten times slower than a string, PostgreSQL reads both exactly
        params["vola_amt"] = [str(v) for v in params["vola_amt"]]
        params["sample_share"] = [str(v) for v in params["sample_share"]]
        params["fund_pay_sumamt"] = [str(v) for v in params["fund_pay_sumamt"]]
        params["risk_flags"] = [",".join(f) for f in params["risk_flags"]]  # one text each: unnest flattens arrays
        params["audited_at"] = audited_at
        return {(code, setl_id) for code, setl_id in await self._session.execute(_INSERT, params)}

    async def stored(self, fixmedins_code: str, setl_id: str) -> dict[str, Any] | None:
        """What the automatic audit recorded of a settlement: its rule findings, the record as received, and
        the sample's seed and share and the configuration version it was judged under."""
        row = (await self._session.execute(
            select(AuditOutcome.status, AuditOutcome.findings, AuditOutcome.record, AuditOutcome.sampled,
                   AuditOutcome.sample_seed, AuditOutcome.sample_share, AuditOutcome.config_version,
                   AuditOutcome.audited_at)
            .where(tuple_(AuditOutcome.fixmedins_code, AuditOutcome.setl_id) == (fixmedins_code, setl_id))
        )).first()
        return dict(row._mapping) if row else None

    async def for_export(self, fixmedins_code: str, *, date_from: Any, date_to: Any, after: str | None,
                         limit: int) -> list[ExportedOutcome]:
        """An institution's outcomes by settlement id (the primary key's order, so a page is an index range),
        each with what people decided on it and whether claims reversed it."""
        rows = await self._session.execute(text("""
            SELECT o.fixmedins_code, o.setl_id, o.admdvs, o.insutype, o.psn_no, o.business_date, o.status,
                   o.vola_amt, o.fund_pay_sumamt, o.findings, o.audited_at, f.status AS review_status,
                   f.confirmed_amt, f.decided_at, d.amount AS deducted, r.reversed_at
            FROM audit_outcomes o
            LEFT JOIN findings f ON f.fixmedins_code = o.fixmedins_code AND f.setl_id = o.setl_id
            LEFT JOIN deductions d ON d.finding_id = f.finding_id
            LEFT JOIN reversals r ON r.fixmedins_code = o.fixmedins_code AND r.setl_id = o.setl_id
            WHERE o.fixmedins_code = :code AND (CAST(:after AS text) IS NULL OR o.setl_id > :after)
              AND (CAST(:date_from AS date) IS NULL OR o.business_date >= :date_from)
              AND (CAST(:date_to AS date) IS NULL OR o.business_date <= :date_to)
            ORDER BY o.setl_id LIMIT :limit"""), {"code": fixmedins_code, "after": after, "date_from": date_from,
                                                   "date_to": date_to, "limit": limit})
        return [ExportedOutcome(**row._mapping) for row in rows]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
