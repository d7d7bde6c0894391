"""The approval ledger (联审联批台账): every approval item the viewer may see
(`approval_filter`: the projects in their scope, and the items addressed to
the departments they approve for), under the ledger's filters — one page,
its counts by status and by 督办 level in two queries, whatever the rows.
The export (`exports.py`) reads the same statement.

Query parameters: `department_id` (the approving department), `type_id`
(审批事项类型), `status` (`open` 未办结, `pending`, `submitted`, `approved`,
`not_needed`), `overdue` (1: open and past its 计划完成日期), `level`
(督办等级 blue/yellow/red), `project_level` (province/city/district),
`lead_department_id` (the project's 牵头部门), `project_id`, `q` (keyword on
the project's name); bad values are ignored and said so (Params)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from app import clock
from app.approvals.rules import escalation_condition, escalation_expression, open_condition, overdue_condition
from app.db import db
from app.escalation import Escalation
from app.models import (
    OPEN_APPROVAL_STATUSES,
    ApprovalItem,
    ApprovalStatus,
    Department,
    Project,
    ProjectLevel,
    RefItem,
    User,
)
from app.pagination import Page
from app.params import Params
from app.permissions import approval_filter
from app.search import keyword_condition

# The status tabs: 未办结 (待申报 + 已申报), then each status.
STATUSES: dict[str, Any] = {
    "open": _l("未办结"),
    ApprovalStatus.PENDING.value: _l("待申报"),
    ApprovalStatus.SUBMITTED.value: _l("已申报"),
    ApprovalStatus.APPROVED.value: _l("已办结"),
    ApprovalStatus.NOT_NEEDED.value: _l("无需办理"),
}
LEVELS = {level.key: level for level in Escalation if level is not Escalation.NONE}


@dataclass
class ApprovalFilters:
    department_id: int | None = None
    type_id: int | None = None
    status: str | None = None
    overdue: bool = False
    level: Escalation | None = None
    project_level: ProjectLevel | None = None
    lead_department_id: int | None = None
    project_id: int | None = None
    q: str = ""

    @classmethod
    def read(cls, params: Params) -> ApprovalFilters:
        level = params.choice("level", _("督办等级"), LEVELS)
        return cls(
            department_id=params.id("department_id", _("审批部门")),
            type_id=params.id("type_id", _("审批事项")),
            status=params.choice("status", _("办理状态"), STATUSES),
            overdue=params.flag("overdue"),
            level=LEVELS[level] if level else None,
            project_level=params.enum("project_level", _("项目级别"), ProjectLevel),
            lead_department_id=params.id("lead_department_id", _("牵头部门")),
            project_id=params.id("project_id", _("项目")),
            q=params.text("q", 50),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "department_id": self.department_id,
            "type_id": self.type_id,
            "status": self.status,
            "overdue": 1 if self.overdue else None,
            "level": self.level.key if self.level else None,
            "project_level": self.project_level.value if self.project_level else None,
            "lead_department_id": self.lead_department_id,
            "project_id": self.project_id,
            "q": self.q or None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def shown(self) -> dict[str, str]:
        """The filters in words (an export's title row)."""
        names = {
            _("审批部门"): _name(Department, self.department_id),
            _("审批事项"): _name(RefItem, self.type_id),
            _("办理状态"): str(STATUSES[self.status]) if self.status else "",
            _("仅逾期"): _("是") if self.overdue else "",
            _("督办等级"): self.level.label if self.level else "",
            _("项目级别"): self.project_level.label if self.project_level else "",
            _("牵头部门"): _name(Department, self.lead_department_id),
            _("项目"): _name(Project, self.project_id),
            _("关键词"): self.q,
        }
        return {label: value for label, value in names.items() if value}

    def conditions(self, user: User, today: dt.date) -> list[sa.ColumnElement[bool]]:
        """Everything but the status, in the viewer's scope. Conditions on
        the project are one sub-select, so counting needs no join."""
        conditions: list[sa.ColumnElement[bool]] = [approval_filter(user), ApprovalItem.archived_at.is_(None)]
        if self.department_id:
            conditions.append(ApprovalItem.department_id == self.department_id)
        if self.type_id:
            conditions.append(ApprovalItem.type_id == self.type_id)
        if self.overdue:
            conditions.append(overdue_condition(today))
        if self.level is not None:
            conditions.append(escalation_condition(self.level, today))
        if self.project_id:
            conditions.append(ApprovalItem.project_id == self.project_id)
        on_project: list[sa.ColumnElement[bool]] = [Project.archived_at.is_(None)]
        if self.project_level is not None:
            on_project.append(Project.level == self.project_level)
        if self.lead_department_id:
            on_project.append(Project.lead_department_id == self.lead_department_id)
        if self.q:
            on_project.append(keyword_condition(Project.search_text, self.q))
        conditions.append(ApprovalItem.project_id.in_(sa.select(Project.id).where(*on_project)))
        return conditions


def _name(model: Any, ident: int | None) -> str:
    record = db.session.get(model, ident) if ident else None
    return record.name if record is not None else ""


def status_condition(status: str | None) -> sa.ColumnElement[bool] | None:
    if status == "open":
        return open_condition()
    if status:
        return ApprovalItem.status == ApprovalStatus(status)
    return None


@dataclass
class LedgerCounts:
    by_status: dict[str, int]
    by_level: dict[Escalation, int]

    @property
    def overdue(self) -> int:
        return sum(n for level, n in self.by_level.items() if level is not Escalation.NONE)


def ledger_counts(conditions: list[sa.ColumnElement[bool]], today: dt.date) -> LedgerCounts:
    """{'all', 'open', each status: n} and the counts by 督办 level, under
    the other filters (one query)."""
    level = escalation_expression(today)
    rows = db.session.execute(
        sa.select(ApprovalItem.status, level.label("level"), sa.func.count(ApprovalItem.id))
        .where(*conditions)
        .group_by(ApprovalItem.status, level)
    ).all()
    by_status = dict.fromkeys(STATUSES, 0)
    by_level = dict.fromkeys(Escalation, 0)
    for status, lvl, n in rows:
        by_status[status.value] += n
        by_level[Escalation(int(lvl or 0))] += n
    by_status["open"] = sum(by_status[s.value] for s in OPEN_APPROVAL_STATUSES)
    by_status["all"] = sum(by_status[s.value] for s in ApprovalStatus)
    return LedgerCounts(by_status, by_level)


def _order(level: sa.ColumnElement[int]) -> list[Any]:
    return [~open_condition(), level.desc(), ApprovalItem.due_on, Project.name, ApprovalItem.id]


def ledger_statement(conditions: list[sa.ColumnElement[bool]], today: dt.date) -> sa.Select:
    """The items with their project, type and department, open ones first,
    the most overdue first, then by 计划完成日期."""
    level = escalation_expression(today)
    return (
        sa.select(ApprovalItem, level.label("level"))
        .join(Project, Project.id == ApprovalItem.project_id)
        .options(
            orm.contains_eager(ApprovalItem.project).joinedload(Project.lead_department),
            orm.joinedload(ApprovalItem.type),
            orm.joinedload(ApprovalItem.department),
        )
        .where(*conditions)
        .order_by(*_order(level))
    )


@dataclass
class LedgerRow:
    item: ApprovalItem
    level: Escalation
    today: dt.date

    @property
    def days_overdue(self) -> int:
        return (self.today - self.item.due_on).days if self.level is not Escalation.NONE else 0


@dataclass
class LedgerPage:
    filters: ApprovalFilters
    page: Page
    counts: LedgerCounts
    rows: list[LedgerRow] = field(default_factory=list)


def ledger_page(filters: ApprovalFilters, user: User, page: int, per_page: int) -> LedgerPage:
    today = clock.today()
    counts = ledger_counts(filters.conditions(user, today), today)
    total = counts.by_status[filters.status or "all"]
    # A deferred join: the page's ids sorted over the items and their
    # projects' names alone, then only those rows joined to type, department
    # and lead department (joining every match before sorting cost more).
    keys = (
        sa.select(ApprovalItem.id)
        .join(Project, Project.id == ApprovalItem.project_id)
        .where(*ledger_conditions(filters, user, today))
        .order_by(*_order(escalation_expression(today)))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .scalar_subquery()
    )
    result = db.session.execute(ledger_statement([ApprovalItem.id.in_(keys)], today)).all()
    rows = [LedgerRow(item, Escalation(int(level or 0)), today) for item, level in result]
    return LedgerPage(filters, Page(items=rows, page=page, per_page=per_page, total=total), counts, rows)


def ledger_conditions(filters: ApprovalFilters, user: User, today: dt.date) -> list[sa.ColumnElement[bool]]:
    """Every condition of the ledger, the status included (the export)."""
    conditions = filters.conditions(user, today)
    condition = status_condition(filters.status)
    return conditions if condition is None else [*conditions, condition]
