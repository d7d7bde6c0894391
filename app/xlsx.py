"""Excel export: a streamed .xlsx (openpyxl write-only, memory bounded) with
a title row stating what was exported, and every text cell neutralised
against formula injection: text starting with = + - @ (or a tab) is written
as text with the cell's quote-prefix style — Excel shows it as typed and
never runs it, and the value re-imports unchanged (an apostrophe would not).
Control characters no worksheet may hold are dropped."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import chain, islice
from typing import Any
from urllib.parse import quote

from flask import Response, has_request_context
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app import clock

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value a worksheet can hold: text without illegal control characters,
    Decimals as numbers, enum members as their labels."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, Decimal):
        return float(value) if value == value.to_integral() or abs(value) < Decimal("1e15") else str(value)
    if hasattr(value, "label") and not isinstance(value, (dt.date, int, float)):
        return value.label
    return value


AMOUNT_UNITS = ("万元", "万美元", "亿元")
AMOUNT_FORMAT = "#,##0.00"
YI_FORMAT = "#,##0.0"  # reports give 亿元 with one decimal
PERCENT_FORMAT = "0.0"
# A column is an amount when its header names the unit in brackets
# ("签约金额（万元）"), never a rate ("…（%）") or a count named by size
# ("亿元以上项目数").
_UNIT_IN_BRACKETS = re.compile(r"[（(][^（()）]*(?:" + "|".join(AMOUNT_UNITS) + r")[^（()）]*[）)]")


def column_format(header: Any) -> str | None:
    """The number format of a column by its header: amounts with thousands
    separators (亿元 with one decimal), rates (%) with one decimal."""
    text = str(header)
    if "%" in text:
        return PERCENT_FORMAT
    match = _UNIT_IN_BRACKETS.search(text)
    if match is None:
        return None
    return YI_FORMAT if "亿元" in match.group(0) else AMOUNT_FORMAT
MEASURED_ROWS = 200  # rows read ahead to fit the column widths


def add_sheet(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
    totals: bool = False,
) -> None:
    """Append a printable 台账 sheet: the caption (title) row, a bold header
    row that stays frozen and repeats on every printed page, an autofilter,
    column widths fitted to Chinese text, amounts (columns whose header
    names 万元 / 万美元 / 亿元 in brackets) with thousands separators, rates
    (%) with one decimal and, with `totals`, a 合计 row under the amounts; A4 landscape, fitted to the page width,
    page numbers in the footer."""
    sheet = workbook.create_sheet(title=title[:31])
    stream = iter(rows)
    ahead = list(islice(stream, MEASURED_ROWS))
    formats = {i: fmt for i, header in enumerate(headers) if (fmt := column_format(header)) is not None}
    amounts = [i for i, fmt in formats.items() if fmt != PERCENT_FORMAT]
    header_row = 2 if caption else 1
    _page_setup(sheet, headers, ahead, header_row)
    bold = Font(bold=True)
    if caption:
        cell = WriteOnlyCell(sheet, value=safe_cell(caption))
        cell.font = Font(bold=True, size=13)
        sheet.append([cell])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    sums = dict.fromkeys(amounts, Decimal(0))
    count = 0
    for row in chain(ahead, stream):
        for index in amounts:
            if index < len(row) and _is_number(row[index]):
                sums[index] += Decimal(str(row[index]))
        sheet.append([_cell(sheet, value, formats.get(index)) for index, value in enumerate(row)])
        count += 1
    last = get_column_letter(max(len(headers), 1))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
    if totals and amounts and count:
        total = [WriteOnlyCell(sheet, value="合计")] + [None] * (len(headers) - 1)
        for index, value in sums.items():
            total[index] = WriteOnlyCell(sheet, value=float(value))
            total[index].number_format = formats[index]
        for cell in total:
            if cell is not None:
                cell.font = bold
        sheet.append(total)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _page_setup(sheet: Any, headers: Sequence[str], ahead: list[Sequence[Any]], header_row: int) -> None:
    """Widths, frozen header, print titles and A4 landscape: set before any
    row is written (a write-only sheet writes them first)."""
    for index, header in enumerate(headers):
        texts = [str(header)] + [str(row[index]) for row in ahead if index < len(row) and row[index] is not None]
        width = max(_display_width(text) for text in texts) + 2
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width, 6), 50)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _display_width(text: str) -> int:
    """Characters as Excel columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text[:60])


def _cell(sheet: Any, value: Any, number_format: str | None = None) -> Any:
    """The value; a number with its column's format; text that would read as
    a formula as a text cell with the quote-prefix style."""
    if number_format and _is_number(value):
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.number_format = number_format
        return cell
    value = safe_cell(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_response(workbook: Workbook, filename: str) -> Response:
    """Send `workbook` as a download; spooled to a temporary file so memory
    stays bounded for large exports."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    workbook.save(spool)
    spool.seek(0)

    def stream() -> Iterable[bytes]:
        try:
            while chunk := spool.read(64 * 1024):
                yield chunk
        finally:
            spool.close()

    response = Response(stream(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(
    filename: str,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
    totals: bool = True,
) -> Response:
    """One-sheet 台账 export in one call (with a 合计 row under the amounts)."""
    workbook = new_workbook()
    add_sheet(workbook, sheet_title, headers, rows, caption=caption, totals=totals)
    return workbook_response(workbook, filename)


def export_caption(title: str, filters: dict[str, str] | None = None, *, as_of: dt.date | None = None) -> str:
    """'标题｜填报单位：…｜筛选：…｜截至：…｜导出时间：…' for the first row of an export;
    截至 is today unless the ledger is as of another day (a month's end)."""
    parts = [title]
    if has_request_context() and current_user.is_authenticated and current_user.department is not None:
        parts.append(f"填报单位：{current_user.department.name}")
    if filters:
        shown = "；".join(f"{k}：{v}" for k, v in filters.items() if v)
        if shown:
            parts.append(f"筛选：{shown}")
    parts.append("截至：" + (as_of or clock.today()).isoformat())
    parts.append("导出时间：" + clock.now().strftime("%Y-%m-%d %H:%M"))
    return "｜".join(parts)
