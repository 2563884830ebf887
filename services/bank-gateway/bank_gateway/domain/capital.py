"""人民币大写: an amount in Chinese capital numerals, as a voucher must carry it.

The rules are those of 《正确填写票据和结算凭证的基本规定》 (the basic rules for filling in bills and settlement
vouchers, annex to 《支付结算办法》, 银发〔1997〕393号), items 3–4:

- the capitals are 壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分零整; ten at the head of a number is 壹拾 (their own
  example: ￥107,000.53 → 壹拾万柒仟元…), so no digit can be slipped in front;
- an amount that ends at 元 or 角 ends with 整; one with 分 has no 整 (item 3(二); after 角 整 may also be
  left out — we always write it, so no 分 can be added after 角);
- a 0 between digits is written 零, and a run of 0s only one 零 (4(一), 4(二): ￥1,409.50 → 壹仟肆佰零玖元伍角,
  ￥6,007.14 → 陆仟零柒元壹角肆分);
- where the 万 (or 亿) digit is 0 and the 千 digit is not, 零 may be written or left out (4(三)); we follow the
  first form of the rule's own example, ￥107,000.53 → 壹拾万柒仟元零伍角叁分, and leave it out, since the
  unit 万 already separates the digits. Where a whole 万 group is 0 (￥100,005,000) the unit is not written,
  so 零 is (壹亿零伍仟元整: without it 壹亿伍仟 reads as 1.5 亿);
- where the 元 digit is 0 and 角 is not, 零 may be written or left out (4(三)); we follow the rule's first
  form and write it (￥1,680.32 → 壹仟陆佰捌拾元零叁角贰分);
- where 角 is 0 and 分 is not, 零 must be written after 元 (4(四): ￥16,409.02 → 壹万陆仟肆佰零玖元零贰分);
- an amount below one yuan starts at its first non-zero unit (￥0.50 → 伍角整), and 0 is 零元整.

The text does not carry the 人民币 prefix; the voucher prints it immediately before, with no gap (item 3(三)).
"""

from __future__ import annotations

from decimal import Decimal

from shared.money import to_fen

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
#: The unit that closes each group of four digits, counted from 元: 万, 亿, then 万 again (万亿).
GROUPS = ("", "万", "亿", "万")
MAX_DIGITS = 16  # NUMERIC(18,2)


def rmb_capital(amount: Decimal) -> str:
    """人民币大写 (《正确填写票据和结算凭证的基本规定》): ``Decimal("1002003.40")`` → ``壹佰万贰仟零叁元肆角整``."""
    if amount != to_fen(amount):
        raise ValueError("an amount in capitals is exact to the fen")
    if amount < 0 or amount.is_signed():
        raise ValueError("a voucher's amount is never negative")
    fen = int(amount * 100)
    yuan, jiao, fen_digit = fen // 100, fen // 10 % 10, fen % 10
    digits = str(yuan)
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"at most {MAX_DIGITS} digits before the point")
    text = _integer(digits) if yuan else ""
    if text:
        text += "元"
    if jiao:
        text += ("零" if text and yuan % 10 == 0 else "") + DIGITS[jiao] + "角"
    if fen_digit:
        text += ("零" if text and not jiao else "") + DIGITS[fen_digit] + "分"
    if not text:
        return "零元整"
    return text if fen_digit else text + "整"


def _integer(digits: str) -> str:
    out: list[str] = []
    zero_pending = False
    width = len(digits)
    for index, char in enumerate(digits):
        position = width - 1 - index  # 0 is 元
        digit = int(char)
        if digit:
            if zero_pending:
                out.append("零")
            out.append(DIGITS[digit] + PLACES[position % 4])
            zero_pending = False
        elif out:
            zero_pending = True
        if position and position % 4 == 0 and _group_unit_written(digits, position):
            out.append(GROUPS[position // 4])
            # 万 or 亿 stands between the digits: a 0 just before it needs no 零 (4(三)); a run of 0s that
            # goes on below it gets its 零 when the next digit comes.
            zero_pending = False
    return "".join(out)


def _group_unit_written(digits: str, position: int) -> bool:
    """万 and 万亿 close their own four digits; 亿 closes everything above it (1,0000,0000,0000 is 壹万亿)."""
    width = len(digits)
    above = digits[: width - position]
    span = above if position == 8 else above[-4:]
    return any(c != "0" for c in span)
