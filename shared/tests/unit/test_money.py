"""Money to the fen (shared.money): rounding, the wire form, parsing, the pydantic types, ratio_split."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from shared.money import Amount, Money, money_text, parse_money, ratio_split, to_fen, total


class _Line(BaseModel):
    signed: Money
    part: Amount


def a_line(signed: object = "-12.30", part: object = "45.60") -> _Line:
    return _Line(signed=signed, part=part)


fen_amounts = st.decimals(min_value=Decimal("-1000000000.00"), max_value=Decimal("1000000000.00"), places=2,
                          allow_nan=False, allow_infinity=False)
weights = st.lists(st.decimals(min_value=Decimal("0"), max_value=Decimal("10000"), places=4,
                               allow_nan=False, allow_infinity=False), min_size=1, max_size=12)


# to_fen and total ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "fen"), [
    ("0.005", "0.01"),  # half goes up, not to even
    ("0.015", "0.02"),
    ("0.025", "0.03"),  # banker's rounding would give 0.02
    ("2.675", "2.68"),
    ("0.0049", "0.00"),
    ("-0.005", "-0.01"),  # half-up is away from zero for a negative amount too
    ("100", "100.00"),
])
def test_an_amount_is_rounded_half_up_to_the_fen(raw: str, fen: str) -> None:  # JL art.11
    rounded = to_fen(Decimal(raw))
    assert rounded == Decimal(fen)
    assert rounded.as_tuple().exponent == -2


def test_each_record_is_rounded_before_the_day_is_summed() -> None:  # JL art.11
    fund_payments = [Decimal("10.01"), Decimal("10.01")]
    ratio = Decimal("0.5")
    per_record = total(to_fen(p * ratio) for p in fund_payments)
    # 5.005 → 5.01 twice; rounding once after summing would give 10.01
    assert per_record == Decimal("10.02")
    assert to_fen(sum(fund_payments) * ratio) == Decimal("10.01")


def test_the_sum_of_no_amounts_is_zero_yuan_with_two_decimals() -> None:
    empty = total([])
    assert empty == Decimal("0.00")
    assert isinstance(empty, Decimal)
    assert money_text(empty) == "0.00"


def test_a_total_adds_its_amounts_exactly() -> None:
    assert total([Decimal("0.10"), Decimal("0.20")]) == Decimal("0.30")


# money_text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "text"), [
    (Decimal("1E+2"), "100.00"),
    (Decimal("1.2E+10"), "12000000000.00"),
    (Decimal("1E-7"), "0.00"),
    (Decimal("1234.5"), "1234.50"),
    (Decimal("-7"), "-7.00"),
    (Decimal("0.125"), "0.13"),
    (Decimal("0.00") * -1, "0.00"),  # a negative zero is written without its sign
    (Decimal("-0.004"), "0.00"),
])
def test_the_wire_form_has_two_decimals_and_never_an_exponent(amount: Decimal, text: str) -> None:
    assert money_text(amount) == text


@given(fen_amounts)
def test_the_wire_form_reads_back_as_the_same_amount(amount: Decimal) -> None:
    text = money_text(amount)
    assert "E" not in text.upper()
    assert parse_money(text) == amount


# parse_money --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "amount"), [
    ("1234.50", Decimal("1234.50")),
    ("0.00", Decimal("0")),
    ("-0.10", Decimal("-0.10")),
    ("9999999999999999.99", Decimal("9999999999999999.99")),  # NUMERIC(18,2)
])
def test_an_amount_string_with_exactly_two_decimals_is_read(text: str, amount: Decimal) -> None:
    assert parse_money(text) == amount


@pytest.mark.parametrize("text", ["1234.5", "1234", "1234.500", "1e2", "1.00E+2", "", "12.3a", "+1.00", "1,000.00",
                                  "10000000000000000.00"])
def test_an_amount_string_without_exactly_two_decimals_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="exactly two decimals"):
        parse_money(text)


@pytest.mark.parametrize("number", [0.1, 0.30000000000000004, 12, 1234.5, None, True])
def test_a_json_number_is_refused_because_it_may_have_lost_the_fen(number: object) -> None:
    with pytest.raises(ValueError, match="must be a string"):
        parse_money(number)


@pytest.mark.parametrize("text", ["1234.50\n", "0.00\n", " 1.00", "１２３４.５０", "١٢.٠٠"],
                         ids=["newline", "newline-zero", "leading-space", "fullwidth", "arabic-indic"])
def test_only_ascii_digits_and_nothing_around_them_make_an_amount(text: str) -> None:
    # the published pattern ^-?\d{1,16}\.\d{2}$ means ASCII digits, end of string, to a JSON-schema validator
    with pytest.raises(ValueError, match="exactly two decimals"):
        parse_money(text)


def test_a_decimal_below_the_fen_is_refused_not_rounded() -> None:
    with pytest.raises(ValueError, match="two decimals"):
        parse_money(Decimal("1.005"))
    assert parse_money(Decimal("1.5")) == Decimal("1.50")


# the pydantic types -------------------------------------------------------------------------------------


def test_money_and_amount_are_written_as_strings_with_two_decimals() -> None:
    line = a_line(signed="-12.30", part="45.60")
    assert line.model_dump(mode="json") == {"signed": "-12.30", "part": "45.60"}
    assert line.model_dump_json() == '{"signed":"-12.30","part":"45.60"}'
    assert line.part == Decimal("45.60")


def test_money_may_be_negative_but_an_amount_may_not() -> None:
    assert a_line(signed="-0.01").signed == Decimal("-0.01")
    with pytest.raises(ValidationError, match="must not be negative"):
        a_line(part="-0.01")


def test_an_amount_of_minus_zero_is_refused_and_never_written_with_a_sign() -> None:
    # the Amount schema (^\d{1,16}\.\d{2}$) has no sign, so "-0.00" can neither come in nor go out
    with pytest.raises(ValidationError, match="must not be negative"):
        a_line(part="-0.00")
    assert _Line.model_construct(signed=Decimal("0.00"), part=Decimal("0.00") * -1).model_dump(mode="json") == \
        {"signed": "0.00", "part": "0.00"}


@pytest.mark.parametrize("bad", [45.6, "45.6", "4.56e1"])
def test_the_pydantic_types_refuse_what_parse_money_refuses(bad: object) -> None:
    with pytest.raises(ValidationError):
        a_line(part=bad)
    with pytest.raises(ValidationError):
        a_line(signed=bad)


def test_the_json_schema_says_an_amount_is_a_string_without_sign() -> None:
    props = _Line.model_json_schema()["properties"]
    assert props["part"]["type"] == "string"
    assert props["part"]["pattern"] == r"^\d{1,16}\.\d{2}$"
    assert props["signed"]["pattern"] == r"^-?\d{1,16}\.\d{2}$"


# ratio_split --------------------------------------------------------------------------------------------


@given(fen_amounts, weights)
def test_the_parts_of_a_split_always_sum_to_the_whole(whole: Decimal, ws: list[Decimal]) -> None:
    assume(sum(ws) > 0)
    parts = ratio_split(whole, ws)
    assert len(parts) == len(ws)
    assert sum(parts, Decimal("0.00")) == whole
    assert all(part == to_fen(part) for part in parts)


@given(fen_amounts, weights)
def test_each_part_is_within_one_fen_of_its_exact_share(whole: Decimal, ws: list[Decimal]) -> None:
    assume(sum(ws) > 0)
    weight_sum = sum(ws)
    for part, w in zip(ratio_split(whole, ws), ws, strict=True):
        assert abs(part - whole * w / weight_sum) < Decimal("0.01")


def test_the_leftover_fen_goes_to_the_largest_remainder() -> None:
    # 1.00 in 1:1:1 is 0.333... each; one fen is left over and it goes to one part only
    assert sorted(ratio_split(Decimal("1.00"), [Decimal(1)] * 3)) == [Decimal("0.33"), Decimal("0.33"),
                                                                      Decimal("0.34")]
    # 0.10 in 1:2 is 0.0333 / 0.0667: the larger remainder (the second) gets the fen
    assert ratio_split(Decimal("0.10"), [Decimal(1), Decimal(2)]) == [Decimal("0.03"), Decimal("0.07")]


def test_a_negative_whole_is_split_like_its_opposite_with_the_sign_turned() -> None:
    assert ratio_split(Decimal("-0.10"), [Decimal(1), Decimal(2)]) == [Decimal("-0.03"), Decimal("-0.07")]


def test_a_zero_weight_gets_nothing() -> None:
    assert ratio_split(Decimal("5.00"), [Decimal(0), Decimal(1)]) == [Decimal("0.00"), Decimal("5.00")]


@pytest.mark.parametrize("whole", [Decimal("1.005"), Decimal("-0.001"), Decimal("0.1234")])
def test_a_whole_below_the_fen_is_refused(whole: Decimal) -> None:
    with pytest.raises(ValueError, match="at the fen"):
        ratio_split(whole, [Decimal(1), Decimal(1)])


@pytest.mark.parametrize("ws", [[], [Decimal(0), Decimal(0)], [Decimal(2), Decimal(-1)]])
def test_weights_must_be_non_negative_with_a_positive_sum(ws: list[Decimal]) -> None:
    with pytest.raises(ValueError, match="weights"):
        ratio_split(Decimal("1.00"), ws)
