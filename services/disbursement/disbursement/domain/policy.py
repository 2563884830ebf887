"""A region's instant-settlement policy (即时结算政策), as data.

Each pooling region (统筹区, ``admdvs``) runs one or more of the three paths of N art.1 / art.9:
A, compressed monthly settlement (压缩结算时间); B, per-record daily disbursement (逐笔申报拨付 / 日拨付);
C, monthly prepayment (按月预拨). A policy is versioned with the date it takes effect (ZJ §3.2: a ratio
changed by decision applies from that date), and every run records the version it used.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.codes import Admdvs, Insutype, MedType

Ratio = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]
Path = Literal["A", "B", "C"]
AuditMode = Literal["pay_first", "audit_first", "parallel"]
Pack = Literal["national", "jilin", "shanxi", "zhenjiang", "leshan"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DueRule(_Part):
    """When a monthly payment is due: the n-th working day of the month (SX §3: "within the first 3 working
    days") or the last working day before a day of the month (ZJ §3.2: "before the 10th")."""

    kind: Literal["nth_working_day", "before_day"]
    n: Annotated[int, Field(ge=1, le=28)]


class Prepayment(_Part):
    """Path C (按月预拨): a ratio of last month's amount, prepaid at the start of the month."""

    ratios: Annotated[dict[Insutype, Ratio], Field(min_length=1)]
    #: SX §3 takes last month's payable amount (应结算额); ZJ §3.2 last month's incurred fund payments
    #: (实际发生基金数).
    basis: Literal["payable", "incurred"]
    due: DueRule


class MonthlySettlement(_Part):
    """Monthly settlement (月结算, N art.16): due within ``total_working_days``; Zhenjiang splits it into review
    and payment (ZJ §3.1: 15 + 5). The month is netted only after its audit (SX §3 "待完成…月度审核…后，再…
    轧差清算") and on the institutions' declarations (N art.12)."""

    declaration_deadline_day: Annotated[int, Field(ge=1, le=28)] = 10
    review_working_days: Annotated[int, Field(ge=0, le=20)] = 15
    payment_working_days: Annotated[int, Field(ge=0, le=20)] = 5
    total_working_days: Annotated[int, Field(ge=1, le=20)] = 20
    #: Where the working days are counted from. ``after_declaration_deadline``: "申报截止次日起不超过20个工作日"
    #: (N art.16, LS §3.1). ``next_month_start``: "次月20个工作日内" (ZJ §3.1), the next month's first working
    #: days, whatever the declaration deadline (2025-08 is due 2025-09-26, not 2025-10-14).
    counted_from: Literal["after_declaration_deadline", "next_month_start"] = "after_declaration_deadline"
    #: Where the payment days start. ``review_due``: after the review days (ZJ §3.1: 15 of review, then 5 of
    #: payment). ``audit_ended``: after the month's audit actually ended (LS §3.1 "审核后5个工作日内完成拨付"),
    #: never past the total.
    payment_from: Literal["review_due", "audit_ended"] = "review_due"
    #: A month with records still unaudited or under manual review. ``wait`` (SX §3, N art.13): the run is
    #: refused until the audit has ended. ``settle_later``: the run settles what is decided and leaves each open
    #: record to a later settlement, which takes it as its review decides.
    open_review: Literal["wait", "settle_later"] = "wait"
    #: An institution that has not declared the month. ``hold`` (N art.12: declarations are the basis): its
    #: records are not settled until it declares; what was already advanced to it is netted as usual and a
    #: negative net carried (SX §3). ``settle``: settled on the uploaded records alone.
    undeclared: Literal["hold", "settle"] = "hold"

    @model_validator(mode="after")
    def _within_total(self) -> MonthlySettlement:
        if self.review_working_days + self.payment_working_days > self.total_working_days:
            raise ValueError("review + payment working days exceed the total (N art.16: at most 20)")
        return self


class EnrollmentCriteria(_Part):
    """Who may join instant settlement (ZJ §4): (一) cooperation with the national, provincial and city key work
    (积极配合完成…医保重点工作部署), a fact the operator confirms; (二) a fund-use performance score of at least
    ``min_fund_use_score``; (三) on-time uploads and drug traceability codes scanned and uploaded; (四) no major
    violation in two years and normal operation; (五) while the first batch is in force, designated medical
    institutions only (首批…二级及以上的定点医疗机构、各医共体成员及各辖市基层定点医疗机构): a retail pharmacy
    waits for the scope to widen. Optionally only some hospital levels."""

    cooperates_with_key_work: bool = True
    min_fund_use_score: Annotated[int, Field(ge=0, le=100)] = 80
    uploads_on_time: bool = True
    traceability_codes: bool = True
    no_major_violation_within_2y: bool = True
    operating_normally: bool = True
    #: ZJ §4(五): the first batch admits medical institutions (fixmedins_type 1) only. Every level of them: the
    #: secondary-and-above hospitals, the medical communities' members and the grassroots institutions together
    #: cover them all, so no level filter. Off once "条件成熟时逐步扩大…范围" is decided.
    first_batch_in_force: bool = False
    hosp_levels: list[str] | None = None


class SpecialCases(_Part):
    """特例单议: reviewed by experts monthly (N art.16) or quarterly (JL art.16). ``on_approval``: each case is
    settled in full once decided ("根据评议结果及时予以结算"). ``year_end``: "要对特例单议按月给予一定比例的预拨，
    年底再进行清算" — ``prepay_share`` of each case not yet cleared is prepaid, and the annual clearing pays
    the approved amount less what was prepaid (or recovers it from a rejected case)."""

    review: Literal["monthly", "quarterly"] = "monthly"
    clearing: Literal["on_approval", "year_end"] = "on_approval"
    prepay_share: Ratio = Decimal("0")
    #: How often the share is prepaid where cases clear at year end. ``each_month`` (N art.16 "按月"): every
    #: month's special-cases run prepays the share again on each case still open — of its claim while pending,
    #: of its approved amount once decided — never past that amount in all. ``once``: a single share when the
    #: case is first reviewed.
    prepay_cadence: Literal["each_month", "once"] = "each_month"
    #: When the review period's special-cases run is due. ``with_settlement``: with the monthly settlement of the
    #: period's last month — N art.16 settles the cases "根据评议结果及时予以结算" in the sentence that limits the
    #: month settlement to 20 working days from the day after the declaration deadline, JL art.16's "补充结算"
    #: supplements JL art.15's, and a case is claimed with the declarations, so the panel cannot sit before they
    #: close (Jilin 2025-Q3: 20 working days after 2025-10-10, 2025-11-06). ``after_period_end``: the settlement's
    #: ``total_working_days`` counted from the period's last day, whatever the declarations (2025-Q3: 2025-11-04).
    due: Literal["with_settlement", "after_period_end"] = "with_settlement"

    @model_validator(mode="after")
    def _year_end_prepays_monthly(self) -> SpecialCases:
        if self.clearing == "year_end" and self.prepay_share == 0:
            raise ValueError("special cases cleared at year end are prepaid a share each month (N art.16): "
                             "prepay_share must be above 0")
        if self.clearing == "year_end" and self.review == "quarterly":
            raise ValueError("special cases cleared at year end are prepaid month by month (N art.16), so they are "
                             "reviewed monthly; a quarterly review (JL art.16) settles each case on approval")
        return self


class FundRequests(_Part):
    """When the agency asks finance for the month's funds (资金请拨, SX §4 — Shanxi's rule; the national procedure
    and the other seeds leave it to each region): by the ``request_by_day`` of the month ("25日前", the 25th
    itself included), finance transferring by the first working day of the next month; December's request
    deferred to the first ``january_working_days`` working days of January, finance paying within
    ``january_transfer_working_days`` of receiving it."""

    request_by_day: Annotated[int, Field(ge=2, le=28)] = 25
    january_working_days: Annotated[int, Field(ge=1, le=20)] = 3
    january_transfer_working_days: Annotated[int, Field(ge=1, le=20)] = 3


class Funds(_Part):
    """Which funds the region settles instantly, and under which fund a record of another insutype is settled
    and paid. N art.3 "职工医保基金（含生育保险）" and LS "职工（含生育）": maternity (510) is part of the employee
    fund, so by default a 510 record is settled under 310 — its ratio, its payment and its payer account. A code
    neither settled nor folded (公务员医疗补助 320, 大额医疗费用补助 330, 离休 340, 居民大病 392) is refused at
    intake, naming the region, rather than accepted and never paid; a region that settles one lists it in
    ``settled`` (with a ratio where it pays daily, and a payer account at the bank gateway)."""

    settled: Annotated[list[Insutype], Field(min_length=1)] = ["310", "390"]
    folded: dict[Insutype, Insutype] = {"510": "310"}

    @model_validator(mode="after")
    def _folded_into_a_settled_fund(self) -> Funds:
        for code, into in self.folded.items():
            if into not in self.settled:
                raise ValueError(f"insutype {code} is folded into {into}, which the region does not settle")
            if code in self.settled:
                raise ValueError(f"insutype {code} is both settled on its own and folded into {into}")
        return self

    def fund_of(self, insutype: str) -> str | None:
        """The fund a record of this insutype is settled and paid under, or None when the region has none."""
        return insutype if insutype in self.settled else self.folded.get(insutype)

    @property
    def accepted(self) -> list[str]:
        return sorted({*self.settled, *self.folded})


class RegionPolicy(_Part):
    pack: Pack
    effective_from: date
    paths: Annotated[list[Path], Field(min_length=1)]
    #: Path B's ratio per fund, applied record by record (JL art.11, LS §3.2).
    ratios: dict[Insutype, Ratio] = {}
    #: Where a region pays some kinds of care at another ratio.
    med_type_ratios: dict[Insutype, dict[MedType, Ratio]] = {}
    audit_mode: AuditMode
    #: Path B's batches: daily, weekly or dekad (N art.22).
    batch: Literal["daily", "weekly", "dekad"] = "daily"
    #: Path B: paid within this many working days after the business date (LS §3.2: one).
    pay_within_working_days: Annotated[int, Field(ge=0, le=20)] = 1
    prepayment: Prepayment | None = None
    settlement: MonthlySettlement = MonthlySettlement()
    #: The personal account (个人账户) is settled with the employee fund: its payments (``acct_pay``), less what
    #: personal-account mutual aid paid (个人账户共济, ``acct_mulaid_pay``, kept out), count in the prepayment base
    #: and the monthly settlement (ZJ §2 "职工医保基金(含统筹和个人账户，不含个人账户共济)"). Off, the fund
    #: payment alone (N art.3 names the pooled funds only).
    personal_account: bool = False
    #: Reserved from each monthly settlement as the quality deposit (保证金预留, SX §3).
    quality_deposit_share: Ratio = Decimal("0")
    #: Who signs the daily summary (日拨付业务拨付汇总表, JL art.11 "履行签字手续后"). Two readings of
    #: 签字手续: ``operator`` (the natural one, every pack's default) — a person signs, so the run waits in
    #: ``computed`` until an operator signs it (POST /v1/runs/{id}/sign-off) and records who and when
    #: (``signed_by``, ``signed_at``; N art.22: traceable to the person who answers for it); ``automatic`` — the
    #: formality is the agency's system approval, so the system signs (``signed_by`` "system") and pays at once,
    #: only where a region has decided so, as an override.
    daily_sign_off: Literal["automatic", "operator"] = "operator"
    enrollment_criteria: EnrollmentCriteria | None = None
    special_cases: SpecialCases = SpecialCases()
    #: The funds settled, and what is folded into which (N art.3: maternity under the employee fund).
    funds: Funds = Funds()
    #: The schedule of fund requests to finance (SX §4), where the region has one; none by default.
    fund_requests: FundRequests | None = None

    @model_validator(mode="after")
    def _paths_have_what_they_need(self) -> RegionPolicy:
        if len(set(self.paths)) != len(self.paths):
            raise ValueError("a path is listed twice")
        if "B" in self.paths and not self.ratios:
            raise ValueError("path B (daily disbursement) needs ratios by fund")
        if "C" in self.paths and self.prepayment is None:
            raise ValueError("path C (monthly prepayment) needs a prepayment rule")
        if "C" not in self.paths and self.prepayment is not None:
            raise ValueError("a prepayment rule is set but path C is not enabled")
        return self

    def ratio(self, insutype: str, med_type: str) -> Decimal | None:
        """Path B's ratio for a record, or None when this fund is not paid daily here."""
        by_med_type = self.med_type_ratios.get(insutype, {})
        return by_med_type.get(med_type, self.ratios.get(insutype))


class VersionedPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    admdvs: Admdvs
    version: int
    policy: RegionPolicy
