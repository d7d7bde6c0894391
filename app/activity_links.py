"""The 招商活动 a visit, lead or project names (`activity_id`): the one check
every surface (forms, API, imports, the quick visit form) goes through,
`ActivityError`, the refusal of the activities feature, the select the lead,
visit and project forms offer (`activity_choices`) and the links their pages
show (`activity_links`). A core module (only models, the permissions and the
core): the lead and project features use it without importing the activities
feature, which imports them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.db import db
from app.models import Activity, Role, User
from app.permissions.activities import activity_filter, can_view_activity
from app.refusals import Refusal

# How far back the forms' select reaches (the activities of the last twelve
# months, and every upcoming one): a lead or visit is recorded soon after.
CHOICE_DAYS = 366


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


def _label(start_on: dt.date, title: str, archived: bool = False) -> str:
    label = f"{start_on.isoformat()} {title}"
    return label + _("（已归档）") if archived else label


def activity_choices(user: User, current_id: int | None = None) -> list[tuple[Any, str]]:
    """The 招商活动 select of the lead, visit and project forms, blank first:
    the live activities `user` may see that began within the last twelve
    months or are upcoming, newest first, plus `current_id` (the record's
    own link, kept whatever became of it). One query."""
    since = clock.today() - dt.timedelta(days=CHOICE_DAYS)
    offered = sa.and_(activity_filter(user), Activity.archived_at.is_(None), Activity.start_on >= since)
    if current_id:
        offered = sa.or_(offered, Activity.id == current_id)
    rows = db.session.execute(
        sa.select(Activity.id, Activity.start_on, Activity.title, Activity.archived_at)
        .where(offered)
        .order_by(Activity.start_on.desc(), Activity.id.desc())
    ).all()
    return [("", _("— 无 —")), *((r.id, _label(r.start_on, r.title, r.archived_at is not None)) for r in rows)]


def offered_activity(user: User, raw: Any) -> int | None:
    """An `?activity_id=` a form is opened with (the activity page's "登记线索"
    and "记录拜访" links): its id when `user` may link a record to it, else
    None (the select then starts blank)."""
    try:
        ident = int(raw)
    except (TypeError, ValueError):
        return None
    activity = db.session.get(Activity, ident) if 0 < ident < 2**31 else None
    if activity is None or activity.archived_at is not None or not can_view_activity(user, activity):
        return None
    return activity.id


@dataclass(frozen=True)
class ActivityLink:
    """What a lead, visit or project page shows of the activity it names:
    "招商活动：<title>", a link when the viewer may open the activity."""

    id: int
    title: str
    start_on: dt.date
    visible: bool


def activity_links(user: User, ids: Collection[int | None]) -> dict[int, ActivityLink]:
    """{activity id: ActivityLink} for the ids given (None skipped), in one
    query; `visible` follows the activity page's loader (scope, and archived
    ones for admin only)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    seen = activity_filter(user)
    if user.role is not Role.ADMIN:
        seen = sa.and_(seen, Activity.archived_at.is_(None))
    rows = db.session.execute(
        sa.select(Activity.id, Activity.title, Activity.start_on, sa.case((seen, True), else_=False)).where(
            Activity.id.in_(wanted)
        )
    ).all()
    return {r[0]: ActivityLink(r[0], r[1], r[2], bool(r[3])) for r in rows}
