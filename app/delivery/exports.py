"""The monthly investment ledger export (投资月报台账): for month M of year Y,
the projects on Y's key-project list the viewer may see (`project_filter`),
not archived, under the list's filters — in the shape offices keep and the
monthly import reads back (`app/imports/investments.py`): the title
「Y年1-M月重点项目投资完成情况」 with 填报单位 and 截至 (M's last day), then
序号, 项目名称, 项目级别, 项目类型, 牵头部门, 责任领导, 年度计划投资, 本月完成投资,
1-M月累计完成投资, 完成率, 开工以来累计, 形象进度, 月报状态, and a 合计 row.

A month not reported (未报) leaves 本月, 累计 and 完成率 blank, so the file
read back files nothing for it; 开工以来累计 counts the months reported
through M.

Query parameters: `year` and `month` (1–12; both, or neither for the month
due by today), `status` (missing 未报 / submitted 待审核 / reviewed 已审核),
`level`, `kind_id`, `department_id`, `leader_id`, `q`. A value that cannot be
read refuses the export with 400 naming it (app/params.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from app import clock, xlsx
from app.db import db
from app.delivery.schedule import due_month, next_month, rate
from app.models import (
    AnnualPlan,
    Company,
    Department,
    InvestmentReport,
    Project,
    ProjectLevel,
    RefItem,
    ReportStatus,
    User,
)
from app.params import Params
from app.permissions import project_filter
from app.search import keyword_condition

STATUSES = {"missing": _l("未报"), "submitted": _l("待审核"), "reviewed": _l("已审核")}
LEVEL_ORDER = {ProjectLevel.PROVINCE: 0, ProjectLevel.CITY: 1, ProjectLevel.DISTRICT: 2}


@dataclass
class LedgerFilters:
    month: dt.date
    status: str | None = None
    level: ProjectLevel | None = None
    kind_id: int | None = None
    department_id: int | None = None
    leader_id: int | None = None
    q: str = ""

    @classmethod
    def read(cls, params: Params) -> LedgerFilters:
        """The filters; bad values are recorded on `params` (the export
        then refuses with `params.refuse_errors()`)."""
        today = clock.today()
        year = params.year("year", _("年度"))
        number = params.int("month", _("月份"), 1, 12)
        month = due_month(today)
        if bool(params.raw("year")) != bool(params.raw("month")):
            params.refuse("month", _("请同时指定年度（year）和月份（month）。"))
        elif year is not None and number is not None:
            month = dt.date(year, number, 1)
            if month > today.replace(day=1):
                params.refuse("month", _("%(y)d年%(m)d月晚于本月，没有月报可导出。", y=year, m=number))
        return cls(
            month=month,
            status=params.choice("status", _("月报状态"), STATUSES),
            level=params.enum("level", _("项目级别"), ProjectLevel),
            kind_id=params.id("kind_id", _("项目类型")),
            department_id=params.id("department_id", _("牵头部门")),
            leader_id=params.id("leader_id", _("责任领导")),
            q=params.text("q", 50),
        )

    def conditions(self, user: User, report: Any) -> list[sa.ColumnElement[bool]]:
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
        if self.status == "missing":
            conditions.append(report.id.is_(None))
        elif self.status in ("submitted", "reviewed"):
            conditions.append(report.status == ReportStatus(self.status))
        return conditions

    def shown(self) -> dict[str, str]:
        """The filters in words, for the title row."""
        names = {
            _("项目级别"): self.level.label if self.level else "",
            _("项目类型"): _name(RefItem, self.kind_id),
            _("牵头部门"): _name(Department, self.department_id),
            _("责任领导"): _name(User, self.leader_id),
            _("月报状态"): str(STATUSES[self.status]) if self.status else "",
            _("关键词"): self.q,
        }
        return {label: value for label, value in names.items() if value}


def _name(model: Any, ident: int | None) -> str:
    record = db.session.get(model, ident) if ident else None
    return record.name if record is not None else ""


def ledger_title(month: dt.date) -> str:
    if month.month == 1:
        return _("%(y)d年1月重点项目投资完成情况", y=month.year)
    return _("%(y)d年1-%(m)d月重点项目投资完成情况", y=month.year, m=month.month)


def ledger_headers(month: dt.date) -> list[str]:
    return [
        _("序号"),
        _("项目名称"),
        _("项目级别"),
        _("项目类型"),
        _("牵头部门"),
        _("责任领导"),
        _("年度计划投资（万元）"),
        _("本月完成投资（万元）"),
        _("1-%(m)d月累计完成投资（万元）", m=month.month),
        _("完成率"),
        _("开工以来累计（万元）"),
        _("形象进度"),
        _("月报状态"),
    ]


def _statement(filters: LedgerFilters, user: User) -> sa.Select:
    month = filters.month
    report = orm.aliased(InvestmentReport)
    earlier = orm.aliased(InvestmentReport)
    year_to_date = (
        sa.select(sa.func.coalesce(sa.func.sum(earlier.completed), 0))
        .where(earlier.project_id == Project.id, earlier.month.between(dt.date(month.year, 1, 1), month))
        .correlate(Project)
        .scalar_subquery()
    )
    since_start = (
        sa.select(sa.func.coalesce(sa.func.sum(earlier.completed), 0))
        .where(earlier.project_id == Project.id, earlier.month <= month)
        .correlate(Project)
        .scalar_subquery()
    )
    level_order = sa.case(
        *((Project.level == level, order) for level, order in LEVEL_ORDER.items()), else_=len(LEVEL_ORDER)
    )
    return (
        sa.select(Project, AnnualPlan, report, year_to_date.label("ytd"), since_start.label("total"))
        .select_from(AnnualPlan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .outerjoin(report, sa.and_(report.project_id == Project.id, report.month == month))
        .where(*filters.conditions(user, report))
        .options(
            orm.joinedload(Project.lead_department),
            orm.joinedload(Project.responsible_leader),
            orm.joinedload(Project.kind),
        )
        .order_by(level_order, Project.name, Project.id)
    )


def ledger_rows(filters: LedgerFilters, user: User) -> Iterator[list[Any]]:
    """The ledger's rows, in the order of `ledger_headers` (one query)."""
    result = db.session.execute(_statement(filters, user)).all()
    for number, (project, plan, report, ytd, total) in enumerate(result, start=1):
        year_to_date = Decimal(ytd or 0)
        completion = rate(year_to_date, plan.planned_investment) if report is not None else None
        yield [
            number,
            project.name,
            project.level.label if project.level else "",
            project.kind.name if project.kind else "",
            project.lead_department.name if project.lead_department else "",
            project.responsible_leader.display if project.responsible_leader else "",
            plan.planned_investment,
            report.completed if report is not None else None,
            year_to_date if report is not None else None,
            f"{completion}%" if completion is not None else "",
            Decimal(total or 0),
            (report.progress or "") if report is not None else "",
            report.status.label if report is not None else str(STATUSES["missing"]),
        ]


def ledger_export(filters: LedgerFilters, user: User) -> Response:
    """重点项目投资月报-YYYY-MM.xlsx: the month's ledger of what `user` may see."""
    month = filters.month
    as_of = min(next_month(month) - dt.timedelta(days=1), clock.today())
    caption = xlsx.export_caption(ledger_title(month), filters.shown(), as_of=as_of) + "｜单位：万元"
    return xlsx.xlsx_response(
        f"重点项目投资月报-{month.year}-{month.month:02d}.xlsx",
        _("%(m)d月", m=month.month),
        ledger_headers(month),
        ledger_rows(filters, user),
        caption=caption,
    )
