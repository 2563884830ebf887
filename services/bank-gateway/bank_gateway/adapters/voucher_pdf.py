"""The printable voucher (拨付凭证, N art.14) as a PDF page a finance office files: who pays, who is paid, the
amount in figures and in capitals (人民币大写), what for, and what the bank answered.

Chinese text is set in STSong-Light, one of the Adobe CID fonts every PDF reader carries (reportlab ships its
metrics; nothing is fetched and no font file is needed), so a voucher stays a few kilobytes. reportlab is
imported on the first voucher printed, not with the service: it weighs some 25 MB of resident memory that
issuing payments never needs."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from bank_gateway.domain.capital import rmb_capital

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
mm = 72 / 25.4  # a millimetre in points, as reportlab.lib.units.mm
LEADING, MIN_SIZE = 1.15, 4.5
STATUS_WORDS = {"issued": "已发送银行，待回单", "paid": "已支付", "rejected": "银行退回", "cancelled": "已作废"}


@dataclass(frozen=True)
class PrintedVoucher:
    voucher_no: str
    issued_at: datetime
    payer_name: str
    payer_acct: str
    payer_bank: str
    payee_name: str
    payee_acct: str
    payee_bank: str
    amount: Decimal
    purpose: str
    run: str
    period: str
    fund: str
    status: str
    bank_ref: str | None
    value_date: date | None
    reason: str | None


@functools.cache
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def voucher_pdf(v: PrintedVoucher, *, compress: bool = True) -> bytes:
    """One landscape A5 page. ``compress=False`` leaves the page's text readable in the file (for tests)."""
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfgen.canvas import Canvas

    font = _font()
    out = io.BytesIO()
    page_w, page_h = landscape(A5)
    c = Canvas(out, pagesize=(page_w, page_h), pageCompression=int(compress), invariant=True,
               initialFontName=font)
    c.setTitle(f"拨付凭证 {v.voucher_no}")
    c.setAuthor("即时结算 bank gateway")
    left, right = 12 * mm, page_w - 12 * mm
    c.setFont(font, 16)
    c.drawCentredString(page_w / 2, page_h - 16 * mm, "医疗保障基金拨付凭证")
    c.setFont(font, 9)
    c.drawCentredString(page_w / 2, page_h - 21 * mm, "（即时结算  N art.14–15）")
    c.drawString(left, page_h - 28 * mm, f"凭证号：{v.voucher_no}")
    c.drawRightString(right, page_h - 28 * mm, f"签发日期：{v.issued_at:%Y年%m月%d日}")

    top, row = page_h - 31 * mm, 8 * mm
    mid, label_w = (left + right) / 2, 16 * mm
    rows = [("全称", v.payer_name, v.payee_name), ("账号", v.payer_acct, v.payee_acct),
            ("开户行", v.payer_bank, v.payee_bank)]
    c.setLineWidth(0.6)
    c.rect(left, top - 3 * row, right - left, 3 * row)
    c.line(mid, top, mid, top - 3 * row)
    for x in (left + label_w, mid + label_w):
        c.line(x, top, x, top - 3 * row)
    _side_label(c, font, left, top, row, label_w, "付款人")
    _side_label(c, font, mid, top, row, label_w, "收款人")
    for i, (label, payer, payee) in enumerate(rows):
        y = top - (i + 1) * row
        if i:
            c.line(left + label_w, y + row, mid, y + row)
            c.line(mid + label_w, y + row, right, y + row)
        for x0, text in ((left + label_w, payer), (mid + label_w, payee)):
            c.setFont(font, 8)
            c.drawString(x0 + 1.5 * mm, y + 2.8 * mm, label)
            _fit(c, font, text, x0 + 11 * mm, y + row / 2, mid - left - label_w - 13 * mm, row, 9)

    y = top - 3 * row
    lines = [
        ("金额", f"人民币（大写）{rmb_capital(v.amount)}", f"￥{v.amount:,.2f}"),
        ("用途", v.purpose, None),
        ("批次", f"{v.run}    期间 {v.period}    险种 {v.fund}", None),
        ("银行回单", _receipt_text(v), None),
    ]
    for label, text, figure in lines:
        height = row * (1.6 if label == "用途" else 1)
        c.rect(left, y - height, right - left, height)
        c.line(left + label_w, y, left + label_w, y - height)
        c.setFont(font, 9)
        c.drawString(left + 1.5 * mm, y - height / 2 - 1.2 * mm, label)
        width = right - left - label_w - 3 * mm - (42 * mm if figure else 0)
        _fit(c, font, text, left + label_w + 1.5 * mm, y - height / 2, width, height, 10)
        if figure:
            c.line(right - 42 * mm, y, right - 42 * mm, y - height)
            c.setFont(font, 11)
            c.drawRightString(right - 2 * mm, y - height / 2 - 1.4 * mm, figure)
        y -= height

    c.setFont(font, 9)
    sign_y = y - 10 * mm
    for i, role in enumerate(("经办：", "复核：", "审批：", "银行盖章：")):
        c.drawString(left + i * (right - left) / 4, sign_y, role)
    c.setFont(font, 7)
    c.drawString(left, 8 * mm, f"ISO 20022 pain.001.001.09  MsgId / EndToEndId {v.voucher_no}  CNY")
    c.showPage()
    c.save()
    return out.getvalue()


def _receipt_text(v: PrintedVoucher) -> str:
    words = STATUS_WORDS.get(v.status, v.status)
    if v.status == "paid":
        return f"{words}  银行流水号 {v.bank_ref}  起息日 {v.value_date}"
    if v.status in ("rejected", "cancelled"):
        return f"{words}  {v.reason or ''}  （累计顺延至下次拨付，N art.18）"
    return words


def _side_label(c: Canvas, font: str, x: float, top: float, row: float, width: float, text: str) -> None:
    c.setFont(font, 10)
    for i, char in enumerate(text):  # written top to bottom, as on a printed voucher
        c.drawCentredString(x + width / 2, top - row * 0.9 - i * 4.6 * mm, char)


def fit_lines(text: str, width: float, height: float, size: float, font: str = FONT) -> tuple[float, list[str]]:
    """The largest size (down to 4.5 points) at which ``text`` wraps into lines that fit the box; a payee's
    name is never cut short on a voucher."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _font()
    while True:
        lines = _wrap(text, font, size, width)
        if (len(lines) * size * LEADING <= height and all(stringWidth(line, font, size) <= width
                                                           for line in lines)) or size <= MIN_SIZE:
            return size, lines
        size -= 0.5


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy, character by character: Chinese has no spaces to break at."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for char in text:
        if line and stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line]


def _fit(c: Canvas, font: str, text: str, x: float, y_mid: float, width: float, height: float, size: float) -> None:
    size, lines = fit_lines(text, width, height - 2, size, font)
    c.setFont(font, size)
    first = y_mid + (len(lines) - 1) * size * LEADING / 2 - size * 0.35
    for i, line in enumerate(lines):
        c.drawString(x, first - i * size * LEADING, line)
