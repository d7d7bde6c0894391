"""Excel export: a streamed .xlsx (openpyxl write-only, memory bounded) with
a title row stating what was exported, and every text cell neutralised
against formula injection: text starting with = + - @ (or a tab) is written
as text with the cell's quote-prefix style — Excel shows it as typed and
never runs it, and the value re-imports unchanged (an apostrophe would not).
Control characters no worksheet may hold are dropped."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

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


def add_sheet(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
) -> None:
    """Append a sheet: optional caption row, bold header row, then rows."""
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    if caption:
        cell = WriteOnlyCell(sheet, value=safe_cell(caption))
        cell.font = bold
        sheet.append([cell])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])


def _cell(sheet: Any, value: Any) -> Any:
    """The value, or for text that would read as a formula a text cell with
    the quote-prefix style."""
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
) -> Response:
    """One-sheet export in one call."""
    workbook = new_workbook()
    add_sheet(workbook, sheet_title, headers, rows, caption=caption)
    return workbook_response(workbook, filename)


def export_caption(title: str, filters: dict[str, str] | None = None) -> str:
    """'标题｜筛选：…｜导出时间：…' for the first row of an export."""
    parts = [title]
    if filters:
        shown = "；".join(f"{k}：{v}" for k, v in filters.items() if v)
        if shown:
            parts.append(f"筛选：{shown}")
    parts.append("导出时间：" + clock.now().strftime("%Y-%m-%d %H:%M"))
    return "｜".join(parts)
