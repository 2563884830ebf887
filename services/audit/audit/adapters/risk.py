"""Risk's tables: institutions' days as the indicators count them, regions' indicator versions, warnings and
the measures taken on them. Each batch touches them in a few set statements, never row by row."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from audit.adapters.tables import AuditOutcome, Reversal, RiskMeasure, RiskWarning
from audit.domain.risk import DayFigures

_COUNTS = ("records", "fund_pay", "high_cost", "repeats", "late", "violations", "reversals")

_COUNT = text("""
    INSERT INTO risk_days (fixmedins_code, day, admdvs, records, fund_pay, high_cost, repeats, late, violations,
                           reversals)
    SELECT * FROM unnest(CAST(:fixmedins_code AS text[]), CAST(:day AS date[]), CAST(:admdvs AS text[]),
                         CAST(:records AS bigint[]), CAST(CAST(:fund_pay AS text[]) AS numeric[]),
                         CAST(:high_cost AS bigint[]), CAST(:repeats AS bigint[]), CAST(:late AS bigint[]),
                         CAST(:violations AS bigint[]), CAST(:reversals AS bigint[]))
    ORDER BY 1, 2
    ON CONFLICT (fixmedins_code, day) DO UPDATE SET
        records = risk_days.records + excluded.records, fund_pay = risk_days.fund_pay + excluded.fund_pay,
        high_cost = risk_days.high_cost + excluded.high_cost, repeats = risk_days.repeats + excluded.repeats,
        late = risk_days.late + excluded.late, violations = risk_days.violations + excluded.violations,
        reversals = risk_days.reversals + excluded.reversals
    RETURNING fixmedins_code, day, records, fund_pay, high_cost, repeats, late, violations, reversals
""")


def _figures(row: Any) -> DayFigures:
    return DayFigures(*(row[c] for c in _COUNTS))


class RiskBook:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # the days ---------------------------------------------------------------------------------------------------

    async def count(self, days: dict[tuple[str, date], tuple[str, DayFigures]]) -> dict[tuple[str, date], DayFigures]:
        """Add a batch's figures to its institutions' days; returns each day as it stands now."""
        if not days:
            return {}
        keys = sorted(days)
        params: dict[str, Any] = {"fixmedins_code": [k[0] for k in keys], "day": [k[1] for k in keys],
                                  "admdvs": [days[k][0] for k in keys]}
        for c in _COUNTS:
            params[c] = [getattr(days[k][1], c) for k in keys]
        params["fund_pay"] = [str(v) for v in params["fund_pay"]]
        result = await self._session.execute(_COUNT, params)
        return {(r.fixmedins_code, r.day): _figures(r._mapping) for r in result}

    async def count_reversals(self, keys: list[tuple[str, str]]) -> dict[tuple[str, date], tuple[str, DayFigures]]:
        """A reversal heard after its settlement was audited counts on that settlement's day (one heard before
        is counted when the settlement is audited); returns the days touched as they stand now."""
        if not keys:
            return {}
        result = await self._session.execute(text("""
            WITH heard AS (
                SELECT o.fixmedins_code, o.business_date AS day, count(*) AS n
                FROM unnest(CAST(:codes AS text[]), CAST(:setl_ids AS text[])) AS k(fixmedins_code, setl_id)
                JOIN audit_outcomes AS o USING (fixmedins_code, setl_id)
                GROUP BY 1, 2
            )
            UPDATE risk_days AS d SET reversals = d.reversals + heard.n FROM heard
            WHERE d.fixmedins_code = heard.fixmedins_code AND d.day = heard.day
            RETURNING d.fixmedins_code, d.day, d.admdvs, d.records, d.fund_pay, d.high_cost, d.repeats, d.late,
                      d.violations, d.reversals
        """), {"codes": [k[0] for k in keys], "setl_ids": [k[1] for k in keys]})
        return {(r.fixmedins_code, r.day): (r.admdvs, _figures(r._mapping)) for r in result}

    async def baselines(self, keys: Iterable[tuple[str, date]], days: int) -> dict[tuple[str, date], list[DayFigures]]:
        """Each institution's previous ``days`` days with records before the day (its own baseline)."""
        keys = sorted(set(keys))
        if not keys:
            return {}
        result = await self._session.execute(text("""
            SELECT k.fixmedins_code, k.day AS at, b.*
            FROM unnest(CAST(:codes AS text[]), CAST(:days AS date[])) AS k(fixmedins_code, day)
            CROSS JOIN LATERAL (
                SELECT records, fund_pay, high_cost, repeats, late, violations, reversals FROM risk_days AS d
                WHERE d.fixmedins_code = k.fixmedins_code AND d.day < k.day ORDER BY d.day DESC LIMIT :n
            ) AS b
        """), {"codes": [k[0] for k in keys], "days": [k[1] for k in keys], "n": days})
        out: dict[tuple[str, date], list[DayFigures]] = {k: [] for k in keys}
        for r in result:
            out[(r.fixmedins_code, r.at)].append(_figures(r._mapping))
        return out

    async def region_days(self, pairs: Iterable[tuple[str, date]]) -> dict[tuple[str, date], DayFigures]:
        """Every institution of the region that day, summed (peers are this less the institution itself)."""
        pairs = sorted(set(pairs))
        if not pairs:
            return {}
        result = await self._session.execute(text("""
            SELECT d.admdvs, d.day, sum(records) AS records, sum(fund_pay) AS fund_pay, sum(high_cost) AS high_cost,
                   sum(repeats) AS repeats, sum(late) AS late, sum(violations) AS violations,
                   sum(reversals) AS reversals
            FROM unnest(CAST(:regions AS text[]), CAST(:days AS date[])) AS k(admdvs, day)
            JOIN risk_days AS d ON d.admdvs = k.admdvs AND d.day = k.day
            GROUP BY d.admdvs, d.day
        """), {"regions": [p[0] for p in pairs], "days": [p[1] for p in pairs]})
        return {(r.admdvs, r.day): DayFigures(int(r.records), r.fund_pay, int(r.high_cost), int(r.repeats),
                                              int(r.late), int(r.violations), int(r.reversals)) for r in result}

    # warnings --------------------------------------------------------------------------------------------------

    async def levels(self, keys: Iterable[tuple[str, date, str]]) -> dict[tuple[str, date, str], str]:
        keys = sorted(set(keys))
        if not keys:
            return {}
        result = await self._session.execute(text("""
            SELECT w.fixmedins_code, w.day, w.indicator, w.level
            FROM unnest(CAST(:codes AS text[]), CAST(:days AS date[]), CAST(:indicators AS text[]))
                 AS k(fixmedins_code, day, indicator)
            JOIN risk_warnings AS w USING (fixmedins_code, day, indicator)
            FOR UPDATE OF w
        """), {"codes": [k[0] for k in keys], "days": [k[1] for k in keys], "indicators": [k[2] for k in keys]})
        return {(r.fixmedins_code, r.day, r.indicator): r.level for r in result}

    async def save_warnings(self, rows: list[dict[str, Any]]) -> None:
        """New warnings inserted; a known one takes the latest reading (its ``raised_at`` and status kept)."""
        for row in sorted(rows, key=lambda r: (r["fixmedins_code"], r["day"], r["indicator"])):
            stmt = text("""
                INSERT INTO risk_warnings (warning_id, fixmedins_code, admdvs, day, indicator, basis, level, value,
                                           figure, reference, threshold, records, config_version, status,
                                           raised_at, updated_at)
                VALUES (:warning_id, :fixmedins_code, :admdvs, :day, :indicator, :basis, :level, :value, :figure,
                        :reference, :threshold, :records, :config_version, 'open', :at, :at)
                ON CONFLICT (fixmedins_code, day, indicator) DO UPDATE SET
                    level = excluded.level, basis = excluded.basis, value = excluded.value,
                    figure = excluded.figure, reference = excluded.reference, threshold = excluded.threshold,
                    records = excluded.records, config_version = excluded.config_version,
                    updated_at = excluded.updated_at
            """)
            await self._session.execute(stmt, row)

    async def warnings(self, *, admdvs: str | None, fixmedins_code: str | None, level: str | None,
                       status: str | None, day_from: date | None, day_to: date | None, limit: int,
                       offset: int) -> tuple[int, list[RiskWarning]]:
        conditions = [c for c in (
            RiskWarning.admdvs == admdvs if admdvs else None,
            RiskWarning.fixmedins_code == fixmedins_code if fixmedins_code else None,
            RiskWarning.level == level if level else None,
            RiskWarning.status == status if status else None,
            RiskWarning.day >= day_from if day_from else None,
            RiskWarning.day <= day_to if day_to else None,
        ) if c is not None]
        total = (await self._session.execute(select(func.count()).select_from(RiskWarning).where(*conditions))
                 ).scalar_one()
        rows = (await self._session.execute(select(RiskWarning).where(*conditions)
                                            .order_by(RiskWarning.seq.desc()).limit(limit).offset(offset))).scalars()
        return int(total), list(rows)

    async def warning(self, warning_id: uuid.UUID, *, for_update: bool = False) -> RiskWarning | None:
        # populate_existing: a status just set by UPDATE is read back, not the session's stale copy
        query = select(RiskWarning).where(RiskWarning.warning_id == warning_id) \
            .execution_options(populate_existing=True)
        return (await self._session.execute(query.with_for_update() if for_update else query)).scalar_one_or_none()

    async def set_status(self, warning_id: uuid.UUID, status: str) -> None:
        await self._session.execute(update(RiskWarning).where(RiskWarning.warning_id == warning_id)
                                    .values(status=status))

    async def explaining(self, warning: RiskWarning, limit: int = 50) -> list[dict[str, Any]]:
        """The records of the warning's day that make the indicator: for the fund payment every record, the
        largest first; for a share the records it counts."""
        o = AuditOutcome
        query = select(o.setl_id, o.psn_no, o.insutype, o.status, o.fund_pay_sumamt, o.risk_flags, o.audited_at) \
            .where(o.fixmedins_code == warning.fixmedins_code, o.business_date == warning.day)
        flag = {"high_cost_share": "high_cost", "repeat_patient_share": "repeat",
                "late_upload_share": "late"}.get(warning.indicator)
        if flag:
            query = query.where(o.risk_flags.any(flag))  # type: ignore[union-attr]
        elif warning.indicator == "violation_rate":
            query = query.where(o.status != "pass")
        elif warning.indicator == "reversal_rate":
            query = query.join(Reversal, (Reversal.fixmedins_code == o.fixmedins_code)
                               & (Reversal.setl_id == o.setl_id))
        rows = await self._session.execute(query.order_by(o.fund_pay_sumamt.desc().nulls_last(),  # type: ignore[union-attr]
                                                          o.setl_id).limit(limit))
        return [{"setl_id": r.setl_id, "psn_no": r.psn_no, "insutype": r.insutype, "audit_status": r.status,
                 "fund_pay_sumamt": None if r.fund_pay_sumamt is None else f"{r.fund_pay_sumamt:.2f}",
                 "risk_flags": r.risk_flags or [], "audited_at": r.audited_at.isoformat()} for r in rows]

    # measures --------------------------------------------------------------------------------------------------

    async def add_measure(self, row: dict[str, Any]) -> bool:
        """Record a measure once (its id is the operator's request id); False when it was already recorded."""
        result = await self._session.execute(text("""
            INSERT INTO risk_measures (measure_id, warning_id, measure, ratio, effective_from, actor, reason, taken_at)
            VALUES (:measure_id, :warning_id, :measure, :ratio, :effective_from, :actor, :reason, :taken_at)
            ON CONFLICT (measure_id) DO NOTHING RETURNING measure_id
        """), row)
        return result.first() is not None

    async def measures(self, warning_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[RiskMeasure]]:
        out: dict[uuid.UUID, list[RiskMeasure]] = {w: [] for w in warning_ids}
        if warning_ids:
            rows = await self._session.execute(select(RiskMeasure).where(RiskMeasure.warning_id.in_(warning_ids))  # type: ignore[attr-defined]
                                               .order_by(RiskMeasure.taken_at))
            for m in rows.scalars():
                out[m.warning_id].append(m)
        return out
