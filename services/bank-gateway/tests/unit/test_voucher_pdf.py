"""The printable voucher (拨付凭证, N art.14): what a finance office files, with the amount in capitals."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from reportlab.pdfbase import pdfmetrics

from bank_gateway.adapters.voucher_pdf import FONT, LEADING, PrintedVoucher, fit_lines, voucher_pdf

A_VOUCHER = PrintedVoucher(
    voucher_no="220100-20251009-000017", issued_at=datetime(2025, 10, 9, 1, 30, tzinfo=UTC),
    payer_name="长春市医疗保障事务中心职工医保基金支出户", payer_acct="4200220100000310", payer_bank="102241000017",
    payee_name="吉林大学第一医院", payee_acct="6222000000000001", payee_bank="102241000099",
    amount=Decimal("1002003.40"), purpose="即时结算日拨付 2025-10-09 2025-10 职工基本医疗保险",
    run="daily-disbursement 3f2a6c1e", period="2025-10", fund="职工基本医疗保险", status="paid",
    bank_ref="CB202510090000000001", value_date=date(2025, 10, 9), reason=None)


def page_text(pdf: bytes) -> str:
    """The text drawn on the page: every string shown, decoded from the CID font's UCS-2 (UTF-16BE)."""
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    shown = []
    for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", pdf, flags=re.S):
        raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                     else escapes.get(m.group(1), m.group(1)), literal, flags=re.S)
        shown.append(raw.decode("utf-16-be"))
    return "\n".join(shown)


def test_the_voucher_is_one_pdf_page() -> None:  # N art.14
    pdf = voucher_pdf(A_VOUCHER)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1 and b"/Count 1" in pdf


def test_the_page_carries_the_voucher_the_accounts_and_the_amount_in_figures_and_capitals() -> None:  # N art.14
    text = page_text(voucher_pdf(A_VOUCHER, compress=False))
    for expected in ("医疗保障基金拨付凭证", "220100-20251009-000017", "长春市医疗保障事务中心职工医保基金支出户",
                     "4200220100000310", "吉林大学第一医院", "6222000000000001", "人民币（大写）壹佰万贰仟零叁元肆角整",
                     "￥1,002,003.40", "职工基本医疗保险", "CB202510090000000001", "2025-10-09", "2025年10月09日"):
        assert expected in text, expected


def test_a_rejected_voucher_says_the_banks_reason_and_that_it_is_carried_forward() -> None:  # N art.18
    text = page_text(voucher_pdf(replace(A_VOUCHER, status="rejected", reason="账户已销户"), compress=False))
    assert "银行退回" in text and "账户已销户" in text and "累计顺延" in text


def test_a_name_of_140_characters_is_printed_whole() -> None:  # never cut short
    pdf = voucher_pdf(replace(A_VOUCHER, payee_name="医" * 140, purpose="拨" * 140), compress=False)
    text = page_text(pdf).replace("\n", "")
    assert "医" * 140 in text and "拨" * 140 in text


def test_a_long_name_shrinks_and_wraps_inside_its_box() -> None:
    size, lines = fit_lines("医" * 140, width=230, height=20, size=9)
    assert "".join(lines) == "医" * 140 and len(lines) > 1
    assert all(pdfmetrics.stringWidth(line, FONT, size) <= 230 for line in lines)
    assert len(lines) * size * LEADING <= 20


def test_a_short_name_keeps_its_size_on_one_line() -> None:
    assert fit_lines("吉林大学第一医院", width=230, height=20, size=9) == (9, ["吉林大学第一医院"])


def test_the_same_voucher_prints_the_same_bytes() -> None:  # a reprint is the same document
    assert voucher_pdf(A_VOUCHER) == voucher_pdf(A_VOUCHER)
