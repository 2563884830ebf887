"""政策类规则 (policy rules): what the fund may pay for at all — the catalogue, who an item is for, which kinds
of care each fund covers, what a pharmacy may sell. Sources: the national catalogue (国家基本医疗保险、工伤保险和
生育保险药品目录; 医疗服务项目目录) and the national rule base (国家医保智能审核和监控规则库); N art.13."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from audit.domain.catalogue import ItemKind, item_kind
from audit.domain.library import Facts, Hits, Params, Rule, Subject, with_prefix
from shared.contracts.codes import INPATIENT_MED_TYPES, INSUTYPES, MED_TYPES

ListCode = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Icd10 = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9A-Z.]{0,9}$")]


def _known_med_types(values: tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted(set(values) - set(MED_TYPES))
    if unknown:
        raise ValueError(f"unknown med_type {', '.join(unknown)} (known: {', '.join(sorted(MED_TYPES))})")
    return values


MedTypes = Annotated[tuple[str, ...], AfterValidator(_known_med_types)]


# POL-CAT-01 -------------------------------------------------------------------------------------------------


class CatalogueParams(Params):
    #: Items the region pays although the national catalogue lacks them (地方增补, e.g. hospital preparations).
    local_codes: Annotated[frozenset[ListCode], Field(max_length=10_000)] = frozenset()


def outside_catalogue(s: Subject, facts: Facts, p: CatalogueParams) -> Hits | None:
    """目录外项目: a fee line whose code is in neither the catalogue nor the region's additions."""
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.unknown
            if line.detail.med_list_codg not in p.local_codes]
    return Hits(hits) if hits else None


# POL-SEX-01 -------------------------------------------------------------------------------------------------


def sex_restricted_item(s: Subject, facts: Facts, p: Params) -> Hits | None:
    """限性别项目: an item for one sex billed for a person of the other (an unknown or unstated sex is not
    judged)."""
    gend = s.record.gend
    if not s.limited or gend not in ("1", "2"):
        return None
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.limited
            if line.item.sex_limit and line.item.sex_limit != gend]  # type: ignore[union-attr]
    return Hits(hits) if hits else None


# POL-AGE-01 -------------------------------------------------------------------------------------------------


def age_restricted_item(s: Subject, facts: Facts, p: Params) -> Hits | None:
    """限年龄项目: an item for an age range (a newborn's bed, an adult-only drug) billed outside it."""
    if not s.limited:
        return None
    age = s.age
    if age is None:
        return None
    hits = []
    for line in s.limited:
        item = line.item
        assert item is not None
        if (item.age_min is not None and age < item.age_min) or (item.age_max is not None and age > item.age_max):
            hits.append((line.detail, line.detail.det_item_fee_sumamt))
    if not hits:
        return None
    return Hits(hits, f"年龄 {age} 岁")


# POL-MED-01 -------------------------------------------------------------------------------------------------


def _known_funds(value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    unknown = sorted(set(value) - set(INSUTYPES))
    if unknown:
        raise ValueError(f"unknown insutype {', '.join(unknown)} (known: {', '.join(sorted(INSUTYPES))})")
    for med_types in value.values():
        _known_med_types(med_types)
    return value


_GENERAL = ("11", "13", "14", "21", "41")


class CoverageParams(Params):
    #: The kinds of care (med_type) each fund (insutype) pays for; a fund not listed pays for none.
    coverage: Annotated[dict[str, tuple[str, ...]], AfterValidator(_known_funds)] = {
        "310": (*_GENERAL, "51", "52"), "320": _GENERAL, "330": ("14", "21"), "340": (*_GENERAL, "51", "52"),
        "390": (*_GENERAL, "51", "52"), "392": ("14", "21"), "510": ("51", "52"),
    }


def care_not_covered(s: Subject, facts: Facts, p: CoverageParams) -> Hits | None:
    """险种不予支付的医疗类别: a kind of care the fund does not cover (maternity from the critical-illness fund,
    registration fees): whatever the fund paid is the violation."""
    if s.record.med_type in p.coverage.get(s.record.insutype, ()):
        return None
    return Hits(s.all_lines(), f"险种 {s.record.insutype} 不支付医疗类别 {s.record.med_type}")


# POL-PHM-01 -------------------------------------------------------------------------------------------------


class PharmacyParams(Params):
    #: What a designated retail pharmacy may settle with the fund.
    allowed: tuple[ItemKind, ...] = ("drug", "material")
    pharmacy_med_types: MedTypes = ("41",)


def pharmacy_beyond_scope(s: Subject, facts: Facts, p: PharmacyParams) -> Hits | None:
    """定点零售药店超范围结算: a pharmacy purchase that bills a medical service (a consultation, a test)."""
    if s.record.med_type not in p.pharmacy_med_types:
        return None
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.lines
            if item_kind(line.detail.med_list_codg) not in p.allowed]
    return Hits(hits) if hits else None


# POL-INP-01 -------------------------------------------------------------------------------------------------


class InpatientOnlyParams(Params):
    #: The kinds of care that may bill per-day items (bed-days, nursing): the stays, and observation where a
    #: region pays it.
    allowed_med_types: MedTypes = tuple(sorted(INPATIENT_MED_TYPES))


def inpatient_item_outside_a_stay(s: Subject, facts: Facts, p: InpatientOnlyParams) -> Hits | None:
    """住院项目门诊收取: a per-day inpatient item (床位费, 护理费) billed in an outpatient or pharmacy settlement."""
    if not s.per_day or s.record.med_type in p.allowed_med_types:
        return None
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.per_day]
    return Hits(hits) if hits else None


# POL-CHR-01 -------------------------------------------------------------------------------------------------


class ChronicParams(Params):
    #: The region's chronic and special diseases (门诊慢特病病种), as ICD-10 prefixes.
    diseases: Annotated[tuple[Icd10, ...], Field(min_length=1)] = (
        "E10", "E11", "E13", "E14", "E78", "I10", "I11", "I12", "I13", "I15", "I20", "I25", "I50", "I63", "I69",
        "J44", "J45", "N18", "C", "D45", "D61", "F20", "F31", "G20", "G40", "K74", "M05", "M32", "B18", "B20",
        "Z94", "Z99.2",
    )
    chronic_med_types: MedTypes = ("14",)


def chronic_care_without_chronic_disease(s: Subject, facts: Facts, p: ChronicParams) -> Hits | None:
    """门诊慢特病病种不符: a chronic/special outpatient settlement whose diagnoses name none of the region's
    chronic diseases."""
    if s.record.med_type not in p.chronic_med_types or with_prefix(s.diagnoses, p.diseases):
        return None
    named = "、".join(s.record.dise_codg) or "无"
    return Hits(s.all_lines(), f"诊断 {named} 不属本统筹区门诊慢特病病种")


CITE = "国家医保智能审核和监控规则库"
CATALOGUE = "国家基本医疗保险、工伤保险和生育保险药品目录及医疗服务项目目录"

RULES = [
    Rule("POL-CAT-01", "policy", "high", True, "目录外项目：不在医保目录内的药品、耗材或诊疗项目由基金支付",
         f"{CATALOGUE}; {CITE}（目录外项目）; N art.13", outside_catalogue, CatalogueParams),
    Rule("POL-SEX-01", "policy", "high", True, "限性别项目：限定单一性别使用的药品或诊疗项目用于其他性别",
         f"{CITE}（性别限定）; {CATALOGUE}; N art.13", sex_restricted_item),
    Rule("POL-AGE-01", "policy", "high", True, "限年龄项目：限定年龄范围的药品或诊疗项目用于范围外人员",
         f"{CITE}（年龄限定）; {CATALOGUE}; N art.13", age_restricted_item),
    Rule("POL-MED-01", "policy", "high", True, "险种不予支付：基金支付了该险种不覆盖的医疗类别",
         f"{CITE}（险种支付范围）; N art.5; N art.13", care_not_covered, CoverageParams),
    Rule("POL-PHM-01", "policy", "medium", True, "定点药店超范围结算：药店购药结算了诊疗服务项目",
         f"{CITE}（定点零售药店结算范围）; N art.13", pharmacy_beyond_scope, PharmacyParams),
    Rule("POL-INP-01", "policy", "medium", True, "住院项目门诊收取：按日计价的住院项目（床位、护理）在门诊或购药结算中收取",
         f"{CITE}（限住院使用项目）; {CATALOGUE}; N art.13", inpatient_item_outside_a_stay, InpatientOnlyParams),
    Rule("POL-CHR-01", "policy", "medium", False, "门诊慢特病病种不符：门诊慢特病结算无本统筹区认定的慢特病诊断",
         f"{CITE}（门诊慢特病病种范围）; N art.13", chronic_care_without_chronic_disease, ChronicParams),
]
