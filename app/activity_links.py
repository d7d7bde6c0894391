"""The 招商活动 a visit, lead or project names (`activity_id`): the one check
every surface (forms, API, imports, the quick visit form) goes through, and
`ActivityError`, the refusal of the activities feature. A core module (only
models, the permissions and the core): the lead and project services use it
without importing the activities feature, which imports them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _

from app.db import db
from app.models import Activity, User
from app.permissions.activities import can_view_activity
from app.refusals import Refusal


class ActivityError(Refusal):
    """A refused activity change; `field` names the form or body field."""


def _fmt(day: dt.date) -> str:
    return day.isoformat()


def linkable_activity(
    activity_id: Any,
    actor: User,
    *,
    visited_on: dt.date | None = None,
    received_on: dt.date | None = None,
    current: int | None = None,
    field: str = "activity_id",
) -> int | None:
    """`activity_id` checked for a record `actor` saves: an activity that
    exists, is not archived and that `actor` may see (an unchanged link is
    kept as it is). A visit must fall within the activity's dates; a lead
    cannot have been received before the activity began."""
    if activity_id in (None, "", 0):
        return None
    try:
        ident = int(activity_id)
    except (TypeError, ValueError):
        raise ActivityError(_("所选招商活动不存在。"), field) from None
    activity = db.session.get(Activity, ident) if 0 < ident < 2**31 else None
    if activity is None:
        raise ActivityError(_("所选招商活动不存在。"), field)
    if ident == current:
        return ident
    if activity.archived_at is not None or not can_view_activity(actor, activity):
        raise ActivityError(_("所选招商活动不存在或您无权查看。"), field)
    if visited_on is not None and not activity.start_on <= visited_on <= activity.end_on:
        raise ActivityError(
            _(
                "拜访日期 %(day)s 不在招商活动「%(title)s」期间（%(start)s 至 %(end)s）。",
                day=_fmt(visited_on),
                title=activity.title,
                start=_fmt(activity.start_on),
                end=_fmt(activity.end_on),
            ),
            field,
        )
    if received_on is not None and received_on < activity.start_on:
        raise ActivityError(
            _(
                "线索收到日期 %(day)s 早于招商活动「%(title)s」的开始日期 %(start)s，不能记为该活动收集的线索。",
                day=_fmt(received_on),
                title=activity.title,
                start=_fmt(activity.start_on),
            ),
            field,
        )
    return ident
