"""Home-page panel of the approvals area: 审批事项待办 — for staff of an
approving department, the items addressed to their department still 待申报
or 已申报, the most overdue first (one query: ten rows with their projects
and types, and the total)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from app import clock
from app.approvals.rules import escalation_expression, open_condition
from app.escalation import Escalation
from app.main.home import Panel, home_panel
from app.models import ApprovalItem, Project, Role, User
from app.pagination import first_rows

PANEL_LIMIT = 10


@home_panel(25)
def approvals_to_do_panel(user: User) -> Panel | None:
    """审批事项待办: what the user's department has to approve."""
    if user.role is not Role.STAFF or user.department_id is None:
        return None
    today = clock.today()
    condition = sa.and_(
        ApprovalItem.department_id == user.department_id,
        open_condition(),
        ApprovalItem.project_id.in_(sa.select(Project.id).where(Project.archived_at.is_(None))),
    )
    level = escalation_expression(today)
    rows, total = first_rows(
        sa.select(ApprovalItem, level.label("level"))
        .join(Project, Project.id == ApprovalItem.project_id)
        .options(orm.contains_eager(ApprovalItem.project), orm.joinedload(ApprovalItem.type))
        .where(condition)
        .order_by(level.desc(), ApprovalItem.due_on, ApprovalItem.id),
        PANEL_LIMIT,
        scalars=False,
    )
    if not total:
        return None
    return Panel(
        "approvals/_home_panel.html",
        {
            "title": _l("审批事项待办"),
            "rows": [(item, Escalation(int(lvl or 0))) for item, lvl in rows],
            "total": total,
            "link_args": {"department_id": user.department_id, "status": "open"},
            "as_of": today,
        },
    )
