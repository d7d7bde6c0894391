"""Home-page panels of the leads area: 我的待跟进 (follow-ups due or past
for the signed-in user), 逾期线索 (the user's own leads past a clock) and
时限将至 (the user's own leads whose next clock falls due within
DUE_SOON_DAYS days), computed in SQL (the last two in one query)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app import clock
from app.db import db
from app.leads import clocks
from app.leads.visits import due_follow_ups
from app.main.home import Panel, home_panel
from app.models import Lead, Role, User

PANEL_SIZE = 10
DUE_SOON_DAYS = 3


@home_panel(20)
def follow_ups_panel(user: User) -> Panel | None:
    if user.role is Role.VIEWER:
        return None
    today = clock.today()
    visits, total = due_follow_ups(user, today, PANEL_SIZE)
    if not total:
        return None
    return Panel("leads/_panel_follow_ups.html", {"title": _l("我的待跟进"), "visits": visits, "total": total})


@home_panel(21)
def clock_panels(user: User) -> list[Panel] | None:
    """逾期线索 (the user's own leads past a clock, oldest first, with their
    total) and 时限将至的线索 (those not yet overdue whose next clock falls due
    today or within DUE_SOON_DAYS days: overdue as of that day, the clocks'
    own SQL read a few days ahead). One query: the leads overdue a few days
    ahead, numbered within each of the two groups, the first of each kept."""
    if user.role not in (Role.STAFF, Role.ADMIN):
        return None
    today = clock.today()
    ahead = today + dt.timedelta(days=DUE_SOON_DAYS + 1)
    late = sa.case((clocks.overdue_condition(today), 1), else_=0)
    numbered = (
        sa.select(
            Lead.id,
            late.label("late"),
            sa.func.row_number().over(partition_by=late, order_by=(Lead.received_on, Lead.id)).label("n"),
            sa.func.sum(late).over().label("late_total"),
        )
        .where(Lead.owner_user_id == user.id, Lead.archived_at.is_(None), clocks.overdue_condition(ahead))
        .subquery("numbered")
    )
    rows = db.session.execute(
        sa.select(Lead, clocks.overdue_expr(today).label("overdue"), numbered.c.late, numbered.c.late_total)
        .join(numbered, numbered.c.id == Lead.id)
        .where(numbered.c.n <= PANEL_SIZE + 1)
        .options(joinedload(Lead.company))
        .order_by(Lead.received_on, Lead.id)
    ).all()
    panels = []
    overdue = [(lead, overdue) for lead, overdue, is_late, _total in rows if is_late][:PANEL_SIZE]
    if overdue:
        panels.append(
            Panel(
                "leads/_panel_overdue.html",
                {
                    "title": _l("逾期线索"),
                    "rows": overdue,
                    "total": int(rows[0].late_total),
                    "clock_label": clocks.label,
                },
            )
        )
    soon = [lead for lead, _overdue, is_late, _total in rows if not is_late]
    if soon:
        shown = sorted(
            ((lead, clocks.next_deadline(lead, today)) for lead in soon[:PANEL_SIZE]),
            key=lambda row: (row[1].due_on if row[1] else ahead, row[0].id),
        )
        panels.append(
            Panel(
                "leads/_panel_due_soon.html",
                {"title": _l("时限将至的线索"), "rows": shown, "more": len(soon) > PANEL_SIZE, "days": DUE_SOON_DAYS},
            )
        )
    return panels


@home_panel(22)
def open_conflicts_panel(user: User) -> Panel | None:
    """Admin: conflicts (撞单) waiting for a ruling."""
    if user.role is not Role.ADMIN:
        return None
    from app.companies.conflicts import open_conflict_count

    total = open_conflict_count()
    if not total:
        return None
    return Panel("companies/_panel_conflicts.html", {"title": _l("待裁定撞单"), "total": total})
