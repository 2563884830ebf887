"""Care to cash: recorded when the bank confirms a payment, read by the report and the metrics."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

#: The records one paid payment brought: the lines of its daily batch and of every earlier payment carried into
#: it (postponed, failed, held: N art.18), and the records a monthly settlement took in that no daily batch
#: paid. A reversal's line is not care; a netted (zero) payment brings no cash.
#: The walk back carries each payment's institution and run, and its records are counted in a LATERAL
#: aggregate, which PostgreSQL cannot flatten into a join: so only those payments' batches are read, through
#: ``lines_by_batch``. As plain joins, with the statistics of fast-growing tables, it was planned from every
#: daily run and every line or payment of it, then matched to the walk: 16 ms a payment at 2,000 records/s,
#: growing with the history (auto_explain under ``bench/e2e.py``).
_RECORD = text("""
WITH RECURSIVE origins(payment_id, run_id, fixmedins_code, insutype) AS (
    SELECT payment_id, run_id, fixmedins_code, insutype FROM payments WHERE payment_id = :payment_id
    UNION
    SELECT p.payment_id, p.run_id, p.fixmedins_code, p.insutype
    FROM payments p JOIN origins o ON p.carried_into = o.payment_id
), paid AS (
    SELECT payment_id, admdvs, fixmedins_code, insutype, (settled_at AT TIME ZONE 'Asia/Shanghai')::date AS paid_on
    FROM payments WHERE payment_id = :payment_id AND status = 'paid'
), brought(business_date, records) AS (
    SELECT b.business_date, b.records
    FROM origins o JOIN runs r ON r.run_id = o.run_id AND r.run_type = 'daily-disbursement'
    CROSS JOIN LATERAL (
        SELECT l.business_date, count(*) AS records FROM lines l
        WHERE l.admdvs = r.admdvs AND l.batch_date = r.batch_date AND l.fixmedins_code = o.fixmedins_code
          AND l.insutype = o.insutype AND l.kind = 'record'
        GROUP BY l.business_date) b
    UNION ALL
    SELECT b.business_date, b.records
    FROM origins o JOIN runs r ON r.run_id = o.run_id AND r.run_type = 'monthly-settlement'
    CROSS JOIN LATERAL (
        SELECT i.business_date, count(*) AS records FROM intake i LEFT JOIN lines l ON l.line_id = i.line_id
        WHERE i.settled_run_id = r.run_id AND i.fixmedins_code = o.fixmedins_code AND i.insutype = o.insutype
          AND i.reversed_at IS NULL AND l.batch_date IS NULL
        GROUP BY i.business_date) b
)
INSERT INTO care_to_cash (payment_id, business_date, admdvs, fixmedins_code, insutype, paid_on, days, records)
SELECT paid.payment_id, b.business_date, paid.admdvs, paid.fixmedins_code, paid.insutype, paid.paid_on,
       paid.paid_on - b.business_date, sum(b.records)
FROM brought b CROSS JOIN paid
GROUP BY paid.payment_id, b.business_date, paid.admdvs, paid.fixmedins_code, paid.insutype, paid.paid_on
ON CONFLICT DO NOTHING
""")

Grouping = Literal["region", "institution", "insutype"]
_KEY = {"region": "admdvs", "institution": "fixmedins_code", "insutype": "insutype"}


class CareToCashRecords:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, payment_id: uuid.UUID) -> None:
        """The paid payment's records by business date, after how many days (once: a receipt heard twice adds
        nothing)."""
        await self._session.execute(_RECORD, {"payment_id": payment_id})

    async def counts(self, *, by: Grouping, admdvs: str | None, date_from: date | None,
                     date_to: date | None) -> list[tuple[str, date, int, int]]:
        """(group, business date, days, records) of the records cared for in the range."""
        rows = await self._session.execute(text(f"""
            SELECT {_KEY[by]}, business_date, days, sum(records) FROM care_to_cash
            WHERE (CAST(:admdvs AS text) IS NULL OR admdvs = :admdvs)
              AND (CAST(:date_from AS date) IS NULL OR business_date >= :date_from)
              AND (CAST(:date_to AS date) IS NULL OR business_date <= :date_to)
            GROUP BY 1, 2, 3"""), {"admdvs": admdvs, "date_from": date_from, "date_to": date_to})
        return [(key, day, days, int(n)) for key, day, days, n in rows]


#: Records paid over the last 30 days (by the receipt's day) within so many days of their care, cumulative like
#: a histogram's buckets, so PromQL can read the median and the tail; and the mean.
PAID_WITHIN_SQL = """
SELECT c.admdvs, w.label, coalesce(sum(c.records) FILTER (WHERE w.upto IS NULL OR c.days <= w.upto), 0)
FROM care_to_cash c
CROSS JOIN (VALUES ('0', 0), ('1', 1), ('3', 3), ('7', 7), ('14', 14), ('30', 30), ('+Inf', NULL::int)) AS w(label, upto)
WHERE c.paid_on >= (now() AT TIME ZONE 'Asia/Shanghai')::date - 30
GROUP BY c.admdvs, w.label"""
MEAN_DAYS_SQL = """
SELECT admdvs, sum(days * records)::numeric / sum(records) FROM care_to_cash
WHERE paid_on >= (now() AT TIME ZONE 'Asia/Shanghai')::date - 30 GROUP BY admdvs"""
