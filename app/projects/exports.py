"""The project library's .xlsx export: the list's filters and order, every
page, read 500 rows at a time into a printable 台账."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _

from app import xlsx
from app.db import db
from app.models import STAGE_LIBRARY, Project, User
from app.projects.desk import ServiceSheet
from app.projects.queries import ProjectFilters, list_statement, rows_from

EXPORT_BATCH = 500


def project_export(user: User, filters: ProjectFilters, today: dt.date) -> Response:
    """项目库台账-YYYY-MM-DD.xlsx: the projects `user` may see under `filters`."""
    stages = filters.stages()
    conditions = [*filters.conditions(user, today), Project.stage.in_(stages) if stages else sa.false()]
    stmt = list_statement(conditions, filters.sort, today)

    def rows():
        number = 0
        offset = 0
        while True:
            batch = db.session.execute(stmt.limit(EXPORT_BATCH).offset(offset)).unique().all()
            if not batch:
                return
            for row in rows_from(list(batch), today):
                number += 1
                p = row.project
                library = STAGE_LIBRARY.get(p.stage)
                yield [
                    number,
                    p.name,
                    p.company.name if p.company else "",
                    p.industry.name if p.industry else "",
                    p.level.label if p.level else "",
                    p.kind.name if p.kind else "",
                    p.planned_investment,
                    p.stage.label,
                    library.label if library else "",
                    p.lead_department.name if p.lead_department else "",
                    p.responsible_leader.display if p.responsible_leader else "",
                    _("是") if p.is_key else _("否"),
                    row.light.light.label if row.light.light else "",
                    row.light.reason,
                    (_("完整") if row.five_ones_complete else "缺" + "、".join(row.five_ones_missing))
                    if p.is_key
                    else "",
                    row.days_in_stage,
                    p.last_progress_on,
                    p.location or "",
                ]
            offset += EXPORT_BATCH

    headers = [
        _("序号"),
        _("项目名称"),
        _("投资方"),
        _("产业类别"),
        _("项目级别"),
        _("项目类型"),
        _("计划总投资（万元）"),
        _("项目阶段"),
        _("所属库"),
        _("牵头部门"),
        _("责任领导"),
        _("是否重点项目"),
        _("状态灯"),
        _("灯号原因"),
        _("五个一"),
        _("本阶段天数"),
        _("最近推进"),
        _("项目地点"),
    ]
    caption = xlsx.export_caption(
        _("项目库台账"),
        {
            _("库"): filters.library.label if filters.library else "",
            _("阶段"): filters.stage.label if filters.stage else "",
            _("重点项目"): _("是") if filters.key else "",
            _("状态灯"): filters.light.label if filters.light else "",
            _("关键词"): filters.q,
        },
    )
    return xlsx.xlsx_response(f"项目库台账-{today.isoformat()}.xlsx", _("项目库"), headers, rows(), caption=caption)


def service_day_export(sheet: ServiceSheet) -> Response:
    """项目服务日-YYYY-MM-DD.xlsx: the week's sheet, leader by leader."""

    def rows():
        for group in sheet.groups:
            leader = group.leader.display if group.leader else _("未明确责任领导")
            for row in group.rows:
                p = row.project
                updates = "\n".join(
                    f"{u.happened_on.isoformat()} {u.author.name if u.author else ''}：{u.text}" for u in row.updates
                )
                yield [
                    leader,
                    p.name,
                    p.stage.label,
                    p.lead_department.name if p.lead_department else "",
                    row.light.light.label if row.light.light else "",
                    row.light.reason,
                    updates or _("本周无推进记录"),
                    (
                        f"{row.next_milestone.name}（{row.next_milestone.due_on.isoformat()}）"
                        if row.next_milestone
                        else ""
                    ),
                    row.open_problems,
                    row.unacknowledged,
                ]

    headers = [
        _("责任领导"),
        _("项目名称"),
        _("阶段"),
        _("牵头部门"),
        _("状态灯"),
        _("灯号原因"),
        _("本周推进情况"),
        _("下一节点"),
        _("未销号问题"),
        _("待签收批示"),
    ]
    caption = xlsx.export_caption(
        _("项目服务日工作表（%(a)s 至 %(b)s）", a=sheet.start.isoformat(), b=sheet.end.isoformat())
    )
    return xlsx.xlsx_response(
        f"项目服务日-{sheet.start.isoformat()}.xlsx", _("项目服务日"), headers, rows(), caption=caption
    )
