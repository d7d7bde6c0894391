"""What makes an approval item open, overdue and escalated — the problems'
rule (app/escalation.py): one 督办 level per week past its 计划完成日期 while
still 待申报 or 已申报. SQL conditions for lists, the light, the report and
the home page, and the same rule in Python for one loaded item. Reads only
models and the core, so the light and the project stage guard can use it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.escalation import Escalation, escalation_case, escalation_for_days, level_condition
from app.models import OPEN_APPROVAL_STATUSES, ApprovalItem


def open_condition() -> sa.ColumnElement[bool]:
    """Still to be approved (待申报 / 已申报), not archived."""
    return sa.and_(ApprovalItem.status.in_(OPEN_APPROVAL_STATUSES), ApprovalItem.archived_at.is_(None))


def overdue_condition(today: dt.date) -> sa.ColumnElement[bool]:
    """Open and past its 计划完成日期."""
    return sa.and_(open_condition(), ApprovalItem.due_on < today)


def escalation_expression(today: dt.date) -> sa.ColumnElement[int]:
    return escalation_case(ApprovalItem.due_on, overdue_condition(today), today)


def escalation_condition(level: Escalation, today: dt.date) -> sa.ColumnElement[bool]:
    return level_condition(level, ApprovalItem.due_on, overdue_condition(today), today)


def days_overdue(item: ApprovalItem, today: dt.date) -> int:
    if not item.is_open:
        return 0
    return max(0, (today - item.due_on).days)


def escalation_of(item: ApprovalItem, today: dt.date) -> Escalation:
    return escalation_for_days(days_overdue(item, today))


# --- the status light --------------------------------------------------------------------


def _projects_with(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    from app.models import Project

    return Project.id.in_(sa.select(ApprovalItem.project_id).where(condition))


def red_condition(today: dt.date) -> sa.ColumnElement[bool]:
    """An approval item past its 计划完成日期 turns the project red."""
    return _projects_with(overdue_condition(today))


def yellow_condition(today: dt.date, soon_days: int) -> sa.ColumnElement[bool]:
    """An open item due within `soon_days` turns it yellow."""
    soon = today + dt.timedelta(days=soon_days)
    return _projects_with(sa.and_(open_condition(), ApprovalItem.due_on >= today, ApprovalItem.due_on <= soon))


def light_columns(today: dt.date, soon_days: int) -> list[sa.ColumnElement]:
    """Correlated columns over `Project` for the light's facts statement."""
    from app.models import Project

    soon = today + dt.timedelta(days=soon_days)

    def first(column: sa.ColumnElement, *conditions: sa.ColumnElement[bool]) -> sa.ScalarSelect:
        return (
            sa.select(column)
            .where(ApprovalItem.project_id == Project.id, open_condition(), *conditions)
            .order_by(ApprovalItem.due_on, ApprovalItem.id)
            .limit(1)
            .correlate(Project)
            .scalar_subquery()
        )

    late = (ApprovalItem.due_on < today,)
    coming = (ApprovalItem.due_on >= today, ApprovalItem.due_on <= soon)
    count_late = (
        sa.select(sa.func.count(ApprovalItem.id))
        .where(ApprovalItem.project_id == Project.id, open_condition(), *late)
        .correlate(Project)
        .scalar_subquery()
    )
    return [
        first(ApprovalItem.type_id, *late).label("approval_late_type_id"),
        first(ApprovalItem.due_on, *late).label("approval_late_due"),
        count_late.label("approval_late_count"),
        first(ApprovalItem.type_id, *coming).label("approval_soon_type_id"),
        first(ApprovalItem.due_on, *coming).label("approval_soon_due"),
    ]


def light_reasons(row: sa.Row, today: dt.date) -> tuple[list[str], list[str]]:
    """(red, yellow) reasons from the columns of `light_columns`."""
    from flask_babel import gettext as _

    red: list[str] = []
    yellow: list[str] = []
    if row.approval_late_due is not None:
        text = _(
            "审批『%(name)s』逾期 %(days)d 天", name=row.approval_late_name, days=(today - row.approval_late_due).days
        )
        if row.approval_late_count > 1:
            text += _("（共 %(n)d 项审批逾期）", n=row.approval_late_count)
        red.append(text)
    if row.approval_soon_due is not None:
        days = (row.approval_soon_due - today).days
        if days == 0:
            yellow.append(_("审批『%(name)s』今天到期", name=row.approval_soon_name))
        else:
            yellow.append(_("审批『%(name)s』%(days)d 天后到期", name=row.approval_soon_name, days=days))
    return red, yellow
