"""Home-page panels of the leads area: 我的待跟进 (follow-ups due or past
for the signed-in user), 逾期线索 (the user's own leads past a clock) and
时限将至 (the user's own leads whose next clock falls due within
DUE_SOON_DAYS days), computed in SQL."""

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
def overdue_leads_panel(user: User) -> Panel | None:
    if user.role not in (Role.STAFF, Role.ADMIN):
        return None
    today = clock.today()
    condition = sa.and_(Lead.owner_user_id == user.id, Lead.archived_at.is_(None), clocks.overdue_condition(today))
    total = db.session.scalar(sa.select(sa.func.count(Lead.id)).where(condition)) or 0
    if not total:
        return None
    rows = db.session.execute(
        sa.select(Lead, clocks.overdue_expr(today).label("overdue"))
        .where(condition)
        .options(joinedload(Lead.company))
        .order_by(Lead.received_on, Lead.id)
        .limit(PANEL_SIZE)
    ).all()
    return Panel(
        "leads/_panel_overdue.html",
        {"title": _l("逾期线索"), "rows": rows, "total": total, "clock_label": clocks.label},
    )


@home_panel(21)
def due_soon_panel(user: User) -> Panel | None:
    """The user's open leads not yet overdue whose next clock falls due today
    or within DUE_SOON_DAYS days: overdue as of that day, not as of today
    (the clocks' own SQL, read a few days ahead). One query."""
    if user.role not in (Role.STAFF, Role.ADMIN):
        return None
    today = clock.today()
    ahead = today + dt.timedelta(days=DUE_SOON_DAYS + 1)
    leads = db.session.scalars(
        sa.select(Lead)
        .where(
            Lead.owner_user_id == user.id,
            Lead.archived_at.is_(None),
            clocks.overdue_condition(ahead),
            sa.not_(clocks.overdue_condition(today)),
        )
        .options(joinedload(Lead.company))
        .order_by(Lead.received_on, Lead.id)
        .limit(PANEL_SIZE + 1)
    ).all()
    if not leads:
        return None
    rows = sorted(
        ((lead, clocks.next_deadline(lead, today)) for lead in leads[:PANEL_SIZE]),
        key=lambda row: (row[1].due_on if row[1] else ahead, row[0].id),
    )
    return Panel(
        "leads/_panel_due_soon.html",
        {"title": _l("时限将至的线索"), "rows": rows, "more": len(leads) > PANEL_SIZE, "days": DUE_SOON_DAYS},
    )


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
