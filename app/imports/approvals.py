"""Approval-items ledger import (联审联批事项台账): one row per item as the
offices keep it — a title row, 序号, 项目名称 / 审批事项 / 审批部门, the
dates, 办理状态, 存在问题 and 备注, then a footnote — read into the items of
existing projects, with the same preview and all-or-nothing commit as the
monthly investment ledger.

- A row names an existing project by its name (full- and half-width
  brackets alike), never creates one; an unknown project and one out of the
  importer's scope get the same error. The item is the project's item of the
  same type (审批事项, from the admin's list 审批事项类型; an unknown type lists
  the known ones): it is updated, else created.
- 审批部门 through `app/departments.py` (区发改委 → 区发展和改革委员会); a name
  found no way goes to the preview's department-mapping step.
- 办理状态, read by STATUS_WORDS (blank: from the dates):
    待申报 / 未申报 / 未启动 / 待办            → 待申报
    已申报 / 申报中 / 已受理 / 在办 / 办理中 / 审批中 → 已申报
    已办结 / 办结 / 已批复 / 已办理 / 已完成 / 已取得 → 已办结
    无需办理 / 不需办理 / 免办 / 不涉及         → 无需办理
  已申报 needs 申报时间, 已办结 办结时间 (no date is made up); a date that
  contradicts the status is a row error; 无需办理 takes its reason from 存在问题
  (else 备注).
- Dates as offices write them: 2026-07-31, 2026/7/31, 2026.7.31, 2026年7月31日,
  20260731 or an Excel date; 申报/办结 never in the future.
- 存在问题 and 备注 are kept as the item's notes (容缺受理 stays a note).
- What a row changes and the rights it needs are in `approvals_changes.py`;
  the commit (through `app.approvals.services`) in `approvals_commit.py`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.orm import selectinload

from app import clock
from app.imports import cells
from app.imports.approvals_changes import describe_changes
from app.imports.investments import name_key
from app.imports.rows import CellProblem, Lookups, Preview, RowResult, cell_text, make_preview, validate_rows
from app.imports.sheets import SheetError, header_key, read_table
from app.models import ApprovalStatus, Project, RefKind, User
from app.permissions import can_view_project
from app.xlsx import add_sheet, new_workbook

KIND = "approvals"
NOTE_MAX = 2000

LABELS = {
    "name": "项目名称",
    "type": "审批事项",
    "department": "审批部门",
    "due_on": "计划完成时间",
    "submitted_on": "申报时间",
    "approved_on": "办结时间",
    "status": "办理状态",
    "problem": "存在问题",
    "notes": "备注",
}
ALIASES = {
    "项目名称": "name",
    "审批事项": "type",
    "审批事项名称": "type",
    "事项名称": "type",
    "审批事项类型": "type",
    "审批部门": "department",
    "审批单位": "department",
    "办理部门": "department",
    "责任部门": "department",
    "计划完成时间": "due_on",
    "计划完成日期": "due_on",
    "计划办结时间": "due_on",
    "计划办结日期": "due_on",
    "申报时间": "submitted_on",
    "申报日期": "submitted_on",
    "办结时间": "approved_on",
    "办结日期": "approved_on",
    "批复时间": "approved_on",
    "批复日期": "approved_on",
    "办理状态": "status",
    "状态": "status",
    "办理情况": "status",
    "存在问题": "problem",
    "存在的问题": "problem",
    "问题": "problem",
    "备注": "notes",
}
HEADERS = {header_key(header): name for header, name in ALIASES.items()}
REQUIRED = ("name", "type")

STATUS_WORDS = {
    ApprovalStatus.PENDING: ("待申报", "未申报", "未启动", "待办", "待办理"),
    ApprovalStatus.SUBMITTED: ("已申报", "申报中", "已受理", "受理中", "在办", "办理中", "审批中", "已报送"),
    ApprovalStatus.APPROVED: ("已办结", "办结", "已批复", "批复", "已办理", "已完成", "完成", "已取得"),
    ApprovalStatus.NOT_NEEDED: ("无需办理", "不需办理", "无需", "免办", "不涉及"),
}
STATUSES = {word: status for status, words in STATUS_WORDS.items() for word in words}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def preview(data: bytes, *, max_rows: int, db_session: Any, actor: User | None = None, notes: bool = True) -> Preview:
    """Read the ledger, match each row to a project the importer sees and its
    item of that type, and say what each row changes; nothing is written.
    (No notes for the person to leave out: `notes` is the preview signature
    every kind shares.)"""
    if actor is None:
        raise SheetError("导入联审联批事项须以具体用户身份进行。")
    sheet = read_table(data, HEADERS, REQUIRED, max_rows=max_rows)
    labels = {**LABELS, **{c.field: c.header for c in sheet.columns if c.field}}
    lookups, results, errors = validate_rows(sheet, lambda n, r, lk: _validate(n, r, lk, labels))
    _duplicates_within_file(results, errors, labels)
    projects = _match_projects(results, errors, labels, db_session, actor)
    describe_changes(results, errors, projects, labels, db_session, actor)
    return make_preview(KIND, sheet, results, errors, lookups)


# --- cells ------------------------------------------------------------------------------


def date(value: Any) -> dt.date | None:
    """A date as offices write it (None for a blank cell)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = "".join(unicodedata.normalize("NFKC", cells.text(value)).split())
    for pattern in DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if not 1990 <= parsed.year <= 2100:
            raise cells.CellError("日期超出合理范围。")
        return parsed
    raise cells.CellError("日期格式应为 2026-07-31、2026/7/31、2026.7.31 或 2026年7月31日。")


def status(value: Any) -> ApprovalStatus | None:
    word = "".join(unicodedata.normalize("NFKC", cells.text(value)).split())
    if word in ("", "-", "—", "/"):
        return None
    if word not in STATUSES:
        raise cells.CellError("办理状态应为 待申报 / 已申报 / 已办结 / 无需办理（也可写 在办、办结、已批复 等）。")
    return STATUSES[word]


def _type_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def _type_id(types: dict[str, int], name: str) -> int | None:
    """The item type named (立项(备案/核准) as 立项（备案/核准）)."""
    if name in types:
        return types[name]
    key = _type_key(name)
    return next((item_id for known, item_id in types.items() if _type_key(known) == key), None)


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
    type_name = cells.text(record.get("type"))
    data["type_name"] = type_name
    types = lookups.ref.get(RefKind.APPROVAL_TYPE, {})
    data["type_id"] = _type_id(types, type_name)
    if not type_name:
        fail("type", "审批事项不能为空。")
    elif data["type_id"] is None:
        fail("type", f"审批事项「{type_name}」不在系统的审批事项类型中。可选：{'、'.join(types)}。")
    department = cells.text(record.get("department"))
    data["department_name"] = department
    data["department_id"] = lookups.departments.get(department) if department else None
    if department and data["department_id"] is None:
        if department not in lookups.unknown_departments:
            lookups.unknown_departments[department] = lookups.departments.suggest(department)
        close = lookups.unknown_departments[department]
        hint = f"是否为：{'、'.join(close)}？" if close else "系统中没有相近的部门。"
        advice = "管理员可在本页把它对应到系统部门，下次自动识别。"
        fail("department", f"审批部门「{department}」不在系统部门列表中。{hint}{advice}")
    for field in ("due_on", "submitted_on", "approved_on"):
        try:
            data[field] = date(record.get(field))
        except cells.CellError as exc:
            fail(field, str(exc))
    today = clock.today()
    for field, word in (("submitted_on", "申报"), ("approved_on", "办结")):
        if data.get(field) and data[field] > today:
            fail(field, f"{word}时间不能晚于今天。")
    if data.get("submitted_on") and data.get("approved_on") and data["approved_on"] < data["submitted_on"]:
        fail("approved_on", "办结时间早于申报时间，请核对。")
    try:
        data["status"] = status(record.get("status"))
    except cells.CellError as exc:
        fail("status", str(exc))
    problem, notes = cells.text(record.get("problem")), cells.text(record.get("notes"))
    data["reason"] = problem or notes or None
    data["notes"] = "\n".join(filter(None, (problem and f"存在问题：{problem}", notes))) or None
    if data["notes"] and len(data["notes"]) > NOTE_MAX:
        fail("notes", f"存在问题与备注合计不能超过 {NOTE_MAX} 个字符。")
    _status_and_dates(data, fail)
    return RowResult(row=number, data=data), problems


def _status_and_dates(data: dict[str, Any], fail: Any) -> None:
    """The status the row means, and the dates it needs: no date made up."""
    given = data.get("status")
    if "status" not in data or "submitted_on" not in data or "approved_on" not in data:
        return  # an unreadable cell is already reported
    submitted, approved = data["submitted_on"], data["approved_on"]
    if given is None:
        given = (
            ApprovalStatus.APPROVED if approved else ApprovalStatus.SUBMITTED if submitted else ApprovalStatus.PENDING
        )
        data["status"] = given
    if given is ApprovalStatus.APPROVED and approved is None:
        fail("approved_on", "办理状态为已办结，请填写办结时间。")
    elif given is ApprovalStatus.SUBMITTED and submitted is None:
        fail("submitted_on", "办理状态为已申报，请填写申报时间。")
    elif given in (ApprovalStatus.PENDING, ApprovalStatus.SUBMITTED) and approved is not None:
        fail("approved_on", f"填写了办结时间，办理状态却为「{given.label}」，请核对。")
    elif given is ApprovalStatus.PENDING and submitted is not None:
        fail("submitted_on", "填写了申报时间，办理状态却为「待申报」，请核对。")
    elif given is ApprovalStatus.NOT_NEEDED and not data.get("reason"):
        fail("status", "无需办理须写明原因（填在「存在问题」或「备注」列）。")


def _duplicates_within_file(results: list[RowResult], errors: list[CellProblem], labels: dict[str, str]) -> None:
    seen: dict[tuple[str, int], int] = {}
    for result in results:
        key = (name_key(result.data.get("name") or ""), result.data.get("type_id"))
        if not key[0] or key[1] is None:
            continue
        if key in seen:
            message = f"与第 {seen[key]} 行是同一项目的同一审批事项。"
            errors.append(CellProblem(result.row, labels["type"], result.data["type_name"], message))
        else:
            seen[key] = result.row


def _name_variants(name: str) -> set[str]:
    half = unicodedata.normalize("NFKC", name)
    return {name, half, half.replace("(", "（").replace(")", "）")}


def _match_projects(
    results: list[RowResult], errors: list[CellProblem], labels: dict[str, str], session: Any, actor: User
) -> dict[int, Project]:
    """Each row's project (one query for the file): one the importer sees,
    never a new one."""
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
        if not visible:
            # The same words for a project that does not exist and one out of scope.
            message = (
                f"未找到名为「{name}」的项目（或不在您的数据范围内）。"
                "联审联批事项导入不新建项目，请先在项目库中建档或核对名称。"
            )
            errors.append(CellProblem(result.row, labels["name"], name, message))
        elif len(visible) > 1:
            message = (
                f"系统中有 {len(visible)} 个名为「{name}」的项目，无法确定是哪一个；请在项目库中区分名称后再导入。"
            )
            errors.append(CellProblem(result.row, labels["name"], name, message))
        else:
            result.data["project_id"] = visible[0].id
            matched[visible[0].id] = visible[0]
    return matched


# --- the template -----------------------------------------------------------------------


def template_workbook() -> Workbook:
    """The blank ledger with one example row, and what each column takes."""
    from app.lookups import ref_choices

    headers = ["序号", "项目名称*", "审批事项*", "审批部门", "计划完成时间", "申报时间", "办结时间", "办理状态"]
    headers += ["存在问题", "备注"]
    example = [1, "比亚迪新能源汽车零部件产业园", "施工许可", "区住建局", "2026-09-30", "2026-08-15", "", "已申报"]
    example += ["", "容缺受理"]
    workbook = new_workbook()
    add_sheet(workbook, "联审联批事项", headers, [example], caption="重点项目联审联批事项台账")
    types = [name for _id, name in ref_choices(RefKind.APPROVAL_TYPE, blank=None)]
    notes = [
        ("项目名称", "须与项目库中的名称一致；导入不新建项目。同一项目同一审批事项已有的，更新；没有的，新增"),
        ("审批事项", " / ".join(types)),
        ("审批部门", "系统中的部门，可写简称（如 区发改委、区住建局）；新增事项必填"),
        ("办理状态", "待申报 / 已申报（在办）/ 已办结（办结、已批复）/ 无需办理；留空则按日期推定"),
        ("日期", "2026-07-31、2026/7/31、2026.7.31 或 2026年7月31日；申报、办结时间不能晚于今天"),
        ("已办结", "须填写办结时间，且只有审批部门（或管理员）可导入办结"),
        ("无需办理", "须在「存在问题」或「备注」中写明原因"),
        ("存在问题、备注", "作为事项的备注保存（如 容缺受理）"),
    ]
    add_sheet(workbook, "可选值", ["字段", "说明"], notes)
    return workbook
