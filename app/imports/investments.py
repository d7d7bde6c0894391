"""Monthly investment ledger import (投资月报): the sheet a 发改委 keeps each
month — a title such as 「2026年1—10月全区重点项目投资完成情况」, a 填报单位 row,
a two-row header (投资完成情况 over 10月完成 | 1—10月累计完成), 合计 and
footnote rows — read into the month's reports of existing projects, with
the same preview, amount parsing and all-or-nothing commit as the project
import.

- The month: the one chosen on the upload form, else the title's
  「YYYY年(1-)M月」; headers that name a month (10月完成, 1—10月累计完成,
  2026年计划投资) must agree with it. Neither → the file is refused.
- A row names an existing project by its name (full- and half-width
  brackets alike), never creates one. An unknown project and a project the
  importer may not see get the same error: nothing about a project out of
  scope is revealed. A visible project the importer may not report for
  (`can_report_investment`) is an error too.
- What a row changes — the month's report, the year's plan, the level — is
  worked out in `investments_changes.py`; the commit is
  `investments_commit.py`.
- Columns such as 项目类型, 牵头部门, 完成率 or 开工以来累计 (the export's,
  and many a ledger's) are recognised and left alone: the preview says so.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.orm import selectinload

from app import clock
from app.delivery.schedule import due_month
from app.imports import cells
from app.imports.investments_changes import describe_changes
from app.imports.rows import CellProblem, Lookups, Preview, RowResult, cell_text, make_preview, validate_rows
from app.imports.sheets import Sheet, SheetError, header_key, read_table
from app.models import Project, ProjectLevel, User
from app.permissions import can_report_investment, can_view_project
from app.xlsx import add_sheet, new_workbook

KIND = "investments"
PROGRESS_MAX = 500
AMOUNT_FIELDS = ("planned", "completed", "cumulative")

# Canonical names: the template's headers and the columns named in messages.
LABELS = {
    "name": "项目名称",
    "level": "项目级别",
    "planned": "年度计划投资(万元)",
    "completed": "本月完成投资(万元)",
    "cumulative": "1-本月累计完成投资(万元)",
    "progress": "形象进度",
}
# Columns recognised and not imported: the project's own facts (the project
# ledger import keeps them) and figures the system derives.
INFO = {
    "项目类型": "info_kind",
    "建设内容及规模": "info_content",
    "建设内容": "info_content",
    "总投资": "info_total",
    "总投资(万元)": "info_total",
    "计划总投资": "info_total",
    "计划总投资(万元)": "info_total",
    "开工时间": "info_start",
    "计划开工时间": "info_start",
    "牵头部门": "info_department",
    "牵头单位": "info_department",
    "责任单位": "info_department",
    "责任领导": "info_leader",
    "分包领导": "info_leader",
    "完成率": "info_rate",
    "年度完成率": "info_rate",
    "投资完成率": "info_rate",
    "开工以来累计(万元)": "info_since_start",
    "开工以来累计": "info_since_start",
    "开工以来累计完成投资(万元)": "info_since_start",
    "开工以来累计完成投资": "info_since_start",
    "自开工累计完成投资": "info_since_start",
    "月报状态": "info_status",
    "备注": "info_note",
}
ALIASES = {
    "项目名称": "name",
    "项目级别": "level",
    "级别": "level",
    "形象进度": "progress",
    "工程形象进度": "progress",
    "项目进展情况": "progress",
    "进展情况": "progress",
}
_AMOUNT = r"(?:实际)?完成(?:投资|投资额|额)?(?:\(万元\))?"
PATTERNS = {
    "completed": re.compile(r"(?:本月|当月|(?P<month>\d{1,2})月份?)" + _AMOUNT),
    "cumulative": re.compile(
        r"(?:0?1月?[-—–~至到](?P<month>\d{1,2})月份?|本年度?|年内|今年|年度)累计"
        r"(?:(?:实际)?完成(?:投资|投资额|额)?)?(?:\(万元\))?"
    ),
    "planned": re.compile(r"(?:(?P<year>\d{4})年度?|本年度?|年度|当年)计划(?:完成)?投资(?:额)?(?:\(万元\))?"),
}
TITLE_MONTH = re.compile(r"(\d{4})\s*年度?\s*(?:0?1\s*月?\s*[-—–~至到]\s*)?(\d{1,2})\s*月")
CHOSEN_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
LEVEL_WORDS = {"省": ProjectLevel.PROVINCE, "市": ProjectLevel.CITY, "区": ProjectLevel.DISTRICT}
BLANK_WORDS = frozenset({"", "无", "-", "—", "/", "／"})
REQUIRED = ("name",)


class HeaderMap(dict):
    """Header key → field: the fixed names, then the headers that carry a
    month or a year (10月完成, 1—10月累计完成投资, 2026年计划投资)."""

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key)
        if found is not None:
            return found
        return next((name for name, pattern in PATTERNS.items() if pattern.fullmatch(str(key))), default)


HEADERS = HeaderMap(
    {header_key(header): name for header, name in (ALIASES | INFO).items()}
    | {header_key(label): name for name, label in LABELS.items()}
)


def preview(
    data: bytes, *, max_rows: int, db_session: Any, actor: User | None = None, month: str = "", notes: bool = True
) -> Preview:
    """Read the ledger, settle its month, match every row to a project the
    importer may report for, and say what each row changes; nothing is
    written. SheetError when the month cannot be settled. (No notes for the
    person to leave out: `notes` is the preview signature every kind shares.)"""
    if actor is None:
        raise SheetError("导入投资月报须以具体用户身份进行。")
    sheet = read_table(data, HEADERS, REQUIRED, max_rows=max_rows)
    fields = {c.field for c in sheet.columns if c.field}
    if not fields & {"completed", "cumulative"}:
        raise SheetError(
            "表中没有「本月完成投资」（如「10月完成」）或「1-N月累计完成投资」列，无法读取月报。请核对表头。"
        )
    period = settle_month(sheet, month)
    labels = {**LABELS, **{c.field: c.header for c in sheet.columns if c.field}}
    lookups, results, errors = validate_rows(sheet, lambda n, r, lk: _validate(n, r, lk, labels))
    _duplicates_within_file(results, errors, labels)
    projects = _match_projects(results, errors, labels, db_session, actor)
    warnings = describe_changes(results, errors, projects, period, labels, db_session, actor)
    result = make_preview(KIND, sheet, results, errors, lookups)
    info = [c.header for c in sheet.columns if c.field and c.field.startswith("info_")]
    if info:
        note = f"以下列仅供对照，月报导入不改动：{'、'.join(info)}（项目信息请用项目台账导入）"
        result.warnings.append(CellProblem(sheet.header_row, "文件", "", note))
    result.warnings.extend(warnings)
    result.options["month"] = period
    result.reason_needed = [r.row for r in results if r.data.get("locked") and "report" in r.updates]
    return result


# --- the month --------------------------------------------------------------------------


def settle_month(sheet: Sheet, chosen: str) -> dt.date:
    """The ledger's month (first day): the chosen one, else the title's; the
    headers' months and plan year must agree; never a future month."""
    picked = _chosen(chosen)
    titled = _title_month(sheet.title)
    month = picked or titled
    if month is None:
        raise SheetError("无法确定月报月份：标题中没有「2026年1-10月」这样的年月。请在上传页选择月份后重新上传。")
    if picked and titled and picked != titled:
        raise SheetError(
            f"所选月份 {_month_text(picked)} 与表格标题中的 {_month_text(titled)} 不一致，请核对后重新上传。"
        )
    for column in sheet.columns:
        match = PATTERNS[column.field].fullmatch(header_key(column.header)) if column.field in PATTERNS else None
        if match is None:
            continue
        named = match.groupdict()
        if named.get("month") and int(named["month"]) != month.month:
            raise SheetError(f"表头「{column.header}」与月报月份 {_month_text(month)} 不一致，请核对表头或所选月份。")
        if named.get("year") and int(named["year"]) != month.year:
            raise SheetError(f"表头「{column.header}」与月报年度 {month.year} 年不一致，请核对表头或所选月份。")
    if month > clock.today().replace(day=1):
        raise SheetError(f"月报月份 {_month_text(month)} 晚于本月，不能填报。")
    return month


def _chosen(raw: str) -> dt.date | None:
    text = (raw or "").strip()
    if not text:
        return None
    match = CHOSEN_MONTH.match(text)
    if not match or not (2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12):
        raise SheetError(f"所选月份「{text[:20]}」无效，应为 YYYY-MM（如 2026-10）。")
    return dt.date(int(match[1]), int(match[2]), 1)


def _title_month(lines: list[str]) -> dt.date | None:
    for line in lines:
        match = TITLE_MONTH.search(unicodedata.normalize("NFKC", line))
        if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
            return dt.date(int(match[1]), int(match[2]), 1)
    return None


def _month_text(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


# --- rows -------------------------------------------------------------------------------


def level(value: Any) -> ProjectLevel | None:
    """省重点/市重点/区重点 (also 省级, 市级重点项目 …); blank: keep the project's."""
    name = "".join(unicodedata.normalize("NFKC", cells.text(value)).split())
    if name in BLANK_WORDS:
        return None
    core = name.removesuffix("项目").removesuffix("重点").removesuffix("级")
    if core not in LEVEL_WORDS:
        raise cells.CellError("项目级别应为 省重点/市重点/区重点（也可写 省级/市级/区级）。")
    return LEVEL_WORDS[core]


def _validate(
    number: int, record: dict[str, Any], lookups: Lookups, labels: dict[str, str]
) -> tuple[RowResult, list[CellProblem]]:
    problems: list[CellProblem] = []
    data: dict[str, Any] = {}

    def fail(field: str, message: str) -> None:
        problems.append(CellProblem(number, labels[field], cell_text(record.get(field)), message))

    name, problem = cells.project_name(record.get("name"))
    if problem:
        fail("name", problem)
    data["name"] = name
    try:
        data["level"] = level(record.get("level"))
    except cells.CellError as exc:
        fail("level", str(exc))
    for field in AMOUNT_FIELDS:
        try:
            data[field] = cells.amount_wan(record.get(field))
        except cells.CellError as exc:
            fail(field, str(exc))
    progress = cells.text(record.get("progress"))
    if len(progress) > PROGRESS_MAX:
        fail("progress", f"形象进度不能超过 {PROGRESS_MAX} 个字符。")
    data["progress"] = progress or None
    return RowResult(row=number, data=data), problems


def name_key(name: str) -> str:
    """A project name as matched: NFKC (（）→()), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _name_variants(name: str) -> set[str]:
    """The spellings of `name` a project may be stored under."""
    half = unicodedata.normalize("NFKC", name)
    return {name, half, half.replace("(", "（").replace(")", "）")}


def _duplicates_within_file(results: list[RowResult], errors: list[CellProblem], labels: dict[str, str]) -> None:
    seen: dict[str, int] = {}
    for result in results:
        key = name_key(result.data.get("name") or "")
        if not key:
            continue
        if key in seen:
            message = f"与第 {seen[key]} 行是同一项目（同一月份只能有一行）。"
            errors.append(CellProblem(result.row, labels["name"], result.data["name"], message))
        else:
            seen[key] = result.row


def _match_projects(
    results: list[RowResult], errors: list[CellProblem], labels: dict[str, str], session: Any, actor: User
) -> dict[int, Project]:
    """Each row's project (one query for the file): visible to the importer
    and one they may report for; never a new project."""
    names = {variant for r in results if r.data.get("name") for variant in _name_variants(r.data["name"])}
    found = session.scalars(
        sa.select(Project)
        .where(Project.name.in_(names or [""]), Project.archived_at.is_(None))
        .options(selectinload(Project.team))
    ).all()
    by_key: dict[str, list[Project]] = {}
    for project in sorted(found, key=lambda p: p.id):
        by_key.setdefault(name_key(project.name), []).append(project)
    matched: dict[int, Project] = {}
    for result in results:
        name = result.data.get("name")
        if not name:
            continue
        visible = [p for p in by_key.get(name_key(name), []) if can_view_project(actor, p)]
        message = None
        if not visible:
            # The same words for a project that does not exist and one out of scope.
            message = (
                f"未找到名为「{name}」的项目（或不在您的数据范围内）。"
                "月报导入不新建项目，请先在项目库中建档或核对名称。"
            )
        elif len(visible) > 1:
            message = (
                f"系统中有 {len(visible)} 个名为「{name}」的项目，无法确定是哪一个；请在项目库中区分名称后再导入。"
            )
        elif not can_report_investment(actor, visible[0]):
            message = "您无权填报该项目的投资月报（由项目专班或牵头部门填报）。"
        if message:
            errors.append(CellProblem(result.row, labels["name"], name, message))
            continue
        result.existing_id = visible[0].id
        matched[visible[0].id] = visible[0]
    return matched


# --- the template -----------------------------------------------------------------------


def template_workbook() -> Workbook:
    """The blank ledger: a title naming the month due, the headers and one
    example row; a second sheet with what each column takes."""
    month = due_month(clock.today())
    headers = ["序号", "项目名称*", "项目级别", "年度计划投资(万元)", "本月完成投资(万元)"]
    headers += [f"1-{month.month}月累计完成投资(万元)", "形象进度"]
    example = [1, "比亚迪新能源汽车零部件产业园", "市重点", "1.8亿", "635", "", "主体结构封顶"]
    workbook = new_workbook()
    caption = f"{month.year}年1-{month.month}月重点项目投资完成情况｜单位：万元"
    add_sheet(workbook, "投资月报", headers, [example], caption=caption)
    notes = [
        ("月份", "取自标题中的「2026年1-10月」（可改为实际月份），或在上传页选择"),
        ("项目名称", "须与项目库中的名称一致；月报导入不新建项目"),
        ("项目级别", "省重点 / 市重点 / 区重点（也可写 省级 / 市级 / 区级）；仅管理员导入时更新"),
        ("年度计划投资(万元)", "与系统中的年度计划核对；管理员导入时更新或列入年度计划"),
        ("本月完成投资(万元)", "该月完成投资；也可写作「10月完成」"),
        ("1-N月累计完成投资(万元)", "只填累计时，本月 = 累计 − 系统中此前各月已报合计；两列都空则不填报该月"),
        ("金额", "3500、3,500、3500万、3.5亿（亿元自动换算为万元）"),
    ]
    add_sheet(workbook, "可选值", ["字段", "说明"], notes)
    return workbook
