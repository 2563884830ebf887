"""The index the cross-record rules read (person × day × item, persons' stays, institutions' averages): loaded
for one batch in one query per table, keyed to the batch's persons, days and institutions — never a scan."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from audit.domain.history import Average, DayCharges, History
from audit.domain.library import Stay, Subject

#: How far around a batch's dates stays are read: the longest readmission window a region may set (90 days)
#: and a day to spare.
_STAY_WINDOW = timedelta(days=91)
#: A stay longer than this is read for outpatient visits over its first year only.
_LONGEST_STAY = timedelta(days=366)


class AuditIndex:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_persons(self, psn_nos: Iterable[str]) -> None:
        """Serialise audits of the same person across consumer instances, so two records of one person
        processed at once still see each other (a duplicate is never missed by a race). Sorted: no deadlock."""
        keys = sorted({zlib.crc32(p.encode()) for p in psn_nos})
        if keys:
            await self._session.execute(
                text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"),
                {"keys": keys},
            )

    async def history(self, subjects: list[Subject]) -> History:
        history = History()
        if not subjects:
            return history
        await self._load_days(history, subjects)
        await self._load_stays(history, subjects)
        await self._load_averages(history, {s.fixmedins_code for s in subjects})
        return history

    async def _load_days(self, history: History, subjects: list[Subject]) -> None:
        ranges: set[tuple[str, date, date]] = set()
        for s in subjects:
            ranges |= {(s.psn_no, line.day, line.day) for line in s.lines}
            stay = s.stay
            if stay is not None and stay.dscg_date - stay.adm_date > timedelta(days=1):
                last = min(stay.dscg_date, stay.adm_date + _LONGEST_STAY) - timedelta(days=1)
                ranges.add((s.psn_no, stay.adm_date + timedelta(days=1), last))
        psns, los, his = (list(x) for x in zip(*ranges, strict=True))
        result = await self._session.execute(text("""
            SELECT DISTINCT p.psn_no, p.fee_date, p.fixmedins_code, p.setl_id, p.med_type, CAST(p.items AS text)
            FROM unnest(CAST(:psns AS text[]), CAST(:los AS date[]), CAST(:his AS date[])) AS k(psn_no, lo, hi)
            JOIN person_days AS p ON p.psn_no = k.psn_no AND p.fee_date BETWEEN k.lo AND k.hi
        """), {"psns": psns, "los": los, "his": his})
        for psn_no, fee_date, code, setl_id, med_type, items in result:
            history.days[(psn_no, fee_date)].append(
                DayCharges(code, setl_id, med_type, items))

    async def _load_stays(self, history: History, subjects: list[Subject]) -> None:
        starts = [s.stay.adm_date if s.stay else min(line.day for line in s.lines) for s in subjects]
        ends = [s.stay.dscg_date if s.stay else max(line.day for line in s.lines) for s in subjects]
        result = await self._session.execute(text("""
            SELECT psn_no, fixmedins_code, setl_id, adm_date, dscg_date, main_dise FROM inpatient_stays
            WHERE psn_no = ANY(CAST(:psns AS text[])) AND dscg_date >= :lo AND adm_date <= :hi
        """), {"psns": sorted({s.psn_no for s in subjects}), "lo": min(starts) - _STAY_WINDOW,
               "hi": max(ends) + _STAY_WINDOW})
        for psn_no, code, setl_id, adm, dscg, dise in result:
            history.stays[psn_no].append(Stay(code, setl_id, adm, dscg, dise))

    async def _load_averages(self, history: History, codes: set[str]) -> None:
        result = await self._session.execute(text("""
            SELECT fixmedins_code, med_type, records, medfee_sumamt FROM institution_averages
            WHERE fixmedins_code = ANY(CAST(:codes AS text[]))
        """), {"codes": sorted(codes)})
        for code, med_type, records, medfee in result:
            history.averages[(code, med_type)] = Average(records, medfee)

    async def add(self, subjects: list[Subject]) -> None:
        """Index newly audited settlements (each once: the caller passes only those it recorded now)."""
        if not subjects:
            return
        days = [(s, day, items) for s in subjects for day, items in s.charges.items()]
        await self._session.execute(text("""
            INSERT INTO person_days (psn_no, fee_date, fixmedins_code, setl_id, med_type, items)
            SELECT psn_no, fee_date, fixmedins_code, setl_id, med_type, CAST(items AS jsonb)
            FROM unnest(CAST(:psns AS text[]), CAST(:days AS date[]), CAST(:codes AS text[]),
                        CAST(:setl_ids AS text[]), CAST(:med_types AS text[]), CAST(:items AS text[]))
                 AS u(psn_no, fee_date, fixmedins_code, setl_id, med_type, items)
            ON CONFLICT DO NOTHING
        """), {"psns": [s.psn_no for s, _, _ in days], "days": [day for _, day, _ in days],
               "codes": [s.fixmedins_code for s, _, _ in days], "setl_ids": [s.record.setl_id for s, _, _ in days],
               "med_types": [s.record.med_type for s, _, _ in days],
               "items": [json.dumps({code: format(qty, "f") for code, qty in items.items()}) for _, _, items in days]})
        stays = [(s.psn_no, stay) for s in subjects if (stay := s.stay) is not None]
        if stays:
            await self._session.execute(text("""
                INSERT INTO inpatient_stays (psn_no, fixmedins_code, setl_id, adm_date, dscg_date, main_dise)
                SELECT * FROM unnest(CAST(:psns AS text[]), CAST(:codes AS text[]), CAST(:setl_ids AS text[]),
                                     CAST(:adms AS date[]), CAST(:dscgs AS date[]), CAST(:dises AS text[]))
                ON CONFLICT DO NOTHING
            """), {"psns": [p for p, _ in stays], "codes": [s.fixmedins_code for _, s in stays],
                   "setl_ids": [s.setl_id for _, s in stays], "adms": [s.adm_date for _, s in stays],
                   "dscgs": [s.dscg_date for _, s in stays],
                   "dises": [s.main_dise[:20] if s.main_dise else None for _, s in stays]})
        averages: dict[tuple[str, str], Average] = {}
        for s in subjects:
            average = averages.setdefault((s.fixmedins_code, s.record.med_type), Average())
            average.records += 1
            average.medfee_sumamt += s.record.medfee_sumamt
        keys = sorted(averages)  # rows locked in one order by every writer: no deadlock
        await self._session.execute(text("""
            INSERT INTO institution_averages (fixmedins_code, med_type, records, medfee_sumamt)
            SELECT * FROM unnest(CAST(:codes AS text[]), CAST(:types AS text[]), CAST(:records AS bigint[]),
                                 CAST(:sums AS numeric[]))
            ON CONFLICT (fixmedins_code, med_type) DO UPDATE
            SET records = institution_averages.records + excluded.records,
                medfee_sumamt = institution_averages.medfee_sumamt + excluded.medfee_sumamt
        """), {"codes": [k[0] for k in keys], "types": [k[1] for k in keys],
               "records": [averages[k].records for k in keys], "sums": [averages[k].medfee_sumamt for k in keys]})
