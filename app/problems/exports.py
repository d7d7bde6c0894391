"""The problem ledger's .xlsx export (问题台账): the ledger's filters and
order, every page, read 500 rows at a time into a printable 台账."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort
from flask_babel import gettext as _

from app import xlsx
from app.db import db
from app.models import User
from app.problems.ledger import ProblemFilters, ledger_statement
from app.problems.rules import Escalation, days_overdue

EXPORT_BATCH = 500


def ledger_export(user: User, filters: ProblemFilters, today: dt.date) -> Response:
    """问题台账-YYYY-MM-DD.xlsx: the problems `user` may see under `filters`
    (a filter that cannot be read refuses the export: 400 naming it)."""
    if filters.errors:
        abort(400, "；".join(filters.errors) + _("请修正筛选条件后再导出。"))
    stmt = ledger_statement(filters.conditions(user, today), today)

    def rows():
        number, offset = 0, 0
        while True:
            batch = db.session.execute(stmt.limit(EXPORT_BATCH).offset(offset)).unique().all()
            if not batch:
                return
            for problem, level in batch:
                number += 1
                yield [
                    number,
                    problem.subject_name,
                    problem.category.name if problem.category else "",
                    problem.description,
                    problem.raised_by.name if problem.raised_by else "",
                    problem.raised_on,
                    problem.responsible_department.name if problem.responsible_department else "",
                    problem.deadline,
                    problem.status.label,
                    Escalation(int(level)).label if level else "",
                    days_overdue(problem, today) or "",
                    problem.resolution or "",
                    problem.resolved_on,
                    _("企业诉求") if problem.project_id is None else _("项目问题"),
                ]
            offset += EXPORT_BATCH

    headers = [
        _("序号"),
        _("项目/企业"),
        _("问题类别"),
        _("问题描述"),
        _("上报人"),
        _("上报日期"),
        _("责任部门"),
        _("办理时限"),
        _("状态"),
        _("督办等级"),
        _("超期天数"),
        _("办理结果"),
        _("销号日期"),
        _("对象"),
    ]
    caption = xlsx.export_caption(_("问题台账"), filters.describe())
    return xlsx.xlsx_response(f"问题台账-{today.isoformat()}.xlsx", _("问题台账"), headers, rows(), caption=caption)
