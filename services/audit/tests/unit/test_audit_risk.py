"""The risk indicators as plain arithmetic (N art.20, JL art.22): a day against its own baseline, its peers or
a fixed threshold, and what is too thin to judge."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from audit.domain.risk import DayFigures, RiskConfig, read, readings, risk_flags, supersedes

CONFIG = RiskConfig()


def _day(records: int, fund: str = "100.00", **counts: int) -> DayFigures:
    return DayFigures(records, Decimal(fund) * records, **counts)


def test_a_day_is_read_against_the_mean_of_its_baseline_days() -> None:
    # N art.20: 5× the rolling mean is red, 3× yellow, less nothing
    baseline = [_day(2)] * 7
    [reading] = [r for r in readings(_day(10), baseline=baseline, peers=DayFigures(), config=CONFIG)
                 if r.indicator == "fund_pay_jump"]
    assert (reading.value, reading.level, reading.threshold, reading.reference) == \
        (Decimal("5.0000"), "red", Decimal(5), Decimal("200.00"))
    assert read("fund_pay_jump", CONFIG.indicators["fund_pay_jump"], _day(6), baseline=baseline,
                peers=DayFigures(), config=CONFIG).level == "yellow"  # type: ignore[union-attr]
    assert read("fund_pay_jump", CONFIG.indicators["fund_pay_jump"], _day(5), baseline=baseline,
                peers=DayFigures(), config=CONFIG).level is None  # type: ignore[union-attr]


def test_too_little_history_or_too_few_records_is_not_judged() -> None:
    # N art.20: a warning must rest on enough data
    assert read("fund_pay_jump", CONFIG.indicators["fund_pay_jump"], _day(50), baseline=[_day(1)] * 6,
                peers=DayFigures(), config=CONFIG) is None
    assert read("late_upload_share", CONFIG.indicators["late_upload_share"], _day(19, late=19), baseline=[],
                peers=DayFigures(), config=CONFIG) is None
    late = read("late_upload_share", CONFIG.indicators["late_upload_share"], _day(20, late=20), baseline=[],
                peers=DayFigures(), config=CONFIG)
    assert late is not None and (late.value, late.level) == (Decimal("1.0000"), "red")


def test_a_share_is_read_against_the_regions_other_institutions() -> None:
    # N art.20: 审核违规率 against peers — 3× the peers' rate yellow, 5× red; peers without any: not judged
    setting = CONFIG.indicators["violation_rate"]
    peers = _day(100, violations=2)
    assert read("violation_rate", setting, _day(20, violations=2), baseline=[], peers=peers,
                config=CONFIG).level == "red"  # type: ignore[union-attr]  # 10 % vs 2 %
    assert read("violation_rate", setting, _day(20, violations=2), baseline=[], peers=_day(100),
                config=CONFIG) is None


def test_flags_of_one_settlement() -> None:
    # JL art.22: high cost, repeat visit, late upload
    assert risk_flags(Decimal("5000.00"), repeat=True, lateness=timedelta(hours=25), config=CONFIG) == \
        ["high_cost", "repeat", "late"]
    assert risk_flags(Decimal("4999.99"), repeat=False, lateness=timedelta(hours=24), config=CONFIG) == []


def test_a_red_warning_never_turns_back_yellow() -> None:
    assert supersedes("yellow", None) and supersedes("red", "yellow") and supersedes("red", "red")
    assert not supersedes("yellow", "red")


def test_a_region_config_names_what_is_wrong() -> None:
    with pytest.raises(ValidationError) as caught:
        RiskConfig.of({"indicators": {"fund_pay_jump": {"basis": "own_baseline", "warn": "4", "severe": "2"}}})
    assert "severe must be at least warn" in str(caught.value)
    with pytest.raises(ValidationError):
        RiskConfig.of({"indicators": {"x": {"basis": "absolute", "warn": "1", "severe": "1"}}})
    kept = RiskConfig.of({"indicators": {"reversal_rate": {"basis": "absolute", "warn": "0.1", "severe": "0.2"}}})
    assert kept.indicators["fund_pay_jump"] == CONFIG.indicators["fund_pay_jump"]
