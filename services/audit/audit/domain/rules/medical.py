"""医疗类规则 (medical rules): whether the care fits the patient — a restricted drug without the diagnosis it is
restricted to, a stay longer than the norm for its disease, a diagnosis the patient's sex cannot have, more
drug than the prescription rules allow, two drugs of one class at once. Sources: the national rule base
(国家医保智能审核和监控规则库), the catalogue's payment restrictions (限定支付范围), 处方管理办法; N art.13."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

from audit.domain.catalogue import drug_class
from audit.domain.library import Facts, Hits, Params, Rule, Subject, part_of, with_prefix
from audit.domain.rules.policy import CATALOGUE, CITE, Icd10
from shared.contracts.codes import MED_TYPES
from shared.contracts.settlement import FeeDetail

# MED-IND-01 -------------------------------------------------------------------------------------------------


class IndicationParams(Params):
    #: Whether a settlement with no diagnosis at all is flagged (True) or left for other checks (False).
    flag_without_diagnosis: bool = True


def restricted_drug_without_indication(s: Subject, facts: Facts, p: IndicationParams) -> Hits | None:
    """超限定支付范围: a drug the catalogue pays only for some diagnoses (限定支付范围) billed with none of them."""
    diagnoses = s.diagnoses
    if not s.drugs or (not diagnoses and not p.flag_without_diagnosis):
        return None
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.drugs
            if line.item.indications and not with_prefix(diagnoses, line.item.indications)]  # type: ignore[union-attr]
    return Hits(hits, f"诊断 {'、'.join(diagnoses) or '无'}") if hits else None


# MED-LOS-01 -------------------------------------------------------------------------------------------------


Days = Annotated[int, Field(ge=1, le=365)]


class StayNormParams(Params):
    #: The longest normal stay in days per main diagnosis (ICD-10 prefix; the longest prefix that matches).
    norms: dict[Icd10, Days] = {
        "J18": 14, "J44": 14, "J45": 10, "I10": 10, "I21": 14, "I50": 14, "I63": 21, "K35": 7, "K80": 10,
        "E11": 14, "N40": 10, "O80": 5, "O82": 7, "S72": 30, "C": 30,
    }
    #: For a main diagnosis no norm names.
    default_days: Days = 30


def stay_longer_than_norm(s: Subject, facts: Facts, p: StayNormParams) -> Hits | None:
    """住院天数超标准: a stay longer than the norm for its main diagnosis; the per-day lines of the days beyond the
    norm are what the reviewer weighs."""
    stay = s.stay
    if stay is None:
        return None
    days = max((stay.dscg_date - stay.adm_date).days, 1)
    main = (stay.main_dise or "").upper()
    matching = [prefix for prefix in p.norms if main.startswith(prefix)]
    norm = p.norms[max(matching, key=len)] if matching else p.default_days
    if days <= norm:
        return None
    beyond = stay.adm_date + timedelta(days=norm)
    hits = [(line.detail, line.detail.det_item_fee_sumamt) for line in s.per_day if line.day >= beyond]
    return Hits(hits, f"住院 {days} 日，{main or '无诊断'} 标准 {norm} 日")


# MED-DXS-01 -------------------------------------------------------------------------------------------------


class DiagnosisSexParams(Params):
    female_only: tuple[Icd10, ...] = ("O", "N7", "N8", "N90", "N91", "N92", "N93", "N94", "N95", "N96", "N97", "N98",
                                "C51", "C52", "C53", "C54", "C55", "C56", "C57", "C58", "D25", "D26", "D27",
                                "Z32", "Z33", "Z34", "Z35", "Z36", "Z37", "Z39")
    male_only: tuple[Icd10, ...] = ("N40", "N41", "N42", "N43", "N44", "N45", "N46", "N47", "N48", "N49", "N50", "N51",
                              "C60", "C61", "C62", "C63", "D29")


def diagnosis_contradicts_sex(s: Subject, facts: Facts, p: DiagnosisSexParams) -> Hits | None:
    """诊断与性别不符: a diagnosis only one sex can have (pregnancy, prostate) for a person of the other."""
    gend = s.record.gend
    if not s.diagnoses or gend not in ("1", "2"):
        return None
    wrong = p.female_only if gend == "1" else p.male_only
    named = [d for d in s.diagnoses if d.startswith(wrong)]
    return Hits(s.all_lines(), f"诊断 {'、'.join(named)} 与性别 {gend} 不符") if named else None


# MED-SUP-01 -------------------------------------------------------------------------------------------------


def _med_types_known(value: dict[str, int]) -> dict[str, int]:
    unknown = sorted(set(value) - set(MED_TYPES))
    if unknown:
        raise ValueError(f"unknown med_type {', '.join(unknown)}")
    return value


class SupplyParams(Params):
    #: The most days of drug one settlement may dispense, per kind of care (处方管理办法 art.19: 7 days, an
    #: emergency 3; long prescriptions for chronic diseases up to 12 weeks). Kinds not listed are not judged.
    max_days: Annotated[dict[str, Days], AfterValidator(_med_types_known)] = {"11": 7, "13": 3, "14": 84, "41": 7}


def supply_beyond_days(s: Subject, facts: Facts, p: SupplyParams) -> Hits | None:
    """超量开药: a drug dispensed in more than the allowed days' supply even at its highest daily dose (the
    catalogue's daily maximum); the quantity beyond is the violation."""
    limit = p.max_days.get(s.record.med_type)
    if limit is None:
        return None
    hits = []
    for line in s.drugs:
        item = line.item
        if item is None or not item.max_daily_qty:
            continue
        allowed = item.max_daily_qty * limit
        if line.detail.cnt > allowed:
            hits.append((line.detail, part_of(line.detail, line.detail.cnt - allowed)))
    return Hits(hits, f"限 {limit} 日用量") if hits else None


# MED-CLS-01 -------------------------------------------------------------------------------------------------


class DrugClassParams(Params):
    #: ATC level compared: 5 characters is the chemical subgroup (J01CA, C08CA).
    level: Annotated[int, Field(ge=3, le=7)] = 5
    #: Classes used together by design (infusion solutions).
    exempt: tuple[Annotated[str, Field(pattern=r"^[A-Z][0-9A-Z]{0,6}$")], ...] = ("B05",)


def same_class_drugs(s: Subject, facts: Facts, p: DrugClassParams) -> Hits | None:
    """同类药品重复使用: two different drugs of one pharmacological class in one settlement (two calcium-channel
    blockers); the second and later are what the reviewer weighs."""
    first: dict[str, str] = {}
    hits: list[tuple[FeeDetail, Decimal]] = []
    classes = set()
    if len(s.drugs) < 2:
        return None
    for line in s.drugs:
        code = line.detail.med_list_codg
        atc = drug_class(code, p.level)
        if atc is None or atc.startswith(p.exempt):
            continue
        if first.setdefault(atc, code) != code:
            hits.append((line.detail, line.detail.det_item_fee_sumamt))
            classes.add(atc)
    return Hits(hits, f"同类 {', '.join(sorted(classes))}") if hits else None


RULES = [
    Rule("MED-IND-01", "medical", "medium", False, "超限定支付范围：限定适应症的药品无相应诊断",
         f"{CITE}（限定支付范围）; {CATALOGUE}（备注限定支付）; N art.13", restricted_drug_without_indication,
         IndicationParams),
    Rule("MED-LOS-01", "medical", "low", False, "住院天数超标准：住院天数超过该病种的标准住院日",
         f"{CITE}（住院天数异常）; N art.13", stay_longer_than_norm, StayNormParams),
    Rule("MED-DXS-01", "medical", "medium", False, "诊断与性别不符：诊断为另一性别特有疾病",
         f"{CITE}（诊断与性别不符）; N art.13", diagnosis_contradicts_sex, DiagnosisSexParams),
    Rule("MED-SUP-01", "medical", "medium", False, "超量开药：单次结算药品数量超过规定用药天数",
         f"{CITE}（超量开药）; 处方管理办法 第十九条; N art.13", supply_beyond_days, SupplyParams),
    Rule("MED-CLS-01", "medical", "low", False, "同类药品重复使用：同一结算中开具多种同类药品",
         f"{CITE}（重复用药）; N art.13", same_class_drugs, DrugClassParams),
]
