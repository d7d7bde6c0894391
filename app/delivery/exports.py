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

Query parameters: the month list's (`app/delivery/queries.MonthFilters`:
`month` YYYY-MM, default the month due; `status`, `level`, `kind_id`,
`department_id`, `leader_id`, `q`). A value that cannot be read, or a month
after this one, refuses the export with 400 naming it (app/params.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _
from sqlalchemy import orm

from app import clock, xlsx
from app.db import db
from app.delivery.queries import LEVEL_RANK, STATUSES, MonthFilters, report_join, status_condition
from app.delivery.schedule import next_month, rate
from app.models import (
    AnnualPlan,
    InvestmentReport,
    Project,
    User,
)


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


def _statement(filters: MonthFilters, user: User) -> sa.Select:
    month = filters.month
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
    stmt = (
        sa.select(Project, AnnualPlan, InvestmentReport, year_to_date.label("ytd"), since_start.label("total"))
        .select_from(AnnualPlan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .outerjoin(InvestmentReport, report_join(month))
        .where(*filters.conditions(user))
        .options(
            orm.joinedload(Project.lead_department),
            orm.joinedload(Project.responsible_leader),
            orm.joinedload(Project.kind),
        )
        .order_by(LEVEL_RANK, Project.name, Project.id)
    )
    condition = status_condition(filters.status)
    return stmt if condition is None else stmt.where(condition)


def ledger_rows(filters: MonthFilters, user: User) -> Iterator[list[Any]]:
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


def ledger_export(filters: MonthFilters, user: User) -> Response:
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
