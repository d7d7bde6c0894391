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
from dataclasses import dataclass
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


DUE_LABELS = {
    FIRST_CONTACT: _l("首次对接截止"),
    ASSESSMENT: _l("研判截止"),
    FOLLOW_UP: _l("下次跟进"),
}


@dataclass(frozen=True)
class Deadline:
    """When one of an open lead's clocks falls due (the lead is overdue on it
    from the day after `due_on`)."""

    clock: str
    due_on: dt.date

    @property
    def label(self) -> str:
        return str(DUE_LABELS[self.clock])

    def overdue(self, today: dt.date) -> bool:
        return self.due_on < today


def deadlines(lead: Lead, config: Mapping[str, Any] | None = None) -> list[Deadline]:
    """The clocks running on `lead` from the day it is received, each with the
    date it falls due — the same rules as `clock_conditions`, read forwards
    (首次对接截止 12-04, 研判截止 12-07, 下次跟进 12-18); none once the lead
    is closed."""
    if lead.status not in OPEN_STATUSES:
        return []
    cfg = _settings(config)
    due: list[Deadline] = []
    if lead.status is LeadStatus.NEW:
        days = calendar().add_workdays(lead.received_on, int(cfg["LEAD_FIRST_CONTACT_WORKDAYS"]))
        due.append(Deadline(FIRST_CONTACT, days))
    if lead.status in (LeadStatus.NEW, LeadStatus.CONTACTED):
        due.append(Deadline(ASSESSMENT, lead.received_on + dt.timedelta(days=int(cfg["LEAD_ASSESSMENT_DAYS"]))))
    touched = max(
        lead.received_on,
        lead.last_visit_on or lead.received_on,
        clock.local(lead.status_changed_at).date() if lead.status_changed_at else lead.received_on,
    )
    due.append(Deadline(FOLLOW_UP, touched + dt.timedelta(days=int(cfg["LEAD_FOLLOW_UP_DAYS"]))))
    return due


def next_deadline(lead: Lead, today: dt.date | None = None) -> Deadline | None:
    """The first clock still to fall due (not yet overdue) — what a list shows."""
    today = today or clock.today()
    pending = [d for d in deadlines(lead) if not d.overdue(today)]
    return min(pending, key=lambda d: d.due_on) if pending else None
