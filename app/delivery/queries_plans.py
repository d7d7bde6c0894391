"""The year's key-project list (年度重点项目计划) as a page: every project
with a plan for the year the viewer may see, with its planned investment,
the year's completed investment so far (maintained on the plan), the rate,
the planned dates and whether they were met; and the year's totals.

Query parameters: `year` (default this year), `level`, `kind_id`,
`department_id`, `q`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from app import clock
from app.db import db
from app.delivery.plans import phasing_of
from app.delivery.queries import LIST_ORDER
from app.delivery.schedule import due_month, rate, scheduled_amount
from app.models import AnnualPlan, Company, Project, ProjectLevel, User
from app.pagination import Page
from app.params import Params
from app.permissions import project_filter
from app.search import keyword_condition


@dataclass
class PlanFilters:
    year: int
    level: ProjectLevel | None = None
    kind_id: int | None = None
    department_id: int | None = None
    q: str = ""

    @classmethod
    def read(cls, params: Params) -> PlanFilters:
        today = clock.today()
        year = params.int("year", _("年度"), 2000, today.year + 1)
        return cls(
            year=year or today.year,
            level=params.enum("level", _("项目级别"), ProjectLevel),
            kind_id=params.id("kind_id", _("项目类型")),
            department_id=params.id("department_id", _("牵头部门")),
            q=params.text("q", 50),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "year": self.year,
            "level": self.level.value if self.level else None,
            "kind_id": self.kind_id,
            "department_id": self.department_id,
            "q": self.q or None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def conditions(self, user: User) -> list[sa.ColumnElement[bool]]:
        conditions: list[sa.ColumnElement[bool]] = [
            AnnualPlan.year == self.year,
            Project.archived_at.is_(None),
            project_filter(user),
        ]
        if self.level is not None:
            conditions.append(Project.level == self.level)
        if self.kind_id:
            conditions.append(Project.kind_id == self.kind_id)
        if self.department_id:
            conditions.append(Project.lead_department_id == self.department_id)
        if self.q:
            company_match = (
                sa.select(Company.id)
                .where(Company.id == Project.company_id, keyword_condition(Company.search_text, self.q))
                .exists()
            )
            conditions.append(sa.or_(keyword_condition(Project.search_text, self.q), company_match))
        return conditions


@dataclass
class PlanRow:
    project: Project
    plan: AnnualPlan
    schedule_month: int | None

    @property
    def rate(self) -> Decimal | None:
        return rate(self.plan.completed, self.plan.planned_investment)

    @property
    def behind(self) -> Decimal | None:
        """Percentage points behind the schedule at the due month (None: not measured yet)."""
        if self.schedule_month is None or self.rate is None:
            return None
        scheduled = scheduled_amount(self.plan.planned_investment, self.schedule_month, phasing_of(self.plan))
        return (rate(scheduled, self.plan.planned_investment) or Decimal(0)) - self.rate


def _schedule_month(year: int) -> int | None:
    due = due_month(clock.today())
    if due.year > year:
        return 12
    return due.month if due.year == year else None


def plan_page(filters: PlanFilters, user: User, page: int, per_page: int, total: int) -> Page:
    """One page of the plans (`total` from `year_totals`, over the same
    conditions): the page's plans sorted over the plan and project tables
    alone, then only those rows joined and loaded (a deferred join)."""
    page_ids = (
        sa.select(AnnualPlan.id)
        .select_from(AnnualPlan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .where(*filters.conditions(user))
        .order_by(*LIST_ORDER)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .scalar_subquery()
    )
    stmt = (
        sa.select(Project, AnnualPlan)
        .select_from(AnnualPlan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .where(AnnualPlan.id.in_(page_ids))
        .options(
            orm.joinedload(Project.lead_department),
            orm.joinedload(Project.responsible_leader),
            orm.joinedload(Project.kind),
            orm.selectinload(AnnualPlan.months),
        )
        .order_by(*LIST_ORDER)
    )
    month = _schedule_month(filters.year)
    rows = [PlanRow(project, plan, month) for project, plan in db.session.execute(stmt).unique()]
    return Page(items=rows, page=page, per_page=per_page, total=total)


@dataclass
class YearTotals:
    projects: int
    planned: Decimal
    completed: Decimal
    started: int
    producing: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.completed, self.planned)


def year_totals(filters: PlanFilters, user: User) -> YearTotals:
    """The list's totals; 开工/投产 count projects that reached the stage in the year."""
    first, last = dt.date(filters.year, 1, 1), dt.date(filters.year, 12, 31)
    row = db.session.execute(
        sa.select(
            sa.func.count(AnnualPlan.id),
            sa.func.coalesce(sa.func.sum(AnnualPlan.planned_investment), 0),
            sa.func.coalesce(sa.func.sum(AnnualPlan.completed), 0),
            sa.func.count(sa.case((Project.construction_on.between(first, last), 1))),
            sa.func.count(sa.case((Project.production_on.between(first, last), 1))),
        )
        .select_from(AnnualPlan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .where(*filters.conditions(user))
    ).one()
    return YearTotals(row[0], Decimal(row[1]), Decimal(row[2]), row[3], row[4])
