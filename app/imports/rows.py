"""What an import produces: per-row results with (row, column, value,
message) errors, a preview summary, the lookups every row shares
(reference lists, departments, leaders) loaded once per file, and the
look-alike flag on rows that would create a company like one on file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app.companies.lookalikes import LookalikeIndex
from app.db import db
from app.departments import DepartmentNames
from app.imports.sheets import Sheet
from app.models import RefItem, RefKind, Role, User


@dataclass
class CellProblem:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Change:
    """One field of an existing record as the row would change it."""

    label: str
    before: str
    after: str
    note: str = ""  # why it is flagged: "变化 10 倍以上…", "阶段不后退…"
    applied: bool = True  # False: shown but not written (the page's rules refuse it)
    confirm: bool = False  # written only after the person confirms the file


@dataclass
class RowResult:
    row: int
    data: dict[str, Any] = field(default_factory=dict)
    action: str = "create"  # create | update | unchanged
    existing_id: int | None = None
    company_id: int | None = None  # an existing company the row names
    company_note: str | None = None  # e.g. "企业库已有：华润置地（郑州）有限公司"
    lookalike: bool = False  # a new company whose name looks like one on file (flagged, not matched)
    changes: list[Change] = field(default_factory=list)  # an update's fields, before → after
    updates: dict[str, Any] = field(default_factory=dict)  # what an update writes (applied changes only)

    @property
    def needs_confirmation(self) -> bool:
        return any(change.confirm for change in self.changes)


@dataclass
class Preview:
    kind: str
    header_row: int
    rows: list[RowResult]
    errors: list[CellProblem]
    unknown_headers: list[str]
    skipped: list[tuple[int, str]]
    # Findings that do not block the import (e.g. columns we do not read).
    warnings: list[CellProblem] = field(default_factory=list)
    # 责任单位 names no department answers to → suggestions (the mapping step).
    unknown_departments: dict[str, list[str]] = field(default_factory=dict)
    # What a kind reads besides the file (the monthly ledger's month; at
    # commit, the batch's correction reason).
    options: dict[str, Any] = field(default_factory=dict)
    # Rows that change a locked record (a reviewed month): the commit needs
    # one reason for the file.
    reason_needed: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if r.action == "update")

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "unchanged")

    @property
    def to_confirm(self) -> list[RowResult]:
        """Rows with a change the person must confirm (an amount ×10 …)."""
        return [r for r in self.rows if r.needs_confirmation]

    @property
    def lookalikes(self) -> int:
        return sum(1 for r in self.rows if r.lookalike)


class Lookups:
    """Names → ids for the reference data a ledger mentions (one query each)."""

    def __init__(self) -> None:
        items = db.session.execute(sa.select(RefItem.kind, RefItem.name, RefItem.id, RefItem.active)).all()
        self.ref: dict[RefKind, dict[str, int]] = {}
        for kind, name, item_id, _active in items:
            self.ref.setdefault(kind, {})[name] = item_id
        self.departments = DepartmentNames()
        # Names no department answers to: name → the closest departments.
        self.unknown_departments: dict[str, list[str]] = {}
        self.leaders: dict[str, list[int]] = {}
        for user_id, name in db.session.execute(
            sa.select(User.id, User.name).where(User.role == Role.LEADER, User.active.is_(True))
        ):
            self.leaders.setdefault(name, []).append(user_id)

    def ref_id(self, kind: RefKind, name: str) -> int | None:
        return self.ref.get(kind, {}).get(name)

    def department_problem(self, name: str) -> str:
        """The message for a 责任单位 no department answers to, with the
        closest names; the preview lists the names for the mapping step."""
        if name not in self.unknown_departments:
            self.unknown_departments[name] = self.departments.suggest(name)
        close = self.unknown_departments[name]
        hint = f"是否为：{'、'.join(close)}？" if close else "系统中没有相近的部门。"
        return f"责任单位「{name}」不在系统部门列表中。{hint}管理员可在本页把它对应到系统部门，下次自动识别。"


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:200]


def validate_rows(
    sheet: Sheet, validate: Callable[[int, dict[str, Any], Lookups], tuple[RowResult, list[CellProblem]]]
) -> tuple[Lookups, list[RowResult], list[CellProblem]]:
    """Every data row through the kind's `validate`, with the lookups they
    share; the errors include the sheet's own (formulas without a result)."""
    lookups = Lookups()
    results: list[RowResult] = []
    errors: list[CellProblem] = []
    for number, record in sheet.rows:
        result, problems = validate(number, record, lookups)
        errors.extend(problems)
        results.append(result)
    errors.extend(sheet_errors(sheet))
    return lookups, results, errors


def make_preview(
    kind: str, sheet: Sheet, results: list[RowResult], errors: list[CellProblem], lookups: Lookups
) -> Preview:
    return Preview(
        kind,
        sheet.header_row,
        results,
        errors,
        sheet.unknown_headers,
        sheet.skipped,
        sheet_warnings(sheet),
        unknown_departments=lookups.unknown_departments,
    )


def sheet_warnings(sheet: Sheet) -> list[CellProblem]:
    """File-level findings: unknown columns are reported, never silently
    dropped — but they do not block the import (an export of a list carries
    extra columns such as 状态 or 本阶段天数, and must re-import cleanly)."""
    unknown = [
        CellProblem(sheet.header_row, header, header, "未识别的列，该列内容不会导入（请核对表头）")
        for header in sheet.unknown_headers
    ]
    return unknown + [CellProblem(sheet.header_row, "文件", "", notice) for notice in sheet.notices]


def sheet_errors(sheet: Sheet) -> list[CellProblem]:
    """Cells the sheet itself makes unreadable: formulas without a result."""
    advice = "是公式，没有计算结果；请在 Excel 中复制后「选择性粘贴 → 数值」再导入。"
    return [CellProblem(row, header, reference, f"{reference} {advice}") for row, header, reference in sheet.formulas]


def flag_lookalikes(results: list[RowResult], session: Any) -> None:
    """Rows that would create a company whose name looks like one on file
    (有限公司 vs 股份有限公司, a slip of one character …) get a note saying
    which: the person checks before committing. One query for the file."""
    named = [r for r in results if r.data.get("company_name")]
    if not named:
        return
    index = LookalikeIndex.load(session)
    for result in named:
        found = index.find(result.data["company_name"], limit=1)
        if found:
            result.lookalike = True
            result.company_note = found[0].text


AMOUNT_JUMP = 10


def shown(value: Any, names: dict[int, str] | None) -> str:
    if value in (None, ""):
        return "—"
    if names is not None:
        return names.get(value, str(value))
    if isinstance(value, Decimal):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def money_change(row: RowResult, field: str, label: str, before: Decimal | None) -> None:
    """An amount's change; tenfold or more (80 亿 → 8 亿: a unit slip) waits
    for the person's confirmation."""
    after = row.data.get(field)
    if after is None or before == after:
        return
    jump = bool(before) and bool(after) and max(before, after) / min(before, after) >= AMOUNT_JUMP  # type: ignore[type-var, operator]
    row.changes.append(
        Change(
            label,
            shown(before, None),
            shown(after, None),
            note=f"变化 {AMOUNT_JUMP} 倍以上，请核对单位（万元 / 亿元）" if jump else "",
            confirm=jump,
        )
    )
    row.updates[field] = after
