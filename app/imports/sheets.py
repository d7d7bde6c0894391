"""Finding the table in a ledger: the header row (below any title rows,
whose text is kept), its second row when a merged group spans sub-columns,
which columns we know, which we do not, and the data rows — skipping empty
rows, 合计/小计 rows and footnotes.

A ledger is also an attack surface, so reading is bounded before and while
parsing: every part of the .xlsx zip is checked for its uncompressed size
and ratio before anything is parsed (a zip bomb is refused unread); the
sheet is read in openpyxl's read-only (streaming) mode with its declared
dimension ignored and rows and columns capped (a one-cell sheet declaring
A1:XFD1048576 is not walked); a cell longer than Excel's own limit is
refused; a damaged sheet is a clear refusal, never a 500. openpyxl parses
with defusedxml (a requirement), which defuses entity expansion and XXE.
A formula cell without a cached result is an error naming the cell, never
a silent blank."""

from __future__ import annotations

import hashlib
import io
import re
import threading
import unicodedata
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from defusedxml.ElementTree import iterparse
from flask import current_app, has_app_context
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException

from app.refusals import Refusal

HEADER_SEARCH_ROWS = 20
ROW_SLACK = 1000  # blank, 合计 and note rows read beyond the data-row limit
MAX_RATIO = 100  # a part inflating more than this (and past RATIO_FLOOR) is a bomb
RATIO_FLOOR = 10 * 1024 * 1024
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
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
    # (row, column header, cell reference) of formula cells with no result.
    formulas: list[tuple[int, str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what was not read, and why
    # The text of the rows above the header (the title, 填报单位 …), in order.
    title: list[str] = field(default_factory=list)

    @property
    def unknown_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.field is None and header_key(c.header) not in IGNORED_HEADERS]


@dataclass(frozen=True)
class Limits:
    """What one import may read (config IMPORT_MAX_*)."""

    uncompressed: int = 100 * 1024 * 1024
    columns: int = 200
    cell_chars: int = 32767

    @classmethod
    def from_config(cls) -> Limits:
        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(
            uncompressed=int(config.get("IMPORT_MAX_UNCOMPRESSED_BYTES", cls.uncompressed)),
            columns=int(config.get("IMPORT_MAX_COLUMNS", cls.columns)),
            cell_chars=int(config.get("IMPORT_MAX_CELL_CHARS", cls.cell_chars)),
        )


def check_archive(data: bytes, limits: Limits) -> None:
    """Refuse a zip whose parts inflate beyond the limits, before parsing.
    (zipfile never inflates a part past the size its header declares.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetError("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。") from None
    total = 0
    for part in parts:
        total += part.file_size
        inflated = part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1)
        if inflated or total > limits.uncompressed:
            raise SheetError(
                f"文件解压后超过 {limits.uncompressed // (1024 * 1024)} MB 或压缩比异常（疑似压缩炸弹），已拒绝。"
                "请确认是正常的台账文件，或拆分后导入。"
            )


def open_workbook(data: bytes) -> Any:
    """The workbook in `data`, read-only; SheetError for anything not .xlsx."""
    if not data.startswith(b"PK"):
        raise SheetError("文件不是 Excel .xlsx 格式（如为 .xls 或 .csv，请在 Excel 中另存为 .xlsx）。")
    check_archive(data, Limits.from_config())
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
    `aliases` (header key → field; the first key of a field is its name in
    messages); collect data rows as {field: value}."""
    limits = Limits.from_config()
    key = (hashlib.sha256(data).digest(), tuple(aliases.items()), required, max_rows, limits)
    with _read_lock:
        kept = _read.get(key)
        if kept is not None:
            _read.move_to_end(key)
    if kept is None:
        kept = _read_table(data, aliases, required, max_rows, limits)
        with _read_lock:
            _read[key] = kept
            while len(_read) > READ_KEPT:
                _read.popitem(last=False)
    return _copy(kept)


# The sheets read last, by file digest and reading rules. A commit reads again
# the file its preview read a moment before — most often in the same process —
# and reading is a function of the bytes and the rules alone (what the rows
# mean is checked against the database afresh each time): a hit skips
# parsing the XML, a third of a 10,000-row import. Callers get copies.
READ_KEPT = 2
_read: OrderedDict[tuple[Any, ...], Sheet] = OrderedDict()
_read_lock = threading.Lock()


def _copy(sheet: Sheet) -> Sheet:
    return Sheet(
        header_row=sheet.header_row,
        columns=[replace(column) for column in sheet.columns],
        rows=[(number, dict(record)) for number, record in sheet.rows],
        skipped=list(sheet.skipped),
        formulas=list(sheet.formulas),
        notices=list(sheet.notices),
        title=list(sheet.title),
    )


def _read_table(
    data: bytes, aliases: dict[str, str], required: tuple[str, ...], max_rows: int, limits: Limits
) -> Sheet:
    workbook = open_workbook(data)
    try:
        for worksheet in workbook.worksheets:
            try:
                sheet = _read_sheet(worksheet, aliases, required, max_rows, limits)
                if sheet is not None:
                    sheet.formulas = _uncached_formulas(data, worksheet, sheet)
            except SheetError:
                raise
            except Exception as exc:  # a truncated or malformed sheet part
                raise SheetError(
                    f"文件内容已损坏，无法读取（{type(exc).__name__}）。请在 Excel 中打开并另存后重新上传。"
                ) from None
            if sheet is not None:
                return sheet
    finally:
        workbook.close()
    names = "、".join(_header_name(aliases, name) for name in required)
    raise SheetError(f"未找到表头行：前 {HEADER_SEARCH_ROWS} 行中没有同时包含「{names}」这几列的一行。请核对表头。")


def _header_name(aliases: dict[str, str], field_name: str) -> str:
    """The column header a field is known by (the first alias of it)."""
    return next((header for header, name in aliases.items() if name == field_name), field_name)


def _read_sheet(
    worksheet: Any, aliases: dict[str, str], required: tuple[str, ...], max_rows: int, limits: Limits
) -> Sheet | None:
    declared_rows, declared_columns = worksheet.max_row, worksheet.max_column
    worksheet.reset_dimensions()  # read the cells that exist, not the range the file declares
    last_row = max_rows + HEADER_SEARCH_ROWS + ROW_SLACK
    rows = worksheet.iter_rows(max_row=last_row, max_col=limits.columns, values_only=True)
    sheet: Sheet | None = None
    above: list[str] = []
    for number, values in enumerate(rows, start=1):
        if sheet is None:
            if number > HEADER_SEARCH_ROWS:
                return None
            sheet = _header(number, values, aliases, required)
            if sheet is None:
                line = " ".join(str(v).strip() for v in values if v is not None and str(v).strip())
                if line:
                    above.append(line[: limits.cell_chars])
            else:
                sheet.title = above
            continue
        cells = [_plain(v) for v in _trimmed(values, sheet)]
        too_long = next((i for i, v in enumerate(cells) if isinstance(v, str) and len(v) > limits.cell_chars), None)
        if too_long is not None:
            raise SheetError(f"第 {number} 行第 {too_long + 1} 列的文字超过 {limits.cell_chars:,} 个字符，已拒绝。")
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        if number == sheet.header_row + 1 and not sheet.rows and _sub_header(sheet, cells, aliases):
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
    if sheet is not None:
        if (declared_rows or 0) > last_row:
            sheet.notices.append(f"表格声明的范围超过 {last_row:,} 行，超出部分未读取。")
        if (declared_columns or 0) > limits.columns:
            sheet.notices.append(f"表格超过 {limits.columns} 列，超出部分未读取。")
    return sheet


def _trimmed(values: tuple[Any, ...], sheet: Sheet) -> tuple[Any, ...]:
    """A row without the empty cells right of the table: the sheet is read
    `limits.columns` wide, and looking at 200 cells of an 11-column ledger
    was most of the reading. Kept whole when anything stands beyond the
    table (a sub-header right of the last header, a stray note), so every
    rule below sees the same cells either way."""
    width = sheet.columns[-1].index + 1 if sheet.columns else 0
    if len(values) <= width:
        return values
    rest = values[width:]
    return values[:width] if rest.count(None) == len(rest) else values


FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _uncached_formulas(data: bytes, worksheet: Any, sheet: Sheet) -> list[tuple[int, str, str]]:
    """Data cells of the table holding a formula with no cached result (a
    file saved by a program that does not calculate): read from the sheet's
    XML, streaming, in a second light pass — only when the sheet holds a
    formula at all (a search of the inflated part, already checked for its
    size, instead of parsing every cell again)."""
    wanted = {number for number, _record in sheet.rows}
    last = max(wanted, default=0)
    headers = {column.index + 1: column.header for column in sheet.columns if column.field}
    found: list[tuple[int, str, str]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(worksheet._worksheet_path) as part:
        if not _has_formula(part):
            return found
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(worksheet._worksheet_path) as part:
        for _event, element in iterparse(part, events=("end",)):
            if element.tag == MAIN_NS + "row":
                number = int(element.get("r") or 0)
                element.clear()  # rows already read: keep nothing of them
                if number >= last:
                    break
                continue
            if element.tag != MAIN_NS + "c":
                continue
            formula, value = element.find(MAIN_NS + "f"), element.find(MAIN_NS + "v")
            if formula is not None and (value is None or not (value.text or "").strip()):
                reference = element.get("r") or ""
                if reference:
                    row, column = coordinate_to_tuple(reference)
                    if row in wanted and column in headers:
                        found.append((row, headers[column], reference))
            element.clear()
    return found


def _has_formula(part: Any, chunk: int = 1 << 20) -> bool:
    """Whether the sheet's XML has a formula element, read a chunk at a time
    (a tag cut by a chunk's end is found in the next: the tail is kept)."""
    tail = b""
    while block := part.read(chunk):
        if FORMULA_TAG.search(tail + block):
            return True
        tail = block[-64:]
    return False


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


def _sub_header(sheet: Sheet, cells: list[Any], aliases: dict[str, str]) -> bool:
    """The second row of a two-row header (a merged group such as 投资完成情况
    over 10月完成 | 1—10月累计完成): only text, none of it under a column
    already known, at least one header we know. Its headers take the places
    under the group; the header row becomes this row."""
    texts = {i: str(v).strip() for i, v in enumerate(cells) if v is not None and str(v).strip()}
    if not texts or any(not isinstance(cells[i], str) for i in texts):
        return False
    known = {c.index for c in sheet.columns if c.field}
    fields = {i: aliases.get(header_key(text)) for i, text in texts.items()}
    if known & texts.keys() or not any(fields.values()):
        return False
    taken = {c.field for c in sheet.columns if c.field}
    columns = [c for c in sheet.columns if c.index not in texts]
    for index, text in texts.items():
        name = fields[index] if fields[index] not in taken else None
        if name:
            taken.add(name)
        columns.append(Column(index=index, header=text, field=name))
    sheet.columns = sorted(columns, key=lambda c: c.index)
    sheet.header_row += 1
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value


def _filled(cells: list[Any]) -> int:
    return sum(1 for v in cells if v is not None and str(v).strip())


def iter_errors(sheet: Sheet) -> Iterator[str]:
    for header in sheet.unknown_headers:
        yield f"未识别的列：{header}（该列内容不会导入）"
