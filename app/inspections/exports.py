"""The inspection ledger as a file (督查台账): the ledger's rows under its
filters (`queries.InspectionFilters`), read 500 at a time — 序号, 督查日期,
督查方式, 被督查单位, 发现的问题, 督查情况, 整改要求, 责任部门, 整改时限,
状态, 整改情况, 销号日期, 超期天数, 督办等级 — with a 合计 row counting the
inspections, those 已销号 and those overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from flask import Response
from flask_babel import gettext as _

from app import clock, xlsx
from app.db import db
from app.escalation import Escalation
from app.inspections.queries import InspectionFilters, ledger_statement
from app.models import InspectionStatus, User

EXPORT_BATCH = 500


def ledger_headers() -> list[str]:
    return [
        _("序号"),
        _("督查日期"),
        _("督查方式"),
        _("被督查单位"),
        _("发现的问题"),
        _("督查情况"),
        _("整改要求"),
        _("责任部门"),
        _("整改时限"),
        _("状态"),
        _("整改情况"),
        _("销号日期"),
        _("超期天数"),
        _("督办等级"),
    ]


def ledger_rows(filters: InspectionFilters, user: User, today: dt.date) -> Iterator[list[Any]]:
    """The rows in the order of `ledger_headers`, then 合计."""
    stmt = ledger_statement(filters.all_conditions(user, today), today)
    number = closed = overdue = offset = 0
    while True:
        batch = db.session.execute(stmt.limit(EXPORT_BATCH).offset(offset)).unique().all()
        if not batch:
            break
        for inspection, raw_level in batch:
            level = Escalation(int(raw_level or 0))
            days = (today - inspection.deadline).days if level is not Escalation.NONE else 0
            number += 1
            closed += inspection.status is InspectionStatus.CLOSED
            overdue += bool(days)
            unit = inspection.department.name
            if inspection.company is not None:
                unit = f"{unit}（{_('回访')} {inspection.company.name}）"
            yield [
                number,
                inspection.inspected_on,
                inspection.kind.label,
                unit,
                "、".join(item.name for item in inspection.findings),
                inspection.description,
                inspection.requirement,
                inspection.responsible_department.name,
                inspection.deadline,
                inspection.status.label,
                inspection.answer or "",
                inspection.closed_on,
                days or "",
                level.label if level is not Escalation.NONE else "",
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
        "",
        "",
        _("已销号 %(n)d 项", n=closed),
        "",
        "",
        _("超期 %(n)d 项", n=overdue),
        "",
    ]


def ledger_export(filters: InspectionFilters, user: User) -> Response:
    """督查台账-YYYY-MM-DD.xlsx: the inspections `user` may see under `filters`."""
    today = clock.today()
    caption = xlsx.export_caption(_("督查台账"), filters.shown())
    return xlsx.xlsx_response(
        f"督查台账-{today.isoformat()}.xlsx",
        _("台账"),
        ledger_headers(),
        ledger_rows(filters, user, today),
        caption=caption,
        totals=False,
    )
