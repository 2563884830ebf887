"""The reports as XLSX workbooks (openpyxl): what an agency's finance staff file and sign. Amounts are
written as numbers with two decimals, from the same Decimal strings the JSON carries.

openpyxl (with the numpy it loads) is imported on the first download, not with the service: it weighs some
25 MB of resident memory that the posting path never needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response

if TYPE_CHECKING:
    from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MONEY = "#,##0.00"


def wants_xlsx(request: Request, format: str | None) -> bool:
    return format == "xlsx" or XLSX in request.headers.get("accept", "")


def _workbook() -> Workbook:
    from openpyxl import Workbook

    return Workbook()


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
           money_columns: set[int]) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(title[:31])
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([Decimal(v) if i in money_columns and v is not None else v for i, v in enumerate(row)])
        for i in money_columns:
            sheet.cell(row=sheet.max_row, column=i + 1).number_format = _MONEY
    sheet.freeze_panes = "A2"


def _download(book: Workbook, filename: str) -> Response:
    if "Sheet" in book.sheetnames and len(book.sheetnames) > 1:
        del book["Sheet"]
    buffer = BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def trial_balance_xlsx(report: dict[str, Any]) -> Response:
    """科目余额表: a sheet per fund."""
    book = _workbook()
    with_period = report["period"] is not None
    header = ["科目编码", "科目名称", "方向"] + (["期初余额", "本期借方", "本期贷方"] if with_period else []) + \
        ["累计借方", "累计贷方", "余额"]
    for fund, rows in sorted(report["funds"].items()):
        money = set(range(3, len(header)))
        _sheet(book, f"科目余额表 {fund}", header, (
            [r["account"], r["name"], "借" if r["normal_side"] == "D" else "贷"]
            + ([r["opening"], r["period_debit"], r["period_credit"]] if with_period else [])
            + [r["debit"], r["credit"], r["balance"]] for r in rows), money)
    if len(book.sheetnames) == 1:
        _sheet(book, "科目余额表", header, [], set())
    return _download(book, f"trial-balance-{report['period'] or 'all'}.xlsx")


def journal_xlsx(report: dict[str, Any]) -> Response:
    """序时账: one row per leg, in posting order."""
    book = _workbook()
    header = ["序号", "凭证ID", "日期", "期间", "基金", "摘要", "科目编码", "科目名称", "机构", "所属月份", "借方", "贷方"]
    rows = ([e["seq"], e["entry_id"], e["entry_date"], e["period"], e["fund"], e["memo"], leg["account"],
             leg["name"], leg["fixmedins_code"], leg["aux_period"],
             leg["amount"] if leg["side"] == "D" else None, leg["amount"] if leg["side"] == "C" else None]
            for e in report["entries"] for leg in e["legs"])
    _sheet(book, "序时账", header, rows, {10, 11})
    return _download(book, "journal.xlsx")


def advances_xlsx(report: dict[str, Any]) -> Response:
    """暂付款—即时结算预拨 明细: institution × month."""
    book = _workbook()
    header = ["基金", "机构", "所属月份", "预拨", "核销", "结转及冲销", "未核销余额"]
    _sheet(book, "即时结算预拨明细", header, ([r["fund"], r["fixmedins_code"], r["period"], r["advanced"],
                                               r["written_off"], r["other"], r["open"]] for r in report["rows"]),
           {3, 4, 5, 6})
    _sheet(book, "控制数", ["基金", "科目余额", "明细合计", "一致"],
           ([f, c["account_balance"], c["sub_ledger_open"], "是" if c["agrees"] else "否"]
            for f, c in report["control"].items()), {1, 2})
    return _download(book, "advances-sub-ledger.xlsx")
