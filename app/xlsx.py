"""Excel export: a streamed .xlsx (XlsxWriter in constant-memory mode: rows
go to disk as they are written, so memory stays bounded) with
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

import xlsxwriter
from flask import Response, has_request_context
from flask_login import current_user
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

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
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class Book:
    """A workbook being written: XlsxWriter in constant-memory mode (each row
    goes to disk as it is written, strings inline) into a spooled temporary
    file, with its cell formats made once and shared."""

    def __init__(self) -> None:
        self.spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response
        self.workbook = xlsxwriter.Workbook(
            self.spool, {"constant_memory": True, "remove_timezone": True, "strings_to_formulas": False}
        )
        self._formats: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._names: set[str] = set()

    def format(self, **properties: Any) -> Format:
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def sheet_name(self, title: str) -> str:
        """A legal, unique sheet name (31 characters, no []:*?/\\)."""
        base = _SHEET_NAME_FORBIDDEN.sub("_", title)[:31] or "Sheet"
        name, number = base, 1
        while name.casefold() in self._names:
            number += 1
            name = f"{base[: 31 - len(str(number))]}{number}"
        self._names.add(name.casefold())
        return name


def add_sheet(
    workbook: Book,
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
    sheet = workbook.workbook.add_worksheet(workbook.sheet_name(title))
    stream = iter(rows)
    ahead = list(islice(stream, MEASURED_ROWS))
    formats = {i: fmt for i, header in enumerate(headers) if (fmt := column_format(header)) is not None}
    amounts = [i for i, fmt in formats.items() if fmt != PERCENT_FORMAT]
    header_row = 1 if caption else 0  # 0-based: the row the header is on
    _page_setup(sheet, headers, ahead, header_row)
    bold = workbook.format(bold=True)
    if caption:
        sheet.write_string(0, 0, safe_cell(caption), workbook.format(bold=True, font_size=13))
    for column, header in enumerate(headers):
        sheet.write_string(header_row, column, str(header), bold)
    column_formats = {i: workbook.format(num_format=fmt) for i, fmt in formats.items()}
    writer = _CellWriter(workbook, sheet)
    sums = dict.fromkeys(amounts, Decimal(0))
    row_number = header_row
    for row in chain(ahead, stream):
        row_number += 1
        for index in amounts:
            if index < len(row) and _is_number(row[index]):
                sums[index] += Decimal(str(row[index]))
        for column, value in enumerate(row):
            writer.write(row_number, column, value, column_formats.get(column))
    count = row_number - header_row
    sheet.autofilter(header_row, 0, header_row + count, max(len(headers), 1) - 1)
    if totals and amounts and count:
        total_row = row_number + 1
        sheet.write_string(total_row, 0, "合计", bold)
        for index, value in sums.items():
            sheet.write_number(total_row, index, float(value), workbook.format(bold=True, num_format=formats[index]))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _page_setup(sheet: Worksheet, headers: Sequence[str], ahead: list[Sequence[Any]], header_row: int) -> None:
    """Widths, frozen header, print titles and A4 landscape fitted to the
    page width, page numbers in the footer."""
    for index, header in enumerate(headers):
        texts = [str(header)] + [str(row[index]) for row in ahead if index < len(row) and row[index] is not None]
        width = max(_display_width(text) for text in texts) + 2
        # XlsxWriter stores a width with its cell padding (+0.71): 49 reads back as 49.71.
        sheet.set_column(index, index, min(max(width, 6), 49))
    sheet.freeze_panes(header_row + 1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _display_width(text: str) -> int:
    """Characters as Excel columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text[:60])


class _CellWriter:
    """Writes one value by its type, never through XlsxWriter's guessing:
    numbers with their column's format, dates as dates, text as text —
    text that would read as a formula with the quote-prefix style."""

    def __init__(self, book: Book, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.quoted = book.format(quote_prefix=True)
        self.date = book.format(num_format=DATE_FORMAT)
        self.datetime = book.format(num_format=DATETIME_FORMAT)

    def write(self, row: int, column: int, value: Any, number_format: Format | None) -> None:
        if value is None:
            return
        value = safe_cell(value)
        if isinstance(value, bool):
            self.sheet.write_boolean(row, column, value)
        elif isinstance(value, (int, float)):
            self.sheet.write_number(row, column, value, number_format)
        elif isinstance(value, dt.datetime):
            self.sheet.write_datetime(row, column, value, self.datetime)
        elif isinstance(value, dt.date):
            self.sheet.write_datetime(row, column, value, self.date)
        else:
            text = str(value)
            if text == "":
                return
            self.sheet.write_string(row, column, text, self.quoted if text.startswith(FORMULA_PREFIXES) else None)


def new_workbook() -> Book:
    return Book()


def workbook_response(workbook: Book, filename: str) -> Response:
    """Send `workbook` as a download; spooled to a temporary file so memory
    stays bounded for large exports."""
    if not workbook.workbook.worksheets():
        workbook.workbook.add_worksheet()
    workbook.workbook.close()
    spool = workbook.spool
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
