"""管理类规则 (management rules): how an item may be charged — once a day, within a daily quantity, at most its
price, under its own charge type — and how one person's settlements fit together in time (stays that overlap,
outpatient visits during a stay, readmissions that split a stay), and what an institution's records look like
against its own average. Source: the national rule base (国家医保智能审核和监控规则库); N art.13, JL art.13."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from audit.domain.library import Facts, Hits, Line, Params, Rule, Subject, part_of
from audit.domain.rules.policy import CATALOGUE, CITE, MedTypes
from shared.contracts.settlement import FeeDetail
from shared.money import ZERO, to_fen

Scope = Literal["record", "institution", "person"]

# MGT-DUP-01 and MGT-QTY-01: a daily limit ------------------------------------------------------------------


class DailyLimitParams(Params):
    #: Whose charges of the day count against the limit: this settlement's alone, the person's at this
    #: institution that day, or the person's anywhere that day.
    scope: Scope = "record"


def _before(s: Subject, facts: Facts, scope: Scope, code: str, day: date) -> Decimal:
    if scope == "record":
        return Decimal(0)
    others = facts.history.others_on(s, day)
    if scope == "institution":
        others = [c for c in others if c.fixmedins_code == s.fixmedins_code]
    return sum((c.quantity(code) for c in others), Decimal(0))


def _over_daily_limit(s: Subject, facts: Facts, scope: Scope,
                      lines: tuple[Line, ...]) -> list[tuple[FeeDetail, Decimal]]:
    """The units of each service charged beyond its daily limit, in the order they were charged. (A drug's
    quantity is what is dispensed, not taken in a day: MED-SUP-01 judges it.)"""
    hits = []
    charged: dict[tuple[str, date], Decimal] = {}
    for line in lines:
        limit = line.item.max_daily_qty  # type: ignore[union-attr]
        assert limit is not None
        key = (line.detail.med_list_codg, line.day)
        before = charged[key] if key in charged else _before(s, facts, scope, *key)
        charged[key] = before + line.detail.cnt
        excess = min(line.detail.cnt, before + line.detail.cnt - limit)
        if excess > 0:
            hits.append((line.detail, part_of(line.detail, excess)))
    return hits


def repeated_once_daily_item(s: Subject, facts: Facts, p: DailyLimitParams) -> Hits | None:
    """重复收费: an item billable once a day (a consultation, a bed-day) charged again the same day. The
    charges beyond the first are the violation."""
    hits = _over_daily_limit(s, facts, p.scope, s.once_daily) if s.once_daily else None
    return Hits(hits) if hits else None


def quantity_over_daily_limit(s: Subject, facts: Facts, p: DailyLimitParams) -> Hits | None:
    """超每日限量: a service charged in a day more times than the catalogue allows (three ECGs where four
    are the most); the units beyond the limit are the violation."""
    hits = _over_daily_limit(s, facts, p.scope, s.capped) if s.capped else None
    return Hits(hits) if hits else None


# MGT-DUP-02 -------------------------------------------------------------------------------------------------


def per_day_item_charged_elsewhere(s: Subject, facts: Facts, p: Params) -> Hits | None:
    """跨结算重复收取按日计价项目: a bed-day or a day's nursing charged for a day on which another settlement
    of the person (here or at another institution) already charged one: a person has one bed a day."""
    hits, others = [], set()
    for line in s.per_day:
        code = line.detail.med_list_codg
        elsewhere = [c for c in facts.history.others_on(s, line.day) if code in c.quantities()]
        if elsewhere:
            hits.append((line.detail, line.detail.det_item_fee_sumamt))
            others |= {f"{c.fixmedins_code}/{c.setl_id}" for c in elsewhere}
    return Hits(hits, f"同日已由 {', '.join(sorted(others))} 收取") if hits else None


# MGT-PRC-01 -------------------------------------------------------------------------------------------------


class PriceParams(Params):
    #: The region's ceiling as a multiple of the catalogue's (a region's price list may be above the base).
    ceiling_factor: Annotated[Decimal, Field(ge=1, le=3, max_digits=5, decimal_places=3)] = Decimal("1")


def price_above_ceiling(s: Subject, facts: Facts, p: PriceParams) -> Hits | None:
    """超标准收费: a unit price above the item's price ceiling; the difference times the quantity is the
    violation."""
    hits = []
    factor = p.ceiling_factor
    for line in s.lines:
        if line.item is None or line.item.price_ceiling is None:
            continue
        ceiling = line.item.price_ceiling if factor == 1 else line.item.price_ceiling * factor
        if line.detail.pric > ceiling:
            excess = min(to_fen((line.detail.pric - ceiling) * line.detail.cnt), line.detail.det_item_fee_sumamt)
            hits.append((line.detail, excess))
    return Hits(hits) if hits else None


# MGT-TYP-01 -------------------------------------------------------------------------------------------------


def charge_type_differs(s: Subject, facts: Facts, p: Params) -> Hits | None:
    """串换项目: a line's charge type (med_chrgitm_type) is not the catalogue's for its code — what billing one
    item under another's code looks like."""
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.lines
            if line.item is not None and line.detail.med_chrgitm_type != line.item.chrgitm_type]
    return Hits(hits) if hits else None


# MGT-OVL-01 -------------------------------------------------------------------------------------------------


def overlapping_stays(s: Subject, facts: Facts, p: Params) -> Hits | None:
    """住院时间重叠: a stay that overlaps another stay of the same person (two beds at once). The lines dated
    in the overlap prove it; the whole stay when none is dated there."""
    stay = s.stay
    if stay is None:
        return None
    overlapping = [o for o in facts.history.other_stays(s) if stay.overlaps(o)]
    if not overlapping:
        return None
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.lines
            if any(max(stay.adm_date, o.adm_date) <= line.day < min(stay.dscg_date, o.dscg_date) for o in overlapping)]
    named = ", ".join(f"{o.fixmedins_code}/{o.setl_id} {o.adm_date}~{o.dscg_date}" for o in overlapping)
    return Hits(hits or s.all_lines(), f"与住院 {named} 重叠")


# MGT-OPI-01 -------------------------------------------------------------------------------------------------


class DuringStayParams(Params):
    outpatient_med_types: MedTypes = ("11", "13", "14", "41")
    #: Only visits at the institution of the stay (住院期间本院门诊) rather than anywhere (挂床住院 too).
    same_institution: bool = False


def outpatient_during_stay(s: Subject, facts: Facts, p: DuringStayParams) -> Hits | None:
    """住院期间门诊结算: an outpatient or pharmacy settlement dated strictly inside a stay of the same person
    (the admission and discharge days excepted), whichever of the two arrives first. On the outpatient
    settlement its lines prove it; on the stay, its per-day lines on the days the person was elsewhere."""
    stay = s.stay
    if stay is None:
        if s.record.med_type not in p.outpatient_med_types or s.psn_no not in facts.history.stays:
            return None
        stays = [o for o in facts.history.other_stays(s)
                 if not p.same_institution or o.fixmedins_code == s.fixmedins_code]
        inside = [(line, o) for line in s.lines for o in stays if o.adm_date < line.day < o.dscg_date]
        if not inside:
            return None
        named = ", ".join(sorted({f"{o.fixmedins_code}/{o.setl_id} {o.adm_date}~{o.dscg_date}" for _, o in inside}))
        seen: dict[str, tuple[FeeDetail, Decimal]] = {}
        for line, _ in inside:
            seen.setdefault(line.detail.feedetl_sn, (line.detail, line.detail.det_item_fee_sumamt))
        return Hits(list(seen.values()), f"住院 {named} 期间")
    elsewhere: dict[date, set[str]] = {}
    day = stay.adm_date + timedelta(days=1)
    last = min(stay.dscg_date, stay.adm_date + timedelta(days=366))
    while day < last:
        for c in facts.history.others_on(s, day):
            if c.med_type in p.outpatient_med_types and (not p.same_institution or c.fixmedins_code == s.fixmedins_code):
                elsewhere.setdefault(day, set()).add(f"{c.fixmedins_code}/{c.setl_id}")
        day += timedelta(days=1)
    if not elsewhere:
        return None
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.per_day if line.day in elsewhere]
    named = "; ".join(f"{d} {', '.join(sorted(v))}" for d, v in sorted(elsewhere.items()))
    return Hits(hits, f"住院期间另有门诊结算: {named}")


# MGT-FDT-01 -------------------------------------------------------------------------------------------------


class FeeDateParams(Params):
    tolerance_days: Annotated[int, Field(ge=0, le=30)] = 0


def fee_outside_stay(s: Subject, facts: Facts, p: FeeDateParams) -> Hits | None:
    """费用发生时间超出住院期间: an inpatient settlement's line dated before the admission or after the discharge."""
    stay = s.stay
    if stay is None:
        return None
    lo, hi = stay.adm_date - timedelta(days=p.tolerance_days), stay.dscg_date + timedelta(days=p.tolerance_days)
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.lines if not lo <= line.day <= hi]
    return Hits(hits, f"住院 {stay.adm_date}~{stay.dscg_date}") if hits else None


# MGT-RDM-01 -------------------------------------------------------------------------------------------------


class ReadmissionParams(Params):
    days: Annotated[int, Field(ge=0, le=90)] = 15
    same_institution: bool = True
    #: Only when the main diagnoses share their ICD-10 category (the first three characters).
    same_diagnosis: bool = True


def split_stay(s: Subject, facts: Facts, p: ReadmissionParams) -> Hits | None:
    """分解住院: a stay that begins within ``days`` of another's discharge (or ends within ``days`` before
    another's admission), at the same institution and for the same disease: one stay billed as two."""
    stay = s.stay
    if stay is None:
        return None
    split = []
    for o in facts.history.other_stays(s):
        if stay.overlaps(o) or (p.same_institution and o.fixmedins_code != stay.fixmedins_code):
            continue
        if p.same_diagnosis and (not stay.main_dise or not o.main_dise
                                 or stay.main_dise[:3].upper() != o.main_dise[:3].upper()):
            continue
        gap = (stay.adm_date - o.dscg_date).days if o.dscg_date <= stay.adm_date else (o.adm_date - stay.dscg_date).days
        if 0 <= gap <= p.days:
            split.append(f"{o.fixmedins_code}/{o.setl_id} {o.adm_date}~{o.dscg_date}")
    return Hits(s.all_lines(), f"与住院 {', '.join(split)} 间隔不超过 {p.days} 日") if split else None


# MGT-AVG-01 -------------------------------------------------------------------------------------------------


class AverageParams(Params):
    factor: Annotated[Decimal, Field(ge=Decimal("1.5"), le=100, max_digits=6, decimal_places=2)] = Decimal("5")
    #: How many earlier records of the institution and kind of care make an average worth comparing with.
    min_records: Annotated[int, Field(ge=10, le=1_000_000)] = 100


def cost_far_above_average(s: Subject, facts: Facts, p: AverageParams) -> Hits | None:
    """次均费用异常: a settlement costing more than ``factor`` times the institution's average for the same kind
    of care; the part above that is what the reviewer weighs, taken from the dearest lines first."""
    average = facts.history.average(s.fixmedins_code, s.record.med_type)
    if average.records < p.min_records:
        return None
    # medfee > factor × (sum / records), without a division for the many records that pass
    if s.record.medfee_sumamt * average.records <= p.factor * average.medfee_sumamt:
        return None
    threshold = to_fen(p.factor * average.mean)
    if s.record.medfee_sumamt <= threshold:
        return None
    left, hits = s.record.medfee_sumamt - threshold, []
    for line in sorted(s.lines, key=lambda line: line.detail.det_item_fee_sumamt, reverse=True):
        if left <= ZERO:
            break
        amount = min(line.detail.det_item_fee_sumamt, left)
        hits.append((line.detail, amount))
        left -= amount
    return Hits(hits, f"本机构同类次均 {to_fen(average.mean)} 元（{average.records} 人次），阈值 {threshold} 元")


RULES = [
    Rule("MGT-DUP-01", "management", "high", True, "重复收费：每日限收一次的项目同日重复收取",
         f"{CITE}（重复收费）; {CATALOGUE}; N art.13", repeated_once_daily_item, DailyLimitParams),
    Rule("MGT-DUP-02", "management", "high", False, "跨结算重复收取按日计价项目：同一人同日床位、护理等在多笔结算中收取",
         f"{CITE}（重复收费）; N art.13", per_day_item_charged_elsewhere),
    Rule("MGT-QTY-01", "management", "medium", True, "超每日限量：诊疗项目单日数量超过目录规定的限量",
         f"{CITE}（超限量）; {CATALOGUE}; N art.13", quantity_over_daily_limit, DailyLimitParams),
    Rule("MGT-PRC-01", "management", "high", True, "超标准收费：单价超过医疗服务价格项目规定的最高限价",
         f"{CITE}（超标准收费）; 医疗服务价格项目规范; N art.13", price_above_ceiling, PriceParams),
    Rule("MGT-TYP-01", "management", "medium", False, "串换项目：收费类别与目录规定不符",
         f"{CITE}（串换项目）; {CATALOGUE}; N art.13", charge_type_differs),
    Rule("MGT-OVL-01", "management", "high", False, "住院时间重叠：同一人同期存在多次住院",
         f"{CITE}（住院时间重叠）; N art.13, JL art.13", overlapping_stays),
    Rule("MGT-OPI-01", "management", "medium", False, "住院期间门诊结算：住院期间发生门诊或药店购药结算",
         f"{CITE}（住院期间门诊结算、挂床住院）; N art.13", outpatient_during_stay, DuringStayParams),
    Rule("MGT-FDT-01", "management", "medium", False, "费用发生时间超出住院期间：住院费用明细日期早于入院或晚于出院",
         f"{CITE}（费用发生时间异常）; N art.13", fee_outside_stay, FeeDateParams),
    Rule("MGT-RDM-01", "management", "medium", False, "分解住院：出院后短期内以同一诊断再次入院",
         f"{CITE}（分解住院）; N art.13", split_stay, ReadmissionParams),
    Rule("MGT-AVG-01", "management", "low", False, "次均费用异常：单次结算费用远高于本机构同类就诊的平均水平",
         f"{CITE}（次均费用监测）; N art.13, art.20", cost_far_above_average, AverageParams),
]
