"""What makes a leader's instruction (批示) owed and overdue, as SQL for the
light, the desk and the home page, and in Python for one loaded instruction:

- *owed*: the team still owes its 反馈 — 待签收 or 办理中;
- *overdue*: owed and past its 办理时限 (`due_on`); an instruction without a
  时限 (issued before they had one) is never overdue;
- *the light*: an overdue instruction turns its key project yellow, and red
  once it is more than LIGHT_RED_INSTRUCTION_DAYS days overdue (default 7).

Reads only models and the core, so the light can use it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from app.models import Instruction, InstructionStatus, Project

OWED_STATUSES = (InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED)


def red_days() -> int:
    return int(current_app.config.get("LIGHT_RED_INSTRUCTION_DAYS", 7))


def owed_condition() -> sa.ColumnElement[bool]:
    return Instruction.status.in_(OWED_STATUSES)


def overdue_condition(today: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(owed_condition(), Instruction.due_on.is_not(None), Instruction.due_on < today)


def days_overdue(instruction: Instruction, today: dt.date) -> int:
    if instruction.status not in OWED_STATUSES or instruction.due_on is None:
        return 0
    return max(0, (today - instruction.due_on).days)


def _projects_with(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    return Project.id.in_(sa.select(Instruction.project_id).where(condition))


def red_condition(today: dt.date) -> sa.ColumnElement[bool]:
    limit = today - dt.timedelta(days=red_days())
    return _projects_with(sa.and_(owed_condition(), Instruction.due_on.is_not(None), Instruction.due_on < limit))


def yellow_condition(today: dt.date) -> sa.ColumnElement[bool]:
    return _projects_with(overdue_condition(today))


def light_columns(today: dt.date) -> list[sa.ColumnElement]:
    """Correlated columns over `Project` for the light's facts statement: the
    earliest 时限 of its overdue instructions and how many there are."""

    def over(aggregate: sa.ColumnElement) -> sa.ScalarSelect:
        return (
            sa.select(aggregate)
            .where(Instruction.project_id == Project.id, overdue_condition(today))
            .correlate(Project)
            .scalar_subquery()
        )

    return [
        over(sa.func.min(Instruction.due_on)).label("instruction_late_due"),
        over(sa.func.count(Instruction.id)).label("instruction_late_count"),
    ]


def light_reasons(row: sa.Row, today: dt.date) -> tuple[list[str], list[str]]:
    """(red, yellow) reasons from the columns of `light_columns`."""
    from flask_babel import gettext as _

    if row.instruction_late_due is None:
        return [], []
    days = (today - row.instruction_late_due).days
    text = _("领导批示逾期 %(days)d 天未反馈", days=days)
    if row.instruction_late_count > 1:
        text += _("（共 %(n)d 条批示逾期）", n=row.instruction_late_count)
    return ([text], []) if days > red_days() else ([], [text])
