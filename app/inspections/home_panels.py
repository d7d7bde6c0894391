"""Home-page panels of 营商环境督办. The home page pays no query for them: it
gets a placeholder that htmx fills from `/inspections/panel` after the page
(as the notification bell; the home is held to 10 statements for every role),
and that fragment reads one query (the first rows and their total, `first_rows`):

- a department's staff: 督查整改待办 — the rectifications their department
  owes (待整改), the most overdue first, with its 督办 level;
- the supervision office (viewer): 督查事项待办 — rectifications past their
  deadline and answers awaiting 销号, overdue first."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from app import clock
from app.escalation import Escalation
from app.inspections.rules import escalation_expression, overdue_condition, pending_condition
from app.main.home import Panel, home_panel
from app.models import Inspection, InspectionStatus, Role, User
from app.pagination import first_rows

PANEL_LIMIT = 10


def _panel(condition: sa.ColumnElement[bool], title: object, link_args: dict) -> Panel | None:
    today = clock.today()
    level = escalation_expression(today)
    rows, total = first_rows(
        sa.select(Inspection, level.label("level"))
        .options(orm.joinedload(Inspection.department), orm.joinedload(Inspection.responsible_department))
        .where(condition)
        .order_by(level.desc(), Inspection.status, Inspection.deadline, Inspection.id),
        PANEL_LIMIT,
        scalars=False,
    )
    if not total:
        return None
    return Panel(
        "inspections/_home_panel.html",
        {
            "title": title,
            "rows": [(inspection, Escalation(int(lvl or 0))) for inspection, lvl in rows],
            "total": total,
            "link_args": link_args,
            "as_of": today,
        },
    )


@home_panel(24)
def inspections_placeholder(user: User) -> Panel | None:
    """The placeholder for those who have such a panel (no query)."""
    if (user.role is Role.STAFF and user.department_id is not None) or user.role is Role.VIEWER:
        return Panel("inspections/_home_panel_lazy.html", {})
    return None


def inspections_panel(user: User) -> Panel | None:
    """The panel itself (the fragment `/inspections/panel`)."""
    if user.role is Role.STAFF and user.department_id is not None:
        condition = sa.and_(pending_condition(), Inspection.responsible_department_id == user.department_id)
        return _panel(
            condition,
            _l("督查整改待办"),
            {"responsible_department_id": user.department_id, "status": InspectionStatus.RECTIFYING.value},
        )
    if user.role is Role.VIEWER:
        today = clock.today()
        awaiting = sa.and_(Inspection.status == InspectionStatus.ANSWERED, Inspection.archived_at.is_(None))
        title = _l("督查事项待办（超期整改、待销号）")
        return _panel(sa.or_(overdue_condition(today), awaiting), title, {"status": "open"})
    return None
