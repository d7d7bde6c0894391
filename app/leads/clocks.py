"""Lead clocks (DESIGN.md, Pipelines) as SQL, so lists, filters and the home
panel mark overdue leads without looping over rows in Python.

While a lead is open (new / contacted / negotiating):
- first contact (首次对接): still `new` after LEAD_FIRST_CONTACT_WORKDAYS
  working days from receipt;
- assessment (研判): still `new` or `contacted` more than
  LEAD_ASSESSMENT_DAYS days after receipt;
- follow-up (跟进): no visit, status change or receipt in the last
  LEAD_FOLLOW_UP_DAYS days;
and, as a separate marker, *stale* (久未拜访): no visit (or, never visited,
no receipt) in LEAD_STALE_DAYS days.

Working days follow the State Council's calendar with 调休 and the
district's own overrides (app/workdays.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app import clock
from app.models import Lead, LeadStatus
from app.workdays import WorkCalendar, calendar

OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.NEGOTIATING)

FIRST_CONTACT = "first_contact"
ASSESSMENT = "assessment"
FOLLOW_UP = "follow_up"
LABELS = {
    FIRST_CONTACT: _l("首次对接超期"),
    ASSESSMENT: _l("研判超期"),
    FOLLOW_UP: _l("跟进超期"),
}


def first_contact_cutoff(today: dt.date, workdays: int, days: WorkCalendar | None = None) -> dt.date:
    """The latest receipt date whose first-contact deadline is before today:
    deadlines grow with the receipt date, so `received_on <= cutoff` is the
    whole overdue set."""
    days = days or calendar()
    day = today - dt.timedelta(days=1)
    while days.add_workdays(day, workdays) >= today:
        day -= dt.timedelta(days=1)
    return day


def _settings(config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return config if config is not None else current_app.config


def clock_conditions(today: dt.date, config: Mapping[str, Any] | None = None) -> dict[str, sa.ColumnElement[bool]]:
    """{clock: SQL condition that the lead is overdue on it}."""
    cfg = _settings(config)
    is_open = Lead.status.in_(OPEN_STATUSES)
    first_cutoff = first_contact_cutoff(today, int(cfg["LEAD_FIRST_CONTACT_WORKDAYS"]))
    assess_cutoff = today - dt.timedelta(days=int(cfg["LEAD_ASSESSMENT_DAYS"]))
    follow_cutoff = today - dt.timedelta(days=int(cfg["LEAD_FOLLOW_UP_DAYS"]))
    return {
        FIRST_CONTACT: sa.and_(Lead.status == LeadStatus.NEW, Lead.received_on <= first_cutoff),
        ASSESSMENT: sa.and_(Lead.status.in_((LeadStatus.NEW, LeadStatus.CONTACTED)), Lead.received_on < assess_cutoff),
        FOLLOW_UP: sa.and_(
            is_open,
            Lead.received_on < follow_cutoff,
            sa.or_(Lead.last_visit_on.is_(None), Lead.last_visit_on < follow_cutoff),
            Lead.status_changed_at < clock.start_of(follow_cutoff),
        ),
    }


def overdue_condition(today: dt.date, config: Mapping[str, Any] | None = None) -> sa.ColumnElement[bool]:
    return sa.or_(*clock_conditions(today, config).values())


def overdue_expr(today: dt.date, config: Mapping[str, Any] | None = None) -> sa.ColumnElement[str | None]:
    """The first clock the lead is overdue on ('first_contact', 'assessment',
    'follow_up') or NULL — a column for list queries."""
    conditions = clock_conditions(today, config)
    return sa.case(*((cond, sa.literal(name)) for name, cond in conditions.items()), else_=sa.null())


def stale_condition(today: dt.date, config: Mapping[str, Any] | None = None) -> sa.ColumnElement[bool]:
    cutoff = today - dt.timedelta(days=int(_settings(config)["LEAD_STALE_DAYS"]))
    return sa.and_(
        Lead.status.in_(OPEN_STATUSES),
        sa.or_(
            Lead.last_visit_on < cutoff,
            sa.and_(Lead.last_visit_on.is_(None), Lead.received_on < cutoff),
        ),
    )


def stale_expr(today: dt.date, config: Mapping[str, Any] | None = None) -> sa.ColumnElement[bool]:
    return sa.case((stale_condition(today, config), sa.true()), else_=sa.false())


def label(clock: str | None) -> str:
    return str(LABELS[clock]) if clock in LABELS else ""


def days_in_status(lead: Lead, today: dt.date | None = None) -> int:
    """Whole days since the lead's last status change (local dates)."""
    return max(0, ((today or clock.today()) - clock.local(lead.status_changed_at).date()).days)
