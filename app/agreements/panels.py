"""Home-page panel of the agreements area: 履约预警 — signed projects whose
committed start of construction or production has passed without the stage
being reached (staff: within their data scope; leaders: their own projects;
admin: all). Two queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.agreements.fulfilment import FulfilmentFilters, fulfilment_query, to_rows
from app.db import db
from app.main.home import Panel, home_panel
from app.models import Project, Role, User

PANEL_SIZE = 5


@home_panel(40)
def overdue_commitments_panel(user: User) -> Panel | None:
    if user.role is Role.VIEWER:
        return None
    today = dt.date.today()
    stmt = fulfilment_query(user, FulfilmentFilters(overdue_only=True), today)
    if user.role is Role.LEADER:
        stmt = stmt.where(Project.responsible_leader_id == user.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    if not total:
        return None
    rows = to_rows(db.session.execute(stmt.limit(PANEL_SIZE)).all(), today)
    return Panel("agreements/_home_panel.html", {"title": _l("履约预警"), "rows": rows, "total": total})
