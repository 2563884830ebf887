"""Realistic generated settlements for the demo, the benches and the end-to-end tests: deterministic by
seed, parts that add up to the fen, and a small share of records that break an audit rule on purpose."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# (med_list_codg, med_chrgitm_type, unit price): items of the audit catalogue, priced under its ceilings.
CONSULTATION = ("110200001", "05", Decimal("20.00"))
BED_DAY = ("110900001", "01", Decimal("60.00"))
NURSING = ("120100001", "07", Decimal("36.00"))
OUTPATIENT_ITEMS = [
    ("250101015", "03", Decimal("25.00")), ("250301001", "03", Decimal("12.00")),
    ("210102015", "04", Decimal("90.00")), ("310701001", "04", Decimal("30.00")),
    ("XJ01CAA040E001010100", "09", Decimal("0.60")), ("XN02BEA015A001010100", "09", Decimal("0.30")),
    ("XR05CBA087E001010100", "09", Decimal("0.45")), ("XM01AEB033A001010100", "09", Decimal("0.80")),
]
PHARMACY_ITEMS = [
    ("XJ01DCA045E001010100", "09", Decimal("2.80")), ("XN02BEA015A001010100", "09", Decimal("0.30")),
    ("XR06AEL055A001010100", "09", Decimal("0.90")), ("XM01AEB033A001010100", "09", Decimal("0.80")),
]
CHRONIC_ITEMS = [("XA10BAA059A001010100", "09", Decimal("0.25"), "E11.9"),
                 ("XC09CAA052A001010100", "09", Decimal("2.20"), "I10"),
                 ("XC10AAA093A001010100", "09", Decimal("4.50"), "E78.5")]
FEMALE_ONLY = ("270300005", "03", Decimal("150.00"))
FUND_SHARE = {"310": Decimal("0.75"), "390": Decimal("0.60")}


@dataclass(frozen=True)
class DemoInstitution:
    fixmedins_code: str
    fixmedins_name: str
    admdvs: str
    fixmedins_type: str
    hosp_lv: str | None
    bank_code: str
    acct_no: str

    def registration(self) -> dict[str, Any]:
        return {"fixmedins_code": self.fixmedins_code, "fixmedins_name": self.fixmedins_name,
                "admdvs": self.admdvs, "fixmedins_type": self.fixmedins_type, "hosp_lv": self.hosp_lv,
                "bank_acct": {"bank_code": self.bank_code, "acct_no": self.acct_no, "acct_name": self.fixmedins_name}}


def demo_institutions(admdvs: str = "220100", prefix: str = "") -> list[DemoInstitution]:
    return [
        DemoInstitution(f"{prefix}H22010300001", "长春市中心医院", admdvs, "1", "3", "102241000017", "4200000000010001"),
        DemoInstitution(f"{prefix}H22010200002", "长春市南关区社区卫生服务中心", admdvs, "1", "1", "103241000018", "4200000000010002"),
        DemoInstitution(f"{prefix}P22010400003", "长春市益民大药房", admdvs, "2", None, "104241000019", "4200000000010003"),
    ]


def _fen(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class SettlementFactory:
    """Settlements of one business date for a set of institutions."""

    def __init__(self, business_date: date, *, seed: int = 7, violation_share: float = 0.03,
                 persons_per_institution: int = 50_000) -> None:
        """``persons_per_institution``: the pool of insured persons drawn from. A small pool makes one person
        visit a clinic while an inpatient elsewhere dozens of times a week, which the cross-record rules rightly
        flag (MGT-OPI-01): 800 made 15 % of a day suspicious; a city's pool keeps the flags to the planted."""
        self.day = business_date
        self.random = random.Random(seed)
        self.violation_share = violation_share
        self.persons = persons_per_institution
        self._counter = 0

    def settlement(self, institution: DemoInstitution) -> dict[str, Any]:
        r = self.random
        self._counter += 1
        person = r.randrange(self.persons)
        gend = "1" if person % 2 else "2"
        age = 5 + (person * 37) % 80
        insutype = "310" if person % 3 else "390"
        if institution.fixmedins_type == "2":
            med_type = "41"
        else:
            med_type = r.choices(["11", "14", "21"], weights=[75, 15, 10])[0]
        setl_time = datetime.combine(self.day, time(8)) + timedelta(seconds=r.randrange(10 * 3600))
        lines: list[tuple[tuple[str, str, Decimal], int, datetime]] = []
        diagnoses = ["J06.9"]
        admitted: datetime | None = None
        if med_type == "41":
            lines = [(item, r.randint(1, 6), setl_time) for item in r.sample(PHARMACY_ITEMS, r.randint(1, 3))]
        elif med_type == "14":
            code, kind, price, diagnosis = r.choice(CHRONIC_ITEMS)
            lines = [(CONSULTATION, 1, setl_time), ((code, kind, price), r.randint(14, 60), setl_time)]
            diagnoses = [diagnosis]
        elif med_type == "21":
            stay = r.randint(2, 9)
            admitted = setl_time - timedelta(days=stay)
            for d in range(stay):
                day = admitted + timedelta(days=d)
                lines += [(BED_DAY, 1, day), (NURSING, 1, day)]
            lines += [(item, r.randint(1, 3), admitted) for item in r.sample(OUTPATIENT_ITEMS, 3)]
            diagnoses = ["J18.9"]
        else:
            lines = [(CONSULTATION, 1, setl_time)]
            lines += [(item, r.randint(1, 4), setl_time) for item in r.sample(OUTPATIENT_ITEMS, r.randint(1, 3))]
        if institution.fixmedins_type == "1" and med_type in ("11", "14") and r.random() < self.violation_share:
            if r.random() < 0.5 and gend == "1":
                lines.append((FEMALE_ONLY, 1, setl_time))  # a female-only test billed for a man
            else:
                lines.append((CONSULTATION, 1, setl_time))  # the consultation charged twice the same day
        details = [
            {"feedetl_sn": str(i + 1), "med_list_codg": code, "med_chrgitm_type": kind, "cnt": str(cnt),
             "pric": str(price), "det_item_fee_sumamt": str(_fen(price * cnt)),
             "fee_ocur_time": when.isoformat()}
            for i, ((code, kind, price), cnt, when) in enumerate(lines)
        ]
        medfee = sum((Decimal(d["det_item_fee_sumamt"]) for d in details), Decimal("0.00"))
        fund = _fen(medfee * FUND_SHARE[insutype])
        acct = _fen((medfee - fund) * Decimal("0.5")) if insutype == "310" else Decimal("0.00")
        record: dict[str, Any] = {
            "setl_id": f"S{self.day:%Y%m%d}{institution.fixmedins_code[-5:]}{self._counter:07d}",
            "mdtrt_id": f"M{self.day:%Y%m%d}{institution.fixmedins_code[-5:]}{self._counter:07d}",
            "psn_no": f"{institution.admdvs}{person:010d}", "gend": gend, "age": age, "insutype": insutype,
            "med_type": med_type, "setl_time": setl_time.isoformat(), "medfee_sumamt": str(medfee),
            "fund_pay_sumamt": str(fund), "acct_pay": str(acct), "psn_cash_pay": str(medfee - fund - acct),
            "dise_codg": diagnoses, "details": details,
        }
        if admitted is not None:
            record["adm_date"] = admitted.date().isoformat()
            record["dscg_date"] = self.day.isoformat()
        return record

    def day_of(self, institutions: list[DemoInstitution], count: int) -> list[tuple[DemoInstitution, dict[str, Any]]]:
        """``count`` settlements spread over the institutions, the hospital busiest."""
        weights = [5, 2, 3][: len(institutions)] + [1] * max(0, len(institutions) - 3)
        chosen = self.random.choices(institutions, weights=weights, k=count)
        return [(institution, self.settlement(institution)) for institution in chosen]
