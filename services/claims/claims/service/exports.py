"""A statement as a download: CSV, and XLSX with openpyxl — imported on the first XLSX asked for, not with
the service: with the numpy it loads it weighs some 25 MB of resident memory that intake never needs."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from claims.service.statements import FIGURES

COLUMNS = ("fixmedins_code", "insutype", "fund", "period", "records", "status", *FIGURES)
HEADINGS = {"fixmedins_code": "定点医药机构编码", "insutype": "险种", "fund": "基金", "period": "结算月份",
            "records": "结算笔数", "status": "状态", "payable": "应付金额", "deductions": "扣款",
            "deposit_reserved": "保证金预留", "already_paid": "已拨付", "carried_in": "结转上期",
            "net": "轧差", "payment": "本次支付", "carried_forward": "结转下期"}


def statement_csv(statement: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([HEADINGS[c] for c in COLUMNS])
    for line in statement["lines"]:
        writer.writerow(["" if line.get(c) is None else line.get(c) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM lets Excel read the Chinese headings


def statement_xlsx(statement: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = statement["period"]
    sheet.append([f"{statement['fixmedins_name']}（{statement['fixmedins_code']}）{statement['period']} 结算单"])
    sheet.append([HEADINGS[c] for c in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in statement["lines"]:
        row = []
        for column in COLUMNS:
            value = line.get(column)
            if column in FIGURES and value is not None:
                row.append(Decimal(value))  # a number cell, exact to the fen (openpyxl writes Decimals as is)
            else:
                row.append(value)
        sheet.append(row)
    for column in sheet.iter_cols(min_row=3, min_col=COLUMNS.index("payable") + 1):
        for cell in column:
            cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
