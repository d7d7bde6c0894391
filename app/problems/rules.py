"""What makes a problem open, overdue and escalated (DESIGN.md, Problems),
as SQL conditions that lists, the status light, the desk and reports share,
plus the same rules in Python for one loaded problem.

- *open*: not yet 销号 (closed) and not archived;
- *pending*: the responsible department still owes an answer (已交办, 办理中);
- *overdue*: pending and the deadline has passed;
- *escalation*: one level per overdue week — days 1–7 蓝, 8–14 黄,
  15 and more 红 督办 (the rule of `app/escalation.py`, shared with approvals).

Dates are compared with bound parameters computed from `today`, never with
SQL date arithmetic, so the same expression runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.escalation import WEEK, Escalation, escalation_case, escalation_for_days, level_condition
from app.models import Problem, ProblemStatus

__all__ = ["WEEK", "Escalation", "escalation_for_days"]

PENDING_STATUSES = (ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS)


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
    """0 (not overdue), 1 蓝, 2 黄, 3 红 — one level per overdue week (app/escalation.py)."""
    return escalation_case(Problem.deadline, overdue_condition(today), today)


def escalation_condition(level: Escalation, today: dt.date) -> sa.ColumnElement[bool]:
    """Problems at exactly `level` (a range of deadlines, so it uses the index)."""
    return level_condition(level, Problem.deadline, overdue_condition(today), today)


def days_overdue(problem: Problem, today: dt.date) -> int:
    """Days past the deadline while pending; 0 otherwise."""
    if problem.status not in PENDING_STATUSES or problem.deadline is None or problem.archived_at is not None:
        return 0
    return max(0, (today - problem.deadline).days)


def escalation_of(problem: Problem, today: dt.date) -> Escalation:
    return escalation_for_days(days_overdue(problem, today))
