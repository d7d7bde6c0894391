"""The inspection ledger (督查台账): the inspections the viewer may see
(`inspection_filter`: all for admin, leaders and the supervision office; a
department's staff only those of their department), under the ledger's
filters — one page and its counts by status and 督办 level, in two queries
whatever the rows. The export and the API read the same statement.

Query parameters: `department_id` (被督查单位), `responsible_department_id`
(整改责任部门), `kind` (inspection/unannounced/company_visit), `status`
(`open` 未销号, `rectifying`, `answered`, `closed`), `overdue` (1),
`level` (blue/yellow/red), `finding_id` (发现的问题类型), `from` / `to`
(督查日期), `q` (keyword in 督查情况 and 整改要求); bad values are ignored and
said so (Params)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from app.db import db
from app.escalation import Escalation, level_condition
from app.inspections.rules import escalation_expression, open_condition, overdue_condition
from app.models import Department, Inspection, InspectionKind, InspectionStatus, RefItem, User, inspection_finding
from app.pagination import Page
from app.params import Params
from app.permissions.inspections import inspection_filter
from app.search import keyword_condition

STATUSES: dict[str, Any] = {
    "open": _l("未销号"),
    InspectionStatus.RECTIFYING.value: _l("待整改"),
    InspectionStatus.ANSWERED.value: _l("已反馈"),
    InspectionStatus.CLOSED.value: _l("已销号"),
}
LEVELS = {level.key: level for level in Escalation if level is not Escalation.NONE}


@dataclass
class InspectionFilters:
    department_id: int | None = None
    responsible_department_id: int | None = None
    kind: InspectionKind | None = None
    status: str | None = None
    overdue: bool = False
    level: Escalation | None = None
    finding_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""

    @classmethod
    def read(cls, params: Params) -> InspectionFilters:
        level = params.choice("level", _("督办等级"), LEVELS)
        since, until = params.date_range("from", "to", _("督查日期起"), _("督查日期止"))
        return cls(
            department_id=params.id("department_id", _("被督查单位")),
            responsible_department_id=params.id("responsible_department_id", _("责任部门")),
            kind=params.enum("kind", _("督查方式"), InspectionKind),
            status=params.choice("status", _("状态"), STATUSES),
            overdue=params.flag("overdue"),
            level=LEVELS[level] if level else None,
            finding_id=params.id("finding_id", _("发现的问题")),
            since=since,
            until=until,
            q=params.text("q", 50),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "department_id": self.department_id,
            "responsible_department_id": self.responsible_department_id,
            "kind": self.kind.value if self.kind else None,
            "status": self.status,
            "overdue": 1 if self.overdue else None,
            "level": self.level.key if self.level else None,
            "finding_id": self.finding_id,
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None,
            "q": self.q or None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def shown(self) -> dict[str, str]:
        """The filters in words (an export's title row)."""
        names = {
            _("被督查单位"): _name(Department, self.department_id),
            _("责任部门"): _name(Department, self.responsible_department_id),
            _("督查方式"): self.kind.label if self.kind else "",
            _("状态"): str(STATUSES[self.status]) if self.status else "",
            _("仅超期"): _("是") if self.overdue else "",
            _("督办等级"): self.level.label if self.level else "",
            _("发现的问题"): _name(RefItem, self.finding_id),
            _("督查日期"): (f"{self.since or ''}～{self.until or ''}" if self.since or self.until else ""),
            _("关键词"): self.q,
        }
        return {label: value for label, value in names.items() if value}

    def conditions(self, user: User, today: dt.date) -> list[sa.ColumnElement[bool]]:
        """Everything but the status, within the viewer's scope."""
        conditions: list[sa.ColumnElement[bool]] = [inspection_filter(user), Inspection.archived_at.is_(None)]
        if self.department_id:
            conditions.append(Inspection.department_id == self.department_id)
        if self.responsible_department_id:
            conditions.append(Inspection.responsible_department_id == self.responsible_department_id)
        if self.kind is not None:
            conditions.append(Inspection.kind == self.kind)
        if self.overdue:
            conditions.append(overdue_condition(today))
        if self.level is not None:
            conditions.append(level_condition(self.level, Inspection.deadline, overdue_condition(today), today))
        if self.finding_id:
            conditions.append(
                Inspection.id.in_(
                    sa.select(inspection_finding.c.inspection_id).where(
                        inspection_finding.c.finding_id == self.finding_id
                    )
                )
            )
        if self.since:
            conditions.append(Inspection.inspected_on >= self.since)
        if self.until:
            conditions.append(Inspection.inspected_on <= self.until)
        if self.q:
            conditions.append(
                sa.or_(
                    keyword_condition(sa.func.lower(Inspection.description), self.q),
                    keyword_condition(sa.func.lower(Inspection.requirement), self.q),
                )
            )
        return conditions

    def all_conditions(self, user: User, today: dt.date) -> list[sa.ColumnElement[bool]]:
        """Every condition, the status included (the rows, the export, the API)."""
        conditions = self.conditions(user, today)
        if self.status == "open":
            conditions.append(open_condition())
        elif self.status:
            conditions.append(Inspection.status == InspectionStatus(self.status))
        return conditions


def _name(model: Any, ident: int | None) -> str:
    record = db.session.get(model, ident) if ident else None
    return record.name if record is not None else ""


@dataclass
class LedgerCounts:
    by_status: dict[str, int]
    by_level: dict[Escalation, int]

    @property
    def overdue(self) -> int:
        return sum(n for level, n in self.by_level.items() if level is not Escalation.NONE)


def ledger_counts(conditions: list[sa.ColumnElement[bool]], today: dt.date) -> LedgerCounts:
    """{'all', 'open', each status: n} and the counts by 督办 level (one query)."""
    level = escalation_expression(today)
    rows = db.session.execute(
        sa.select(Inspection.status, level.label("level"), sa.func.count(Inspection.id))
        .where(*conditions)
        .group_by(Inspection.status, level)
    ).all()
    by_status = dict.fromkeys([*STATUSES, "all"], 0)
    by_level = dict.fromkeys(Escalation, 0)
    for status, lvl, n in rows:
        by_status[status.value] += n
        by_level[Escalation(int(lvl or 0))] += n
    by_status["all"] = sum(by_status[s.value] for s in InspectionStatus)
    by_status["open"] = by_status["all"] - by_status[InspectionStatus.CLOSED.value]
    return LedgerCounts(by_status, by_level)


def ledger_statement(conditions: list[sa.ColumnElement[bool]], today: dt.date) -> sa.Select:
    """Inspections with their departments, company and findings: open ones
    first, the most overdue first, then by 整改时限."""
    level = escalation_expression(today)
    return (
        sa.select(Inspection, level.label("level"))
        .options(
            orm.joinedload(Inspection.department),
            orm.joinedload(Inspection.responsible_department),
            orm.joinedload(Inspection.company),
            orm.selectinload(Inspection.findings),
        )
        .where(*conditions)
        .order_by(~open_condition(), level.desc(), Inspection.deadline, Inspection.id)
    )


def ledger_page(
    filters: InspectionFilters, user: User, today: dt.date, page: int, per_page: int
) -> tuple[Page, LedgerCounts]:
    counts = ledger_counts(filters.conditions(user, today), today)
    total = counts.by_status[filters.status or "all"]
    result = (
        db.session.execute(
            ledger_statement(filters.all_conditions(user, today), today).limit(per_page).offset((page - 1) * per_page)
        )
        .unique()
        .all()
    )
    rows = [(inspection, Escalation(int(level or 0))) for inspection, level in result]
    return Page(items=rows, page=page, per_page=per_page, total=total), counts
