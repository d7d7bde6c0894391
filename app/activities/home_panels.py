"""Home-page panels of the activities area:

- 我带队的招商活动 (a leader): this year's activities they led — how many
  have begun, the days out (外出 activities), and what they produced by the
  outcomes' rule (companies counted once over them all, visits, leads,
  signed projects) — and the latest few, with links; one query whatever
  the number of trips;
- 我参加的招商活动 (staff, admin): the ongoing and upcoming activities they
  take part in, with the 批量记录拜访 link once an activity has begun; one
  query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app import clock
from app.activities.outcomes import companies_met, lead_conditions, signed_projects, visit_conditions
from app.db import db
from app.main.home import Panel, home_panel
from app.models import Activity, Lead, Role, User, Visit, activity_leader, activity_participant

LATEST = 5


@dataclass(frozen=True)
class LedYear:
    """A leader's year of activities (those begun by today)."""

    year: int
    activities: int
    days_out: int
    companies: int
    visits: int
    leads: int
    signed: int


def _led(user: User, today: dt.date) -> sa.Select:
    """The ids of the live activities `user` led this year (all of them:
    `begun` narrows to those started by today)."""
    led = sa.select(activity_leader.c.activity_id).where(activity_leader.c.user_id == user.id)
    return sa.select(Activity.id).where(
        Activity.id.in_(led),
        Activity.archived_at.is_(None),
        Activity.start_on >= dt.date(today.year, 1, 1),
        Activity.start_on <= dt.date(today.year, 12, 31),
    )


def _produced(begun: sa.Select) -> list[sa.ScalarSelect]:
    """Companies (distinct), visits, leads and signed projects of the begun
    activities, as scalar sub-selects (evaluated once)."""
    met, signed = companies_met(begun), signed_projects(begun)
    return [
        sa.select(sa.func.count(sa.distinct(met.c.company_id))).where(met.c.company_id.is_not(None)).scalar_subquery(),
        sa.select(sa.func.count(Visit.id)).where(*visit_conditions(), Visit.activity_id.in_(begun)).scalar_subquery(),
        sa.select(sa.func.count(Lead.id)).where(*lead_conditions(), Lead.activity_id.in_(begun)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(signed).scalar_subquery(),
    ]


@home_panel(13)
def led_activities_panel(user: User) -> Panel | None:
    """One query: the year's rows, each carrying the year's totals."""
    if user.role is not Role.LEADER:
        return None
    today = clock.today()
    led = _led(user, today)
    begun = led.where(Activity.start_on <= today)
    rows = db.session.execute(
        sa.select(Activity.id, Activity.title, Activity.start_on, Activity.end_on, Activity.away, *_produced(begun))
        .where(Activity.id.in_(led))
        .order_by(Activity.start_on.desc(), Activity.id.desc())
    ).all()
    if not rows:
        return None
    started = [r for r in rows if r.start_on <= today]
    days_out = sum((min(r.end_on, today) - r.start_on).days + 1 for r in started if r.away)
    companies, visits, leads, signed = (int(n or 0) for n in rows[0][5:])
    year = LedYear(today.year, len(started), days_out, companies, visits, leads, signed)
    return Panel(
        "activities/_leader_panel.html",
        {"title": _l("我带队的招商活动"), "led": year, "latest": rows[:LATEST], "today": today},
    )


@home_panel(15)
def joined_activities_panel(user: User) -> Panel | None:
    """Ongoing and upcoming activities the staff member takes part in, in one
    query. Each may have its visits logged by them: a live activity's
    participants who are staff or admin are among those
    `can_log_on_activity` lets log (the template offers the form once the
    activity has begun)."""
    if user.role not in (Role.STAFF, Role.ADMIN):
        return None
    today = clock.today()
    took_part = sa.select(activity_participant.c.activity_id).where(activity_participant.c.user_id == user.id)
    activities = db.session.scalars(
        sa.select(Activity)
        .where(Activity.id.in_(took_part), Activity.archived_at.is_(None), Activity.end_on >= today)
        .options(joinedload(Activity.kind))
        .order_by(Activity.start_on, Activity.id)
        .limit(LATEST)
    ).all()
    if not activities:
        return None
    return Panel(
        "activities/_leader_panel.html",
        {"title": _l("我参加的招商活动"), "joined": activities, "today": today},
    )
