"""Visits (拜访/对接记录) on a lead and/or a project: logging, editing and
withdrawing them, the follow-ups they promise, and what they maintain on
the lead (`last_visit_on`, `contacted_on`, the first visit moving `new` →
`contacted`).

A later visit on the same lead or project settles the follow-ups of the
earlier ones: "my follow-ups" lists only promises nobody has kept yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, joinedload

from app import audit, clock
from app.activity_links import linkable_activity
from app.db import db, utcnow
from app.leads.refusals import LeadError
from app.leads.services import clean_texts, record_status, ref_item_id
from app.models import Lead, LeadStatus, Project, RefKind, Role, User, Visit, visit_participant
from app.pagination import first_rows

VISIT_FIELDS = (
    "visited_on",
    "kind_id",
    "place",
    "leader_present_id",
    "counterpart",
    "summary",
    "outcome",
    "next_step",
    "follow_up_on",
    "activity_id",
)
TEXT_LIMITS = {"place": 200, "counterpart": 500, "summary": 5000, "outcome": 2000, "next_step": 2000}


def _clean(data: dict[str, Any], actor: User, visit: Visit | None = None) -> dict[str, Any]:
    values: dict[str, Any] = clean_texts(data, TEXT_LIMITS)
    if not values["summary"]:
        raise LeadError(_("请填写对接情况。"), "summary")
    visited_on = data.get("visited_on")
    if visited_on is None:
        raise LeadError(_("请填写拜访日期。"), "visited_on")
    if visited_on > clock.today():
        raise LeadError(_("拜访日期不能晚于今天（计划中的拜访请填在上次记录的“下次跟进日期”）。"), "visited_on")
    if visited_on < dt.date(2000, 1, 1):
        raise LeadError(_("拜访日期有误，请核对。"), "visited_on")
    values["visited_on"] = visited_on
    follow_up = data.get("follow_up_on")
    if follow_up is not None and follow_up < visited_on:
        raise LeadError(_("下次跟进日期不能早于拜访日期。"), "follow_up_on")
    values["follow_up_on"] = follow_up

    values["kind_id"] = ref_item_id(
        data.get("kind_id"), RefKind.VISIT_KIND, "kind_id", current=visit.kind_id if visit else None
    )

    leader_id = data.get("leader_present_id")
    if leader_id is not None:
        leader = db.session.get(User, leader_id)
        current = visit.leader_present_id if visit else None
        if leader is None or leader.role is not Role.LEADER or (not leader.active and leader.id != current):
            raise LeadError(_("出席领导须为系统中的领导。"), "leader_present_id")
    values["leader_present_id"] = leader_id
    if "activity_id" in data or visit is None:
        values["activity_id"] = linkable_activity(
            data.get("activity_id"), actor, visited_on=visited_on, current=visit.activity_id if visit else None
        )
    return values


def _participants(ids: Iterable[int] | None, visit: Visit | None = None) -> list[User]:
    wanted = sorted({int(i) for i in ids or []})
    if not wanted:
        return []
    users = db.session.scalars(sa.select(User).where(User.id.in_(wanted))).all()
    current = {u.id for u in visit.participants} if visit else set()
    if len(users) != len(wanted) or any(not u.active and u.id not in current for u in users):
        raise LeadError(_("所选参与人员不存在或已停用，请重新选择。"), "participant_ids")
    return sorted(users, key=lambda u: u.name)


def _department_for(actor: User, lead: Lead | None, project: Project | None) -> int:
    """The department the visit counts for: the lead's owner, else the
    project's lead department, else the actor's."""
    if lead is not None:
        return lead.owner_department_id
    dept = (project.lead_department_id if project else None) or actor.department_id
    if dept is None:
        raise LeadError(_("该项目尚未设置牵头部门，无法确定拜访记录所属部门。"))
    return dept


def log_visit(data: dict[str, Any], actor: User, *, lead: Lead | None = None, project: Project | None = None) -> Visit:
    """Record a visit; the first one moves a `new` lead to `contacted`."""
    if lead is None and project is None:
        raise LeadError(_("拜访记录须关联线索或项目。"))
    if actor.role is Role.VIEWER:
        raise LeadError(_("您没有权限记录拜访。"))
    values = _clean(data, actor)
    visit = Visit(
        lead_id=lead.id if lead else None,
        project_id=project.id if project else None,
        department_id=_department_for(actor, lead, project),
        created_by_id=actor.id,
        follow_up_done=False,
        **values,
    )
    visit.participants = _participants(data.get("participant_ids"))
    db.session.add(visit)
    db.session.flush()
    _settle_earlier_follow_ups(visit)
    if lead is not None:
        _maintain_lead(lead, actor, visit.visited_on)
    if project is not None:
        # DESIGN: a progress update is "one per visit/meeting/step" — a visit
        # on a project is follow-through (一抓到底) and keeps its light honest.
        from app.projects.follow_through import add_progress

        kind = visit.kind.name if visit.kind else "拜访"
        add_progress(project, f"{kind}：{visit.summary}"[:5000], actor, happened_on=visit.visited_on)
    audit.record(
        "create",
        "visit",
        visit.id,
        changes={**audit.snapshot(visit, VISIT_FIELDS), "lead_id": visit.lead_id, "project_id": visit.project_id},
        summary=(visit.summary or "")[:100],
        user_id=actor.id,
    )
    return visit


def update_visit(visit: Visit, data: dict[str, Any], actor: User) -> Visit:
    values = _clean(data, actor, visit)
    before = {**audit.snapshot(visit, VISIT_FIELDS), "participants": [u.id for u in visit.participants]}
    for name, value in values.items():
        setattr(visit, name, value)
    if "participant_ids" in data:
        visit.participants = _participants(data.get("participant_ids"), visit)
    after = {**audit.snapshot(visit, VISIT_FIELDS), "participants": [u.id for u in visit.participants]}
    changes = audit.diff(before, after)
    if changes:
        db.session.flush()
        _settle_earlier_follow_ups(visit)
        if visit.lead is not None:
            _maintain_lead(visit.lead, actor, visit.visited_on)
        audit.record("update", "visit", visit.id, changes=changes, summary=visit.summary[:100], user_id=actor.id)
    return visit


def withdraw_visit(visit: Visit, actor: User) -> None:
    """Archive a visit logged by mistake (kept for the audit trail)."""
    visit.archived_at = utcnow()
    db.session.flush()
    if visit.lead_id is not None:
        refresh_last_visit([visit.lead_id])
    audit.record("archive", "visit", visit.id, summary=visit.summary[:100], user_id=actor.id)


def mark_follow_up_done(visit: Visit, actor: User) -> None:
    if visit.follow_up_done:
        return
    visit.follow_up_done = True
    audit.record("follow_up_done", "visit", visit.id, summary=visit.summary[:100], user_id=actor.id)


def _settle_earlier_follow_ups(visit: Visit) -> None:
    """A later visit keeps the promises of the earlier ones."""
    subject = []
    if visit.lead_id is not None:
        subject.append(Visit.lead_id == visit.lead_id)
    if visit.project_id is not None:
        subject.append(Visit.project_id == visit.project_id)
    db.session.execute(
        sa.update(Visit)
        .where(
            sa.or_(*subject),
            Visit.id != visit.id,
            Visit.follow_up_done.is_(False),
            Visit.follow_up_on.is_not(None),
            Visit.visited_on <= visit.visited_on,
        )
        .values(follow_up_done=True)
        .execution_options(synchronize_session="fetch")
    )


def refresh_last_visit(lead_ids: Iterable[int]) -> None:
    """Recompute `Lead.last_visit_on` from the live visits, in one UPDATE
    (no version bump: a visit is not an edit of the lead's facts)."""
    ids = sorted(set(lead_ids))
    if not ids:
        return
    lead, visit = Lead.__table__, Visit.__table__
    latest = (
        sa.select(sa.func.max(visit.c.visited_on))
        .where(visit.c.lead_id == lead.c.id, visit.c.archived_at.is_(None))
        .scalar_subquery()
    )
    db.session.execute(sa.update(lead).where(lead.c.id.in_(ids)).values(last_visit_on=latest))
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Lead) and obj.id in ids:
            db.session.expire(obj, ["last_visit_on"])


def _maintain_lead(lead: Lead, actor: User, visited_on: dt.date) -> None:
    refresh_last_visit([lead.id])
    if lead.status is LeadStatus.NEW:
        record_status(lead, LeadStatus.CONTACTED, actor, on=visited_on, note=_("首次拜访，自动转为已对接"))
        audit.record(
            "status",
            "lead",
            lead.id,
            changes={"status": [LeadStatus.NEW.value, LeadStatus.CONTACTED.value]},
            summary=_("%(title)s：首次拜访", title=lead.title),
            user_id=actor.id,
        )
    if lead.contacted_on is None or visited_on < lead.contacted_on:
        lead.contacted_on = visited_on


# --- reading ----------------------------------------------------------------------


def _timeline_options() -> list[Any]:
    return [
        joinedload(Visit.kind),
        joinedload(Visit.leader_present),
        joinedload(Visit.created_by),
        joinedload(Visit.department),
        joinedload(Visit.participants),
    ]


def lead_visits(lead: Lead) -> list[Visit]:
    """The lead's live visits, newest first, in one query."""
    stmt = (
        sa.select(Visit)
        .where(Visit.lead_id == lead.id, Visit.archived_at.is_(None))
        .options(*_timeline_options())
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    return list(db.session.scalars(stmt).unique())


def project_visits(project: Project) -> list[Visit]:
    """The visits of a project and of the lead it came from, newest first,
    in one query."""
    subject = Visit.project_id == project.id
    if project.lead_id is not None:
        subject = sa.or_(subject, Visit.lead_id == project.lead_id)
    stmt = (
        sa.select(Visit)
        .where(subject, Visit.archived_at.is_(None))
        .options(*_timeline_options(), joinedload(Visit.lead))
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    return list(db.session.scalars(stmt).unique())


def mine_condition(user: User) -> sa.ColumnElement[bool]:
    """Visits the user logged or took part in."""
    took_part = Visit.id.in_(sa.select(visit_participant.c.visit_id).where(visit_participant.c.user_id == user.id))
    return sa.or_(Visit.created_by_id == user.id, took_part)


def follow_ups_condition(user: User, today: dt.date) -> sa.ColumnElement[bool]:
    """Visits whose follow-up is due or past and still open, that are the
    user's: logged by them, with them taking part, or on a lead they own.
    The user's visits are one set of ids (a UNION, each part found by an
    index): as an OR of sub-selects the database would read every visit
    with a follow-up date."""
    other = aliased(Visit)
    theirs = sa.union(
        sa.select(other.id).where(other.created_by_id == user.id),
        sa.select(visit_participant.c.visit_id).where(visit_participant.c.user_id == user.id),
        sa.select(other.id).join(Lead, Lead.id == other.lead_id).where(Lead.owner_user_id == user.id),
    )
    return sa.and_(
        Visit.archived_at.is_(None),
        Visit.follow_up_done.is_(False),
        Visit.follow_up_on.is_not(None),
        Visit.follow_up_on <= today,
        Visit.id.in_(theirs),
    )


def due_follow_ups(user: User, today: dt.date, limit: int = 10) -> tuple[list[Visit], int]:
    """The user's follow-ups due by `today`, the earliest first: `limit` of
    them and how many there are, in one query."""
    return first_rows(
        sa.select(Visit)
        .where(follow_ups_condition(user, today))
        .options(
            joinedload(Visit.lead).joinedload(Lead.company),
            joinedload(Visit.project),
            joinedload(Visit.kind),
        )
        .order_by(Visit.follow_up_on, Visit.id),
        limit,
    )
