"""Home-page panel of the reports area: a supervisor's (督查) way into what
he keeps score with — the 龙虎榜 (目标考核排名), the key projects, the
overdue problems and approvals, the meeting pack."""

from __future__ import annotations

from app.main.home import Panel, home_panel
from app.models import Role, User


@home_panel(12)
def supervisor_links_panel(user: User) -> Panel | None:
    if user.role is not Role.VIEWER:
        return None
    return Panel("reports/_supervisor_panel.html", {})
