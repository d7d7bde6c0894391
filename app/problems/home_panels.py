"""Home-page panels of the problems area: for staff, the problems assigned
to their department that still await an answer (most escalated first); for
admins, the problems reported but not yet assigned (待交办); for a supervisor
(督查), the overdue problems by responsible department and 督办 level."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from app import clock
from app.db import db
from app.main.home import Panel, home_panel
from app.models import Company, Department, Problem, ProblemStatus, Project, Role, User
from app.problems.rules import Escalation, escalation_expression, overdue_condition, pending_condition

PANEL_LIMIT = 10


def _panel(condition: sa.ColumnElement[bool], title: Any, link_args: dict, *, pending: bool = True) -> Panel | None:
    """`pending=False` when `condition` selects no pending problem: their
    level is then 0 by the rule, and the sort need not work it out for each
    of thousands of rows (待交办 at L: 7.5 → 4 ms)."""
    today = clock.today()
    level = escalation_expression(today)
    order = (Problem.deadline.is_(None), Problem.deadline, Problem.id)
    if pending:
        order = (level.desc(), *order)
    # The ten ids and the total, sorted over the problem table alone (sorting
    # thousands of joined rows to keep ten costs ten times more), joined to
    # those rows with their projects: one query.
    first = (
        sa.select(Problem.id, sa.func.count().over().label("total"))
        .where(condition)
        .order_by(*order)
        .limit(PANEL_LIMIT)
        .subquery("first")
    )
    rows = db.session.execute(
        sa.select(Problem, level.label("level"), first.c.total)
        .join(first, first.c.id == Problem.id)
        # Outer joins: a company's problem (企业诉求) has no project.
        .outerjoin(Project, Project.id == Problem.project_id)
        .outerjoin(Company, Company.id == Problem.company_id)
        .options(
            orm.contains_eager(Problem.project), orm.contains_eager(Problem.company), orm.joinedload(Problem.category)
        )
        .order_by(*order)
    ).all()
    if not rows:
        return None
    total = int(rows[0].total)
    return Panel(
        "problems/_home_panel.html",
        {
            "rows": [(problem, Escalation(int(lvl or 0))) for problem, lvl, _total in rows],
            "total": total,
            "title": title,
            "link_args": link_args,
            "as_of": today,
        },
    )


@home_panel(20)
def department_problems_panel(user: User) -> Panel | None:
    """交办我部门的问题 (staff) / 待交办的问题 (admin)."""
    if user.role is Role.STAFF and user.department_id is not None:
        condition = sa.and_(pending_condition(), Problem.responsible_department_id == user.department_id)
        return _panel(condition, _l("交办我部门的问题"), {"department_id": user.department_id, "open": 1})
    if user.role is Role.ADMIN:
        condition = sa.and_(Problem.status == ProblemStatus.REPORTED, Problem.archived_at.is_(None))
        return _panel(condition, _l("待交办的问题"), {"status": ProblemStatus.REPORTED.value}, pending=False)
    return None


@home_panel(23)
def overdue_by_department_panel(user: User) -> Panel | None:
    """督查: overdue problems by responsible department, by 督办 level (most
    red first), each number linking to the ledger."""
    if user.role is not Role.VIEWER:
        return None
    today = clock.today()
    level = escalation_expression(today)
    rows = db.session.execute(
        sa.select(Problem.responsible_department_id, level.label("level"), sa.func.count())
        .where(overdue_condition(today))
        .group_by(Problem.responsible_department_id, level)
    ).all()
    if not rows:
        return None
    names = dict(db.session.execute(sa.select(Department.id, Department.name)).all())
    by_department: dict[int | None, dict[int, int]] = {}
    for department_id, lvl, count in rows:
        by_department.setdefault(department_id, {})[int(lvl or 0)] = int(count)
    table = sorted(
        by_department.items(),
        key=lambda item: (-item[1].get(3, 0), -item[1].get(2, 0), -sum(item[1].values()), names.get(item[0], "")),
    )
    return Panel(
        "problems/_overdue_panel.html",
        {
            "rows": [(dept_id, names.get(dept_id), counts) for dept_id, counts in table],
            "levels": [Escalation.RED, Escalation.YELLOW, Escalation.BLUE],
            "total": sum(sum(c.values()) for c in by_department.values()),
        },
    )
