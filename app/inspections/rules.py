"""What makes an inspection's rectification (整改) pending, overdue and
escalated, and what counts as done on time — as SQL conditions that the
ledger, the home panels, the report and the 比学赶超 ranking share, plus the
same rules in Python for one loaded inspection. Models and the core only.

- *open*: not yet 销号 (closed) and not archived;
- *pending*: the responsible department still owes its 整改情况 (待整改 —
  also after the supervisor sent an answer back);
- *overdue*: pending and past the 整改时限;
- *escalation*: one level per overdue week, 蓝 → 黄 → 红 (`app/escalation.py`,
  the rule problems and approval items follow);
- *on time*: closed (销号) on or before the deadline. An answer the
  supervisor sends back does not count until the rectification is closed.

Dates are bound parameters computed from `today`, never SQL date arithmetic.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.db import db
from app.escalation import Escalation, escalation_case, escalation_for_days
from app.models import Inspection, InspectionStatus

__all__ = ["Escalation", "rectifications_on_time_by_department"]


def open_condition() -> sa.ColumnElement[bool]:
    return sa.and_(Inspection.status != InspectionStatus.CLOSED, Inspection.archived_at.is_(None))


def pending_condition() -> sa.ColumnElement[bool]:
    return sa.and_(Inspection.status == InspectionStatus.RECTIFYING, Inspection.archived_at.is_(None))


def overdue_condition(today: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(pending_condition(), Inspection.deadline < today)


def escalation_expression(today: dt.date) -> sa.ColumnElement[int]:
    """0, 1 蓝, 2 黄, 3 红 by the overdue weeks of a pending rectification."""
    return escalation_case(Inspection.deadline, overdue_condition(today), today)


def on_time_condition() -> sa.ColumnElement[bool]:
    return sa.and_(Inspection.status == InspectionStatus.CLOSED, Inspection.closed_on <= Inspection.deadline)


def is_pending(inspection: Inspection) -> bool:
    return inspection.status is InspectionStatus.RECTIFYING and inspection.archived_at is None


def days_overdue(inspection: Inspection, today: dt.date) -> int:
    if not is_pending(inspection):
        return 0
    return max(0, (today - inspection.deadline).days)


def escalation_of(inspection: Inspection, today: dt.date) -> Escalation:
    return escalation_for_days(days_overdue(inspection, today))


def rectifications_on_time_by_department(start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    """department_id → (rectifications due in [start, end], those closed by
    their deadline), for the responsible departments (one GROUP BY; archived
    inspections left out; departments with nothing due are absent)."""
    rows = db.session.execute(
        sa.select(
            Inspection.responsible_department_id,
            sa.func.count(Inspection.id),
            sa.func.count(sa.case((on_time_condition(), Inspection.id))),
        )
        .where(Inspection.deadline >= start, Inspection.deadline <= end, Inspection.archived_at.is_(None))
        .group_by(Inspection.responsible_department_id)
    ).all()
    return {int(dept): (int(due), int(on_time)) for dept, due, on_time in rows}
