"""The signed summary as documents (日拨付业务拨付汇总表, JL art.11): XLSX for the agency's files, PDF to print
and sign. Made from the run as disbursement's API returns it; amounts stay the API's exact strings."""

from __future__ import annotations

import functools
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from console.domain.display import beijing, yuan

TITLES = {"daily-disbursement": "日拨付业务拨付汇总表", "monthly-prepayment": "按月预拨汇总表",
          "monthly-settlement": "月度结算汇总表", "special-cases": "特例单议结算汇总表",
          "annual-clearing": "年度清算汇总表"}
FUNDS = {"310": "职工基本医疗保险", "390": "城乡居民基本医疗保险"}
COLUMNS = [("fixmedins_code", "定点医药机构编码"), ("insutype", "险种"), ("period", "所属期"), ("records", "笔数"),
           ("amount", "应拨金额"), ("carried_in", "结转补拨"), ("payment", "本次拨付"), ("status", "状态")]
MONEY = {"amount", "carried_in", "payment"}


def key_of(run: dict[str, Any]) -> str:
    return str(run.get("business_date") or run.get("period") or run.get("review_period") or run.get("year"))


def title_of(run: dict[str, Any]) -> str:
    return f"{TITLES.get(run['run_type'], run['run_type'])} {run['admdvs']} {key_of(run)}"


def _signatures(run: dict[str, Any]) -> list[tuple[str, str]]:
    return [("经办 prepared by", run.get("prepared_by") or "—"),
            ("签字 signed by", run.get("signed_by") or "（待签字 awaiting signature）"),
            ("签字时间 signed at", beijing(run.get("signed_at"))), ("应拨付日 due", run["due_date"])]


def summary_xlsx(run: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总表"
    sheet.append([title_of(run)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([label for _, label in COLUMNS])
    for line in run["lines"]:
        sheet.append([Decimal(line[k]) if k in MONEY else line.get(k) for k, _ in COLUMNS])
    sheet.append(["合计", "", "", sum(int(line.get("records") or 0) for line in run["lines"]),
                  Decimal(run["total"]), "", Decimal(run["payment_total"]), ""])
    for row in sheet.iter_rows(min_row=4, min_col=5, max_col=7):
        for cell in row:
            cell.number_format = "#,##0.00"
    sheet.append([])
    for label, value in _signatures(run):
        sheet.append([label, value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def summary_pdf(run: dict[str, Any]) -> bytes:
    font = _font()
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm, title=title_of(run), invariant=True)
    heading = ParagraphStyle("h", fontName=font, fontSize=16, leading=20)
    body = ParagraphStyle("b", fontName=font, fontSize=10, leading=13)
    rows = [[label for _, label in COLUMNS]]
    rows += [[yuan(line[k]) if k in MONEY else str(line.get(k, "")) for k, _ in COLUMNS] for line in run["lines"]]
    rows.append(["合计", "", "", str(sum(int(line.get("records") or 0) for line in run["lines"])), yuan(run["total"]),
                 "", yuan(run["payment_total"]), ""])
    table = Table(rows, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("ALIGN", (3, 1), (6, -1), "RIGHT")]))
    story = [Paragraph(title_of(run), heading), Spacer(1, 4 * mm), table, Spacer(1, 6 * mm)]
    story += [Paragraph(f"{label}：{value}", body) for label, value in _signatures(run)]
    document.build(story)
    return out.getvalue()
