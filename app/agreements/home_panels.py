"""Home-page panel of the agreements area: 履约预警 — signed projects whose
committed start of construction or production has passed without the stage
being reached (staff: within their data scope; leaders: their own projects;
admin: all). Three queries, whatever the number of rows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import clock
from app.agreements.fulfilment import FulfilmentFilters, fulfilment_page, to_rows
from app.main.home import Panel, home_panel
from app.models import Role, User

PANEL_SIZE = 5


@home_panel(40)
def overdue_commitments_panel(user: User) -> Panel | None:
    if user.role is Role.VIEWER:
        return None
    today = clock.today()
    leader_id = user.id if user.role is Role.LEADER else None
    page = fulfilment_page(user, FulfilmentFilters(overdue_only=True, leader_id=leader_id), today, 1, PANEL_SIZE)
    if not page.total:
        return None
    rows = to_rows(page.items, today)
    return Panel("agreements/_home_panel.html", {"title": _l("履约预警"), "rows": rows, "total": page.total})
