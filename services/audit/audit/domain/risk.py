"""Real-time risk warnings (风险预警, N art.20-21, JL art.22-23): each institution's day of instant-settlement
data, watched as its records are audited, against its own history and its peers in the region.

An indicator is one figure of an institution's day (its fund payment, the share of its records that cost
much, …). Its ``basis`` says what the figure is held against: ``absolute`` — the figure itself;
``own_baseline`` — the figure ÷ its mean over the institution's previous days with records; ``peers`` — the
figure ÷ the same figure over the other institutions of the region that day. A value at ``warn`` or more
raises a yellow warning (黄色预警), at ``severe`` or more a red one (红色预警). Which indicators run, their
bases and thresholds are data per region, a new version each change (no deploy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.money import ZERO, Amount

Basis = Literal["absolute", "own_baseline", "peers"]
Level = Literal["yellow", "red"]
INDICATORS = ("fund_pay_jump", "high_cost_share", "repeat_patient_share", "reversal_rate", "late_upload_share",
              "violation_rate")
Positive = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=4)]


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    basis: Basis
    warn: Positive
    severe: Positive
    #: A day with fewer records is not judged: a share of three records says nothing.
    min_records: Annotated[int, Field(ge=1, le=1_000_000)] = 20

    @model_validator(mode="after")
    def _ordered(self) -> Indicator:
        if self.severe < self.warn:
            raise ValueError("severe must be at least warn")
        return self


def _defaults() -> dict[str, Indicator]:
    return {
        # 日基金支付额 against the institution's own rolling mean: a 3× day is worth a look, 5× a red flag.
        "fund_pay_jump": Indicator(basis="own_baseline", warn=Decimal(3), severe=Decimal(5), min_records=1),
        # 高额费用占比 against the region's other institutions that day.
        "high_cost_share": Indicator(basis="peers", warn=Decimal(2), severe=Decimal(4)),
        # 重复就诊: the same person settled twice the same day at the same institution.
        "repeat_patient_share": Indicator(basis="absolute", warn=Decimal("0.10"), severe=Decimal("0.25")),
        # 结算撤销率.
        "reversal_rate": Indicator(basis="absolute", warn=Decimal("0.05"), severe=Decimal("0.15")),
        # 上传不及时: records uploaded later than ``late_after_hours`` after settlement.
        "late_upload_share": Indicator(basis="absolute", warn=Decimal("0.10"), severe=Decimal("0.30")),
        # 审核违规率 against the region's other institutions that day.
        "violation_rate": Indicator(basis="peers", warn=Decimal(3), severe=Decimal(5)),
    }


class RiskConfig(BaseModel):
    """A region's risk indicators; an indicator left out keeps its default, and each may be switched off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: dict[str, Indicator] = Field(default_factory=_defaults)
    #: The previous days (with records) the own baseline is the mean of, and how many it needs at least.
    baseline_days: Annotated[int, Field(ge=1, le=366)] = 28
    baseline_min_days: Annotated[int, Field(ge=1, le=366)] = 7
    #: A settlement whose fund payment is at least this much is a high-cost one.
    high_cost_amount: Amount = Decimal("5000.00")
    late_after_hours: Annotated[int, Field(ge=1, le=24 * 31)] = 24

    @model_validator(mode="after")
    def _known(self) -> RiskConfig:
        unknown = set(self.indicators) - set(INDICATORS)
        if unknown:
            raise ValueError(f"unknown indicators {sorted(unknown)}; known: {list(INDICATORS)}")
        if self.baseline_min_days > self.baseline_days:
            raise ValueError("baseline_min_days exceeds baseline_days")
        return self

    @classmethod
    def of(cls, body: dict[str, Any]) -> RiskConfig:
        """A region's configuration as an operator sends it: indicators it names replace the defaults."""
        body = dict(body)
        given = body.get("indicators") or {}
        if isinstance(given, dict):
            body["indicators"] = {**{k: v.model_dump() for k, v in _defaults().items()}, **given}
        return cls.model_validate(body)


@dataclass(frozen=True, slots=True)
class DayFigures:
    """What an institution's day holds so far: how many records, their fund payment, and how many of them were
    high-cost, repeat visits, uploaded late, found in violation, reversed."""

    records: int = 0
    fund_pay: Decimal = ZERO
    high_cost: int = 0
    repeats: int = 0
    late: int = 0
    violations: int = 0
    reversals: int = 0

    def figure(self, indicator: str) -> Decimal | None:
        if indicator == "fund_pay_jump":
            return self.fund_pay
        if not self.records:
            return None
        count = {"high_cost_share": self.high_cost, "repeat_patient_share": self.repeats,
                 "reversal_rate": self.reversals, "late_upload_share": self.late,
                 "violation_rate": self.violations}[indicator]
        return Decimal(count) / self.records

    def __add__(self, other: DayFigures) -> DayFigures:
        return DayFigures(self.records + other.records, self.fund_pay + other.fund_pay,
                          self.high_cost + other.high_cost, self.repeats + other.repeats, self.late + other.late,
                          self.violations + other.violations, self.reversals + other.reversals)


@dataclass(frozen=True, slots=True)
class Reading:
    """One indicator read on one institution's day: the value held against the thresholds, and what it came
    from (the day's figure and the baseline or the peers' figure it was divided by)."""

    indicator: str
    basis: Basis
    value: Decimal
    figure: Decimal
    reference: Decimal | None
    level: Level | None
    threshold: Decimal


def read(indicator: str, setting: Indicator, day: DayFigures, *, baseline: list[DayFigures],
         peers: DayFigures, config: RiskConfig) -> Reading | None:
    """The indicator on this day, or None where the day or its reference is too thin to judge."""
    if not setting.enabled or day.records < setting.min_records:
        return None
    figure = day.figure(indicator)
    if figure is None:
        return None
    reference: Decimal | None = None
    if setting.basis == "own_baseline":
        if len(baseline) < config.baseline_min_days:
            return None
        figures = [f for f in (d.figure(indicator) for d in baseline) if f is not None]
        reference = sum(figures, Decimal(0)) / len(figures) if figures else Decimal(0)
    elif setting.basis == "peers":
        if peers.records < setting.min_records:
            return None
        reference = peers.figure(indicator) or Decimal(0)
    if reference is None:
        value = figure
    elif reference > 0:
        value = figure / reference
    else:
        return None  # nothing to compare with: a first high-cost record of the region is not a multiple of 0
    value = value.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    level: Level | None = "red" if value >= setting.severe else "yellow" if value >= setting.warn else None
    return Reading(indicator, setting.basis, value, figure, reference, level,
                   setting.severe if level == "red" else setting.warn)


def readings(day: DayFigures, *, baseline: list[DayFigures], peers: DayFigures,
             config: RiskConfig) -> list[Reading]:
    """Every indicator of the region that has something to say about the day."""
    out = []
    for indicator, setting in config.indicators.items():
        reading = read(indicator, setting, day, baseline=baseline, peers=peers, config=config)
        if reading is not None and reading.level is not None:
            out.append(reading)
    return out


def risk_flags(fund_pay: Decimal, *, repeat: bool, lateness: timedelta, config: RiskConfig) -> list[str]:
    """What the indicators count one settlement as: high-cost (its fund payment at least the region's amount),
    a repeat visit, uploaded late."""
    flags = []
    if fund_pay >= config.high_cost_amount:
        flags.append("high_cost")
    if repeat:
        flags.append("repeat")
    if lateness > timedelta(hours=config.late_after_hours):
        flags.append("late")
    return flags


def one_record(fund_pay: Decimal, flags: list[str], *, violation: bool, reversed_: bool) -> DayFigures:
    return DayFigures(1, fund_pay, int("high_cost" in flags), int("repeat" in flags), int("late" in flags),
                      int(violation), int(reversed_))


def supersedes(level: Level, before: str | None) -> bool:
    """Whether a reading replaces the warning already raised on that day and indicator: a first one, one at the
    same level (the latest figures) or one that turns it red — a red warning never turns back yellow."""
    return before is None or before == level or level == "red"
