"""The problem ledger (问题台账) query: filters from the query string, the
summary counts by status and escalation level, and the rows of one page —
a constant number of queries whatever the page size.

Query parameters: `category_id`, `department_id` (responsible department),
`status`, `level` (blue/yellow/red), `overdue` (1), `project_id`,
`leader_id` (the project's leader), `company_id`, `subject` (`project`:
problems of projects, `company`: 企业诉求 of a company alone), `raised_from` /
`raised_to` (date raised), `closed_from` / `closed_to` (date of 销号),
`unassigned` (1: no responsible department yet), `on_time` (1: 销号 by the
办理时限, or without one — the report's 按期销号), `q`,
`page`, `per_page`. A date that cannot be read is ignored and named in
`errors` (the page says so, the export refuses, app/params.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from app.db import db
from app.models import Company, Problem, ProblemStatus, Project, User
from app.pagination import Page
from app.params import Params, parse_id
from app.permissions import problem_filter
from app.problems.rules import Escalation, escalation_condition, escalation_expression, overdue_condition
from app.search import keyword_condition


@dataclass
class ProblemFilters:
    category_id: int | None = None
    department_id: int | None = None
    status: ProblemStatus | None = None
    level: Escalation | None = None
    overdue: bool = False
    project_id: int | None = None
    leader_id: int | None = None
    q: str = ""
    open_only: bool = False
    company_id: int | None = None
    subject: str | None = None  # "project" | "company"
    raised_from: dt.date | None = None
    raised_to: dt.date | None = None
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None
    unassigned: bool = False
    on_time: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> ProblemFilters:
        try:
            status = ProblemStatus(args.get("status"))
        except ValueError:
            status = None
        params = Params(args)
        raised_from, raised_to = params.date_range("raised_from", "raised_to", "上报日期起", "上报日期止")
        closed_from, closed_to = params.date_range("closed_from", "closed_to", "销号日期起", "销号日期止")
        subject = args.get("subject")
        return cls(
            company_id=parse_id(args.get("company_id")),
            subject=subject if subject in ("project", "company") else None,
            raised_from=raised_from,
            raised_to=raised_to,
            closed_from=closed_from,
            closed_to=closed_to,
            errors=params.errors,
            unassigned=params.flag("unassigned"),
            on_time=params.flag("on_time"),
            category_id=parse_id(args.get("category_id")),
            department_id=parse_id(args.get("department_id")),
            status=status,
            level=Escalation.from_key(args.get("level")),
            overdue=str(args.get("overdue", "")) in {"1", "true", "on"},
            project_id=parse_id(args.get("project_id")),
            leader_id=parse_id(args.get("leader_id")),
            q=(args.get("q") or "").strip()[:50],
            open_only=str(args.get("open", "")) in {"1", "true", "on"},
        )

    def conditions(self, user: User, today: dt.date) -> list[sa.ColumnElement[bool]]:
        conditions: list[sa.ColumnElement[bool]] = [problem_filter(user), Problem.archived_at.is_(None)]
        if self.category_id:
            conditions.append(Problem.category_id == self.category_id)
        if self.department_id:
            conditions.append(Problem.responsible_department_id == self.department_id)
        if self.status is not None:
            conditions.append(Problem.status == self.status)
        if self.open_only:
            conditions.append(Problem.status != ProblemStatus.CLOSED)
        if self.level is not None:
            conditions.append(escalation_condition(self.level, today))
        if self.overdue:
            conditions.append(overdue_condition(today))
        if self.project_id:
            conditions.append(Problem.project_id == self.project_id)
        if self.company_id:
            conditions.append(Problem.company_id == self.company_id)
        if self.subject == "project":
            conditions.append(Problem.project_id.is_not(None))
        elif self.subject == "company":
            conditions.append(Problem.project_id.is_(None))
        if self.raised_from:
            conditions.append(Problem.raised_on >= self.raised_from)
        if self.raised_to:
            conditions.append(Problem.raised_on <= self.raised_to)
        if self.closed_from:
            conditions.append(Problem.resolved_on >= self.closed_from)
        if self.closed_to:
            conditions.append(Problem.resolved_on <= self.closed_to)
        if self.unassigned:
            conditions.append(Problem.responsible_department_id.is_(None))
        if self.on_time:
            conditions.append(
                sa.and_(
                    Problem.status == ProblemStatus.CLOSED,
                    sa.or_(Problem.deadline.is_(None), Problem.resolved_on <= Problem.deadline),
                )
            )
        # Conditions on the project are sub-selects, so counting and sorting
        # need no join (the page's rows join their projects, 20 at a time).
        if self.leader_id:
            conditions.append(
                Problem.project_id.in_(sa.select(Project.id).where(Project.responsible_leader_id == self.leader_id))
            )
        if self.q:
            conditions.append(
                sa.or_(
                    keyword_condition(sa.func.lower(Problem.description), self.q),
                    Problem.project_id.in_(sa.select(Project.id).where(keyword_condition(Project.search_text, self.q))),
                    Problem.company_id.in_(sa.select(Company.id).where(keyword_condition(Company.search_text, self.q))),
                )
            )
        return conditions

    def describe(self) -> dict[str, str]:
        return {
            "状态": self.status.label if self.status else "",
            "督办等级": self.level.label if self.level else "",
            "仅超期": "是" if self.overdue else "",
            "关键词": self.q,
            "对象": {"project": "项目问题", "company": "企业诉求"}.get(self.subject or "", ""),
            "上报日期": _range(self.raised_from, self.raised_to),
            "销号日期": _range(self.closed_from, self.closed_to),
        }


def _range(start: dt.date | None, end: dt.date | None) -> str:
    if not start and not end:
        return ""
    return f"{start.isoformat() if start else ''}～{end.isoformat() if end else ''}"


def _order(level: sa.ColumnElement[int]) -> list[Any]:
    return [
        (Problem.status == ProblemStatus.CLOSED),
        level.desc(),
        Problem.deadline.is_(None),
        Problem.deadline,
        Problem.raised_on.desc(),
        Problem.id.desc(),
    ]


def ledger_statement(conditions: list[sa.ColumnElement[bool]], today: dt.date) -> sa.Select:
    level = escalation_expression(today)
    return (
        sa.select(Problem, level.label("level"))
        .outerjoin(Project, Project.id == Problem.project_id)
        .outerjoin(Company, Company.id == Problem.company_id)
        .options(
            orm.contains_eager(Problem.project),
            orm.contains_eager(Problem.company),
            orm.joinedload(Problem.category),
            orm.joinedload(Problem.responsible_department),
            orm.joinedload(Problem.raised_by),
        )
        .where(*conditions)
        .order_by(*_order(level))
    )


def ledger_page(conditions: list[sa.ColumnElement[bool]], today: dt.date, page: int, per_page: int, total: int) -> Page:
    """One page of the ledger (`total` from the summary): the ids of the
    page sorted over the problem table alone, then those rows with their
    project, category, department and reporter — sorting 50,000 joined
    rows to keep 20 costs ten times more."""
    level = escalation_expression(today)
    ids = db.session.scalars(
        sa.select(Problem.id).where(*conditions).order_by(*_order(level)).limit(per_page).offset((page - 1) * per_page)
    ).all()
    rows = db.session.execute(ledger_statement([Problem.id.in_(ids)], today)).unique().all() if ids else []
    return Page(items=list(rows), page=page, per_page=per_page, total=total)


@dataclass
class LedgerSummary:
    by_status: dict[ProblemStatus, int]
    by_level: dict[Escalation, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def overdue(self) -> int:
        return sum(n for level, n in self.by_level.items() if level is not Escalation.NONE)


def ledger_summary(conditions: list[sa.ColumnElement[bool]], today: dt.date) -> LedgerSummary:
    """Counts by status and escalation level under `conditions` (one query)."""
    level = escalation_expression(today)
    rows = db.session.execute(
        sa.select(Problem.status, level.label("level"), sa.func.count(Problem.id))
        .where(*conditions)
        .group_by(Problem.status, level)
    ).all()
    by_status: dict[ProblemStatus, int] = {}
    by_level: dict[Escalation, int] = {}
    for status, lvl, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        by_level[Escalation(int(lvl))] = by_level.get(Escalation(int(lvl)), 0) + count
    return LedgerSummary(by_status, by_level)
