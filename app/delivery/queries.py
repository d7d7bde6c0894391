"""The monthly-report list (投资月报): for a month M, the projects on year
M.year's key-project list the viewer may see, each with its report for M (or
none yet), the year-to-date through M, the completion rate and the gap to
the schedule — one page, its count and the status counts in three queries.

Query parameters: `month` (YYYY-MM; default the month due by today),
`status` (missing 未报 / submitted 待审核 / reviewed 已审核), `level`,
`kind_id`, `department_id`, `leader_id`, `q`; bad values are ignored and
said so (Params)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from app import clock
from app.db import db
from app.delivery.schedule import deadline_of, due_month, rate, scheduled_amount
from app.models import (
    AnnualPlan,
    Company,
    Department,
    InvestmentReport,
    PlanMonth,
    Project,
    ProjectLevel,
    RefItem,
    ReportStatus,
    User,
)
from app.pagination import Page
from app.params import Params
from app.permissions import project_filter
from app.search import keyword_condition

STATUSES = {"missing": _l("未报"), "submitted": _l("待审核"), "reviewed": _l("已审核")}
# 省 → 市 → 区重点 → 未定级, as the lists and ledgers are read.
LEVEL_RANK = sa.case(
    (Project.level == ProjectLevel.PROVINCE, 0),
    (Project.level == ProjectLevel.CITY, 1),
    (Project.level == ProjectLevel.DISTRICT, 2),
    else_=3,
)


@dataclass
class MonthFilters:
    month: dt.date
    status: str | None = None
    level: ProjectLevel | None = None
    kind_id: int | None = None
    department_id: int | None = None
    leader_id: int | None = None
    q: str = ""

    @classmethod
    def read(cls, params: Params) -> MonthFilters:
        month = params.month("month", _("月份"))
        today = clock.today()
        if month is not None and month > today.replace(day=1):
            params.refuse("month", _("月份「%(month)s」晚于本月，已忽略。", month=month.strftime("%Y-%m")))
            month = None
        return cls(
            month=month or due_month(today),
            status=params.choice("status", _("月报状态"), STATUSES),
            level=params.enum("level", _("项目级别"), ProjectLevel),
            kind_id=params.id("kind_id", _("项目类型")),
            department_id=params.id("department_id", _("牵头部门")),
            leader_id=params.id("leader_id", _("责任领导")),
            q=params.text("q", 50),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "month": self.month.strftime("%Y-%m"),
            "status": self.status,
            "level": self.level.value if self.level else None,
            "kind_id": self.kind_id,
            "department_id": self.department_id,
            "leader_id": self.leader_id,
            "q": self.q or None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def shown(self) -> dict[str, str]:
        """The filters in words (an export's title row)."""
        names = {
            _("项目级别"): self.level.label if self.level else "",
            _("项目类型"): _name(RefItem, self.kind_id),
            _("牵头部门"): _name(Department, self.department_id),
            _("责任领导"): _name(User, self.leader_id),
            _("月报状态"): str(STATUSES[self.status]) if self.status else "",
            _("关键词"): self.q,
        }
        return {label: value for label, value in names.items() if value}

    def conditions(self, user: User) -> list[sa.ColumnElement[bool]]:
        """Everything but the status: the year's list, in scope, filtered."""
        conditions: list[sa.ColumnElement[bool]] = [
            AnnualPlan.year == self.month.year,
            Project.archived_at.is_(None),
            project_filter(user),
        ]
        if self.level is not None:
            conditions.append(Project.level == self.level)
        if self.kind_id:
            conditions.append(Project.kind_id == self.kind_id)
        if self.department_id:
            conditions.append(Project.lead_department_id == self.department_id)
        if self.leader_id:
            conditions.append(Project.responsible_leader_id == self.leader_id)
        if self.q:
            company_match = (
                sa.select(Company.id)
                .where(Company.id == Project.company_id, keyword_condition(Company.search_text, self.q))
                .exists()
            )
            conditions.append(sa.or_(keyword_condition(Project.search_text, self.q), company_match))
        return conditions


def _name(model: Any, ident: int | None) -> str:
    record = db.session.get(model, ident) if ident else None
    return record.name if record is not None else ""


def report_join(month: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(InvestmentReport.project_id == Project.id, InvestmentReport.month == month)


def status_condition(status: str | None) -> sa.ColumnElement[bool] | None:
    if status == "missing":
        return InvestmentReport.id.is_(None)
    if status in ("submitted", "reviewed"):
        return InvestmentReport.status == ReportStatus(status)
    return None


def status_counts(filters: MonthFilters, user: User) -> dict[str, int]:
    """{'all', 'missing', 'submitted', 'reviewed': n} under the other filters."""
    key = sa.case((InvestmentReport.id.is_(None), "missing"), else_=InvestmentReport.status)
    stmt = (
        sa.select(key.label("key"), sa.func.count())
        .select_from(AnnualPlan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .outerjoin(InvestmentReport, report_join(filters.month))
        .where(*filters.conditions(user))
        .group_by(key)
    )
    counts = dict.fromkeys(("missing", "submitted", "reviewed"), 0)
    for row_key, n in db.session.execute(stmt):
        counts[row_key.value if isinstance(row_key, ReportStatus) else str(row_key)] = n
    counts["all"] = sum(counts.values())
    return counts


@dataclass
class MonthRow:
    project: Project
    plan: AnnualPlan
    report: InvestmentReport | None
    year_to_date: Decimal
    scheduled: Decimal
    month: dt.date
    deadline: dt.date

    @property
    def rate(self) -> Decimal | None:
        return rate(self.year_to_date, self.plan.planned_investment)

    @property
    def schedule_rate(self) -> Decimal | None:
        return rate(self.scheduled, self.plan.planned_investment)

    @property
    def behind(self) -> Decimal | None:
        if self.rate is None or self.schedule_rate is None:
            return None
        return self.schedule_rate - self.rate

    @property
    def status_label(self) -> str:
        return self.report.status.label if self.report else str(STATUSES["missing"])


@dataclass
class MonthPage:
    filters: MonthFilters
    page: Page
    rows: list[MonthRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# The order of the year's lists (月报 and 年度计划): province, city, district, then by department.
LIST_ORDER = (LEVEL_RANK, Project.lead_department_id, Project.name, Project.id)


def _keys_statement(filters: MonthFilters, user: User) -> sa.Select:
    """The plans of the list, in its order, over the plan, project and
    report tables alone (a deferred join: `_rows_statement` reads the page's
    rows with their sums and joins, not every row of the year)."""
    stmt = (
        sa.select(AnnualPlan.id)
        .select_from(AnnualPlan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .where(*filters.conditions(user))
        .order_by(*LIST_ORDER)
    )
    condition = status_condition(filters.status)
    if condition is not None:
        stmt = stmt.outerjoin(InvestmentReport, report_join(filters.month)).where(condition)
    return stmt


def _rows_statement(filters: MonthFilters, plan_ids: sa.ScalarSelect) -> sa.Select:
    first = dt.date(filters.month.year, 1, 1)
    ytd = (
        sa.select(sa.func.coalesce(sa.func.sum(InvestmentReport.completed), 0))
        .where(InvestmentReport.project_id == Project.id, InvestmentReport.month.between(first, filters.month))
        .correlate(Project)
        .scalar_subquery()
    )
    phased = (
        sa.select(PlanMonth.cumulative)
        .where(PlanMonth.plan_id == AnnualPlan.id, PlanMonth.month == filters.month.month)
        .correlate(AnnualPlan)
        .scalar_subquery()
    )
    return (
        sa.select(Project, AnnualPlan, InvestmentReport, ytd.label("ytd"), phased.label("phased"))
        .select_from(AnnualPlan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .outerjoin(InvestmentReport, report_join(filters.month))
        .where(AnnualPlan.id.in_(plan_ids))
        .options(
            orm.joinedload(Project.lead_department),
            orm.joinedload(Project.responsible_leader),
            orm.joinedload(Project.kind),
        )
        .order_by(*LIST_ORDER)
    )


def month_page(filters: MonthFilters, user: User, page: int, per_page: int) -> MonthPage:
    counts = status_counts(filters, user)
    total = counts["all"] if filters.status is None else counts[filters.status]
    page_ids = _keys_statement(filters, user).limit(per_page).offset((page - 1) * per_page).scalar_subquery()
    result = db.session.execute(_rows_statement(filters, page_ids)).all()
    deadline = deadline_of(filters.month)
    rows = [
        MonthRow(
            project=project,
            plan=plan,
            report=report,
            year_to_date=Decimal(ytd or 0),
            scheduled=scheduled_amount(
                plan.planned_investment, filters.month.month, None if phased is None else {filters.month.month: phased}
            ),
            month=filters.month,
            deadline=deadline,
        )
        for project, plan, report, ytd, phased in result
    ]
    return MonthPage(filters, Page(items=rows, page=page, per_page=per_page, total=total), rows, counts)
