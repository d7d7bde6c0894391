"""Finding the table in a ledger: the header row (below any title rows),
which columns we know, which we do not, and the data rows — skipping empty
rows, 合计/小计 rows and footnotes. Works on an openpyxl read-only sheet, so
memory stays bounded; openpyxl parses with defusedxml when it is installed
(it is a requirement), which defuses XML bombs."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.refusals import Refusal

HEADER_SEARCH_ROWS = 20
TOTAL_PREFIXES = ("合计", "总计", "小计", "累计")
NOTE_PREFIXES = ("注", "备注：", "说明", "填报说明", "填表说明")
IGNORED_HEADERS = frozenset({"序号", "编号", "No", "NO", "no"})


class SheetError(Refusal):
    """The file cannot be read as a ledger; the message is for the user."""


def header_key(value: Any) -> str:
    """A header as compared: NFKC (full-width parentheses → half-width),
    all whitespace removed, a trailing required-mark * dropped."""
    if value is None:
        return ""
    key = unicodedata.normalize("NFKC", str(value))
    key = re.sub(r"\s+", "", key)
    return key.rstrip("*")


@dataclass
class Column:
    index: int
    header: str
    field: str | None


@dataclass
class Sheet:
    header_row: int
    columns: list[Column]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def unknown_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.field is None and header_key(c.header) not in IGNORED_HEADERS]


def open_workbook(data: bytes) -> Any:
    """The workbook in `data`, read-only; SheetError for anything not .xlsx."""
    if not data.startswith(b"PK"):
        raise SheetError("文件不是 Excel .xlsx 格式（如为 .xls 或 .csv，请在 Excel 中另存为 .xlsx）。")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError(f"无法读取该 Excel 文件：{type(exc).__name__}。请确认是 .xlsx 格式。") from None
    except Exception as exc:  # defusedxml refusals, malformed XML
        raise SheetError(f"文件内容不安全或已损坏，已拒绝：{type(exc).__name__}。") from None


def read_table(
    data: bytes,
    aliases: dict[str, str],
    required: tuple[str, ...],
    *,
    max_rows: int,
) -> Sheet:
    """Locate the table on the first sheet that has one; map headers through
    `aliases` (header key → field); collect data rows as {field: value}."""
    workbook = open_workbook(data)
    try:
        for worksheet in workbook.worksheets:
            sheet = _read_sheet(worksheet, aliases, required, max_rows)
            if sheet is not None:
                return sheet
    finally:
        workbook.close()
    names = "、".join(required)
    raise SheetError(f"未找到表头行：前 {HEADER_SEARCH_ROWS} 行中没有同时包含 {names} 的一行。")


def _read_sheet(worksheet: Any, aliases: dict[str, str], required: tuple[str, ...], max_rows: int) -> Sheet | None:
    rows = worksheet.iter_rows(values_only=True)
    sheet: Sheet | None = None
    for number, values in enumerate(rows, start=1):
        if sheet is None:
            if number > HEADER_SEARCH_ROWS:
                return None
            sheet = _header(number, values, aliases, required)
            continue
        cells = [_plain(v) for v in values]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        first = next((str(v).strip() for v in cells if v is not None and str(v).strip()), "")
        if first.startswith(TOTAL_PREFIXES):
            sheet.skipped.append((number, "合计行"))
            continue
        if first.startswith(NOTE_PREFIXES) and _filled(cells) == 1:
            sheet.skipped.append((number, "注释行"))
            continue
        record = {c.field: cells[c.index] if c.index < len(cells) else None for c in sheet.columns if c.field}
        sheet.rows.append((number, record))
        if len(sheet.rows) > max_rows:
            raise SheetError(f"数据行超过上限 {max_rows:,} 行，请拆分文件后分批导入。")
    return sheet


def _header(number: int, values: tuple[Any, ...], aliases: dict[str, str], required: tuple[str, ...]) -> Sheet | None:
    columns = []
    for index, value in enumerate(values):
        if value is None or not str(value).strip():
            continue
        key = header_key(value)
        columns.append(Column(index=index, header=str(value).strip(), field=aliases.get(key)))
    fields = {c.field for c in columns if c.field}
    if not set(required) <= fields:
        return None
    seen: set[str] = set()
    for column in columns:  # a repeated header: the first one wins, the rest are reported
        if column.field in seen:
            column.field = None
        elif column.field:
            seen.add(column.field)
    return Sheet(header_row=number, columns=columns)


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace("\x00", "")
        if value.startswith("="):  # a formula we could not evaluate
            return value
    return value


def _filled(cells: list[Any]) -> int:
    return sum(1 for v in cells if v is not None and str(v).strip())


def iter_errors(sheet: Sheet) -> Iterator[str]:
    for header in sheet.unknown_headers:
        yield f"未识别的列：{header}（该列内容不会导入）"
