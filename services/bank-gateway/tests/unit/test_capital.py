"""人民币大写 on a voucher (《正确填写票据和结算凭证的基本规定》, annex to 《支付结算办法》, 银发〔1997〕393号)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bank_gateway.domain.capital import rmb_capital


def read_capital(text: str) -> Decimal:
    """The amount a person reads back from the capitals: an independent parser, to prove the round trip."""
    digits = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
    places = {"拾": 10, "佰": 100, "仟": 1000}
    integer, _, fraction = text.removesuffix("整").rpartition("元") if "元" in text else ("", "", text.removesuffix("整"))
    total = section = number = 0
    for char in integer:
        if char in digits:
            number = digits[char]
        elif char in places:
            section += number * places[char]
            number = 0
        elif char == "万":
            section = (section + number) * 10_000
            number = 0
        elif char == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
        else:
            raise AssertionError(f"unexpected {char!r} in {text}")
    yuan = total + section + number
    jiao = re.search(r"(.)角", fraction)
    fen = re.search(r"(.)分", fraction)
    return Decimal(yuan) + Decimal(digits[jiao.group(1)] if jiao else 0) / 10 + \
        Decimal(digits[fen.group(1)] if fen else 0) / 100


# the rule's own examples -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "capital"), [
    ("1409.50", "壹仟肆佰零玖元伍角整"),      # 4(一): a 0 between digits is 零 (the rule leaves 整 after 角 optional)
    ("6007.14", "陆仟零柒元壹角肆分"),        # 4(二): a run of 0s, one 零
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),  # 4(三): 元 digit 0, 角 not: the first form, with 零
    ("107000.53", "壹拾万柒仟元零伍角叁分"),  # 4(三): 万 digit 0, 千 not: the first form, without 零
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # 4(四): 角 0, 分 not: 零 after 元
    ("325.04", "叁佰贰拾伍元零肆分"),          # 4(四)
])
def test_the_rules_own_examples_are_written_as_the_rule_writes_them(amount: str, capital: str) -> None:
    assert rmb_capital(Decimal(amount)) == capital


def test_the_briefs_example_a_million_two_thousand_and_three_yuan_forty() -> None:  # 4(二), 4(三), 3(二)
    assert rmb_capital(Decimal("1002003.40")) == "壹佰万贰仟零叁元肆角整"


# 整, 零 and 壹拾 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "capital"), [
    ("0.00", "零元整"), ("0.01", "壹分"), ("0.10", "壹角整"), ("0.50", "伍角整"), ("0.05", "伍分"),
    ("0.55", "伍角伍分"), ("1.00", "壹元整"), ("1.01", "壹元零壹分"), ("1.10", "壹元壹角整"),
    ("10.00", "壹拾元整"), ("15.00", "壹拾伍元整"), ("20.00", "贰拾元整"), ("110.00", "壹佰壹拾元整"),
    ("100.00", "壹佰元整"), ("101.00", "壹佰零壹元整"), ("1001.00", "壹仟零壹元整"),
    ("10000.00", "壹万元整"), ("10500.00", "壹万零伍佰元整"), ("100500.00", "壹拾万零伍佰元整"),
    ("1000500.00", "壹佰万零伍佰元整"), ("110000.00", "壹拾壹万元整"), ("1000000.00", "壹佰万元整"),
    ("1000000.50", "壹佰万元零伍角整"), ("20000.02", "贰万元零贰分"),
])
def test_whole_yuan_end_with_zheng_and_zeros_are_one_ling(amount: str, capital: str) -> None:  # 3(二), 4
    assert rmb_capital(Decimal(amount)) == capital


@pytest.mark.parametrize(("amount", "capital"), [
    ("100000000.00", "壹亿元整"),
    ("100005000.00", "壹亿零伍仟元整"),           # a whole 万 group of 0s: no 万 written, so 零 is
    ("100050000.00", "壹亿零伍万元整"),
    ("120000000.00", "壹亿贰仟万元整"),
    ("300050000000.00", "叁仟亿伍仟万元整"),      # 亿 digit 0, 千万 not: 亿 separates them
    ("1000000000000.00", "壹万亿元整"),
    ("1000100000000.00", "壹万零壹亿元整"),
    ("1000000005000.00", "壹万亿零伍仟元整"),
    ("9999999999999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
])
def test_hundreds_of_millions_and_more(amount: str, capital: str) -> None:  # 4(二), 4(三)
    assert rmb_capital(Decimal(amount)) == capital


@pytest.mark.parametrize("amount", ["-1.00", "0.001", "12.345"])
def test_a_negative_amount_or_one_finer_than_the_fen_is_refused(amount: str) -> None:
    with pytest.raises(ValueError):
        rmb_capital(Decimal(amount))


def test_more_than_sixteen_digits_is_refused() -> None:  # NUMERIC(18,2)
    with pytest.raises(ValueError, match="16 digits"):
        rmb_capital(Decimal("10000000000000000.00"))


def test_a_negative_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        rmb_capital(Decimal("-0.00"))


# any amount --------------------------------------------------------------------------------------------

fen_amounts = st.integers(min_value=0, max_value=10**18 - 1).map(lambda f: Decimal(f) / 100)


@given(fen_amounts)
def test_the_capitals_read_back_as_the_same_amount(amount: Decimal) -> None:  # a person reads what was paid
    assert read_capital(rmb_capital(amount)) == amount


@given(fen_amounts)
def test_capitals_have_one_shape(amount: Decimal) -> None:  # 3(二), 4(二)
    text = rmb_capital(amount)
    if not amount:
        assert text == "零元整"
        return
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    assert "零零" not in text  # a run of 0s is one 零
    assert not re.search("零[元万亿角分整]", text)  # 零 stands only before a digit
    assert not text.startswith("零")
    assert text.endswith("整") == (amount * 100 % 10 == 0)  # 整 exactly when there is no 分
    assert not re.search("(^|[^壹贰叁肆伍陆柒捌玖])拾", text)  # ten is 壹拾, never a bare 拾
