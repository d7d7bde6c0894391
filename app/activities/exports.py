"""The activity ledger as a file (招商活动台账): the list's rows under its
filters (`queries.ActivityFilters`), read 500 at a time, with what each
activity produced (`outcomes.outcomes_for`, per batch) and a 合计 row summing
every number — days, companies, visits, leads, projects discussed, signed
and the amounts. A filter that cannot be read refuses the export with 400
naming it (the view)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask import Response
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app import clock, xlsx
from app.activities.outcomes import outcomes_for
from app.activities.queries import ActivityFilters, list_statement
from app.db import db
from app.models import Activity, User

EXPORT_BATCH = 500
# Columns holding numbers the 合计 row sums (0-based, in `headers()` order).
SUMMED = range(10, 18)


def title() -> str:
    return _("招商活动台账")


def headers() -> list[str]:
    return [
        _("序号"),
        _("开始日期"),
        _("结束日期"),
        _("活动类型"),
        _("活动名称"),
        _("外出"),
        _("前往地区"),
        _("带队领导"),
        _("参加人员"),
        _("组织部门"),
        _("天数"),
        _("考察/对接企业"),
        _("对接走访"),
        _("收集线索"),
        _("对接洽谈项目"),
        _("签约项目"),
        _("签约金额（万元）"),
        _("经费（万元）"),
        _("活动成果"),
    ]


def rows(filters: ActivityFilters, user: User) -> Iterator[list[Any]]:
    """The rows in the order of `headers()`, then 合计."""
    stmt = list_statement(filters.conditions(user)).options(selectinload(Activity.participants))
    totals: list[Any] = [0] * len(headers())
    number = 0
    offset = 0
    while True:
        batch = list(db.session.scalars(stmt.limit(EXPORT_BATCH).offset(offset)).unique())
        if not batch:
            break
        outcomes = outcomes_for([a.id for a in batch])
        for activity in batch:
            number += 1
            outcome = outcomes[activity.id]
            row = [
                number,
                activity.start_on,
                activity.end_on,
                activity.kind.name,
                activity.title,
                _("是") if activity.away else _("否"),
                "、".join(activity.region_names),
                "、".join(u.name for u in activity.leaders),
                "、".join(u.name for u in activity.participants),
                activity.department.name,
                activity.days,
                outcome.companies,
                outcome.visits,
                outcome.leads,
                outcome.discussed,
                outcome.signed,
                outcome.signed_amount,
                activity.budget,
                activity.summary or "",
            ]
            for index in SUMMED:
                totals[index] += row[index] or 0
            yield row
        offset += EXPORT_BATCH
    total_row: list[Any] = [_("合计"), _("共 %(n)d 次", n=number)] + [""] * (len(headers()) - 2)
    for index in SUMMED:
        total_row[index] = totals[index] if isinstance(totals[index], Decimal) else int(totals[index])
    yield total_row


def ledger_export(filters: ActivityFilters, user: User) -> Response:
    """招商活动台账-YYYY-MM-DD.xlsx: the activities `user` may see under `filters`."""
    today = clock.today()
    return xlsx.xlsx_response(
        f"招商活动台账-{today.isoformat()}.xlsx",
        _("台账"),
        headers(),
        rows(filters, user),
        caption=xlsx.export_caption(title(), filters.shown()),
        totals=False,
    )
