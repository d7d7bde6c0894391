"""What makes a problem open, overdue and escalated (DESIGN.md, Problems),
as SQL conditions that lists, the status light, the desk and reports share,
plus the same rules in Python for one loaded problem.

- *open*: not yet 销号 (closed) and not archived;
- *pending*: the responsible department still owes an answer (已交办, 办理中);
- *overdue*: pending and the deadline has passed;
- *escalation*: one level per overdue week — days 1–7 蓝, 8–14 黄,
  15 and more 红 督办.

Dates are compared with bound parameters computed from `today`, never with
SQL date arithmetic, so the same expression runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models import Problem, ProblemStatus

PENDING_STATUSES = (ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS)
WEEK = 7


class Escalation(enum.IntEnum):
    """Escalation level of an overdue problem (督办等级)."""

    NONE = 0
    BLUE = 1
    YELLOW = 2
    RED = 3

    @property
    def label(self) -> str:
        return str(_ESCALATION_LABELS[self])

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str | None) -> Escalation | None:
        for level in cls:
            if level is not cls.NONE and level.key == key:
                return level
        return None


_ESCALATION_LABELS = {
    Escalation.NONE: _l("未超期"),
    Escalation.BLUE: _l("蓝色督办"),
    Escalation.YELLOW: _l("黄色督办"),
    Escalation.RED: _l("红色督办"),
}


def open_condition() -> sa.ColumnElement[bool]:
    """Not closed (未销号) and not archived."""
    return sa.and_(Problem.status != ProblemStatus.CLOSED, Problem.archived_at.is_(None))


def pending_condition() -> sa.ColumnElement[bool]:
    """The responsible department still owes an answer."""
    return sa.and_(Problem.status.in_(PENDING_STATUSES), Problem.archived_at.is_(None))


def overdue_condition(today: dt.date) -> sa.ColumnElement[bool]:
    """Pending and past its deadline."""
    return sa.and_(pending_condition(), Problem.deadline.is_not(None), Problem.deadline < today)


def escalation_expression(today: dt.date) -> sa.ColumnElement[int]:
    """0 (not overdue), 1 蓝, 2 黄, 3 红 — one level per overdue week."""
    return sa.case(
        (~overdue_condition(today), sa.literal(int(Escalation.NONE))),
        (Problem.deadline < today - dt.timedelta(days=2 * WEEK), sa.literal(int(Escalation.RED))),
        (Problem.deadline < today - dt.timedelta(days=WEEK), sa.literal(int(Escalation.YELLOW))),
        else_=sa.literal(int(Escalation.BLUE)),
    )


def escalation_condition(level: Escalation, today: dt.date) -> sa.ColumnElement[bool]:
    """Problems at exactly `level` (a range of deadlines, so it uses the index)."""
    if level is Escalation.NONE:
        return ~overdue_condition(today)
    newest = today - dt.timedelta(days=WEEK * (int(level) - 1))  # deadline < newest
    condition = sa.and_(overdue_condition(today), Problem.deadline < newest)
    if level is not Escalation.RED:
        condition = sa.and_(condition, Problem.deadline >= today - dt.timedelta(days=WEEK * int(level)))
    return condition


def days_overdue(problem: Problem, today: dt.date) -> int:
    """Days past the deadline while pending; 0 otherwise."""
    if problem.status not in PENDING_STATUSES or problem.deadline is None or problem.archived_at is not None:
        return 0
    return max(0, (today - problem.deadline).days)


def escalation_for_days(days: int) -> Escalation:
    if days <= 0:
        return Escalation.NONE
    if days <= WEEK:
        return Escalation.BLUE
    if days <= 2 * WEEK:
        return Escalation.YELLOW
    return Escalation.RED


def escalation_of(problem: Problem, today: dt.date) -> Escalation:
    return escalation_for_days(days_overdue(problem, today))
