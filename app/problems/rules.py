"""What makes a problem open, overdue and escalated (DESIGN.md, Problems),
as SQL conditions that lists, the status light, the desk and reports share,
plus the same rules in Python for one loaded problem.

- *open*: not yet 销号 (closed) and not archived;
- *pending*: the responsible department still owes an answer (已交办, 办理中);
- *overdue*: pending and the deadline has passed;
- *escalation*: one level per overdue week — days 1–7 蓝, 8–14 黄,
  15 and more 红 督办 (the rule of `app/escalation.py`, shared with approvals);
  a leader's 督办意见 raises a pending problem's level one step
  (`Problem.supervised_level`), and while it is pending its level is the
  higher of the two;
- *escalation history*: when the level rose and why — the overdue weeks
  (from the deadline) and each 督办意见 (who, when, the note).

Dates are compared with bound parameters computed from `today`, never with
SQL date arithmetic, so the same expression runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
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


def _overdue_level(today: dt.date) -> sa.ColumnElement[int]:
    return escalation_case(Problem.deadline, overdue_condition(today), today)


def _supervised() -> sa.ColumnElement[bool]:
    return sa.and_(pending_condition(), Problem.supervised_level > 0)


def escalation_expression(today: dt.date) -> sa.ColumnElement[int]:
    """0, 1 蓝, 2 黄, 3 红: one level per overdue week (app/escalation.py), or
    the level a 督办意见 raised a pending problem to, whichever is higher."""
    by_weeks = _overdue_level(today)
    return sa.case(
        (sa.and_(_supervised(), Problem.supervised_level > by_weeks), Problem.supervised_level), else_=by_weeks
    )


def _below_by_weeks(level: Escalation, today: dt.date) -> sa.ColumnElement[bool]:
    """The overdue weeks alone give less than `level` (≥ 蓝)."""
    return sa.or_(~overdue_condition(today), Problem.deadline >= today - dt.timedelta(days=WEEK * (int(level) - 1)))


def escalation_condition(level: Escalation, today: dt.date) -> sa.ColumnElement[bool]:
    """Problems at exactly `level`: by their deadline (a range, so it uses the
    index) unless a 督办意见 raised them higher, or raised to it by 督办."""
    by_weeks = sa.and_(
        level_condition(level, Problem.deadline, overdue_condition(today), today),
        sa.or_(~_supervised(), Problem.supervised_level <= int(level)),
    )
    if level is Escalation.NONE:
        return by_weeks
    raised = sa.and_(_supervised(), Problem.supervised_level == int(level), _below_by_weeks(level, today))
    return sa.or_(by_weeks, raised)


def days_overdue(problem: Problem, today: dt.date) -> int:
    """Days past the deadline while pending; 0 otherwise."""
    if problem.status not in PENDING_STATUSES or problem.deadline is None or problem.archived_at is not None:
        return 0
    return max(0, (today - problem.deadline).days)


def escalation_of(problem: Problem, today: dt.date) -> Escalation:
    by_weeks = escalation_for_days(days_overdue(problem, today))
    if is_pending(problem) and (problem.supervised_level or 0) > by_weeks:
        return Escalation(problem.supervised_level)
    return by_weeks


def is_pending(problem: Problem) -> bool:
    return problem.status in PENDING_STATUSES and problem.archived_at is None


@dataclass(frozen=True)
class EscalationStep:
    """One rise of a problem's 督办 level: when, to what, why, by whom."""

    on: dt.date
    level: Escalation
    reason: str
    by: str | None = None


def escalation_history(problem: Problem, today: dt.date) -> list[EscalationStep]:
    """The rises of the level, oldest first: the overdue weeks counted from
    the deadline (up to the answer or today), and each 督办意见."""
    steps: list[EscalationStep] = []
    if problem.deadline is not None:
        answered = problem.answered_on or problem.resolved_on
        until = today if is_pending(problem) or answered is None else answered
        for level in (Escalation.BLUE, Escalation.YELLOW, Escalation.RED):
            start = problem.deadline + dt.timedelta(days=WEEK * (int(level) - 1) + 1)
            if start > until or not (is_pending(problem) or answered is not None):
                break
            days = (start - problem.deadline).days
            steps.append(
                EscalationStep(
                    start, level, _("超过办理时限 %(date)s 第 %(n)d 天", date=problem.deadline.isoformat(), n=days)
                )
            )
    for event in problem.events:
        if event.escalated_to:
            by = event.actor.name if event.actor else None
            note = _("督办意见：%(note)s", note=event.note or "")
            steps.append(EscalationStep(clock.local(event.at).date(), Escalation(event.escalated_to), note, by))
    return sorted(steps, key=lambda step: (step.on, int(step.level)))
