"""The approval ledger as a file (联审联批事项台账): the ledger's rows under its
filters (`queries.ApprovalFilters`), read 500 at a time, in the columns
offices keep — 序号, 项目名称, 审批事项, 审批部门, 计划完成时间, 申报时间, 办结时间,
办理状态, 逾期天数, 备注 (督办等级, the reason of 无需办理, notes) — with a 合计
row counting the items, those 已办结 and those overdue. A filter that
cannot be read refuses the export with 400 naming it (the view)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from flask import Response
from flask_babel import gettext as _

from app import clock, xlsx
from app.approvals.queries import ApprovalFilters, ledger_conditions, ledger_statement
from app.db import db
from app.escalation import Escalation
from app.models import ApprovalItem, ApprovalStatus, User

EXPORT_BATCH = 500


def ledger_title() -> str:
    return _("联审联批事项台账")


def ledger_headers() -> list[str]:
    return [
        _("序号"),
        _("项目名称"),
        _("审批事项"),
        _("审批部门"),
        _("计划完成时间"),
        _("申报时间"),
        _("办结时间"),
        _("办理状态"),
        _("逾期天数"),
        _("备注"),
    ]


def _remarks(item: ApprovalItem, level: Escalation) -> str:
    parts = []
    if level is not Escalation.NONE:
        parts.append(level.label)
    if item.status is ApprovalStatus.NOT_NEEDED and item.not_needed_reason:
        parts.append(item.not_needed_reason)
    if item.notes:
        parts.append(item.notes)
    return "；".join(parts)


def ledger_rows(filters: ApprovalFilters, user: User, today: dt.date) -> Iterator[list[Any]]:
    """The rows in the order of `ledger_headers`, then 合计."""
    stmt = ledger_statement(ledger_conditions(filters, user, today), today)
    number = approved = overdue = 0
    offset = 0
    while True:
        batch = db.session.execute(stmt.limit(EXPORT_BATCH).offset(offset)).unique().all()
        if not batch:
            break
        for item, raw_level in batch:
            level = Escalation(int(raw_level or 0))
            days = (today - item.due_on).days if level is not Escalation.NONE else 0
            number += 1
            approved += item.status is ApprovalStatus.APPROVED
            overdue += bool(days)
            yield [
                number,
                item.project.name,
                item.type.name if item.type else "",
                item.department.name if item.department else "",
                item.due_on,
                item.submitted_on,
                item.approved_on,
                item.status.label,
                days or "",
                _remarks(item, level),
            ]
        offset += EXPORT_BATCH
    yield [
        _("合计"),
        _("共 %(n)d 项", n=number),
        "",
        "",
        "",
        "",
        "",
        _("已办结 %(n)d 项", n=approved),
        _("逾期 %(n)d 项", n=overdue),
        "",
    ]


def ledger_export(filters: ApprovalFilters, user: User) -> Response:
    """联审联批事项台账-YYYY-MM-DD.xlsx: the items `user` may see under `filters`."""
    today = clock.today()
    caption = xlsx.export_caption(ledger_title(), filters.shown())
    return xlsx.xlsx_response(
        f"联审联批事项台账-{today.isoformat()}.xlsx",
        _("台账"),
        ledger_headers(),
        ledger_rows(filters, user, today),
        caption=caption,
        totals=False,
    )
