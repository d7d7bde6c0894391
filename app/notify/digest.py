"""The daily digest: one message per person per day (to their e-mail and own
robots) and one per department robot, listing what is overdue and what falls
due within DUE_DAYS — the person's leads, their department's problems and
approval items, the milestones of the projects they are on (a leader: of the
projects they are responsible for). Nothing overdue or due, no message.
Written by the daily scan; the outbox key "digest:<day>" makes it once a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from app.db import db
from app.models import (
    OPEN_APPROVAL_STATUSES,
    ApprovalItem,
    Lead,
    Milestone,
    NotifyChannel,
    OutboxMessage,
    Problem,
    ProblemStatus,
    Project,
    Role,
    Stage,
    User,
    project_team,
)
from app.notify.emitter import queue
from app.notify.events import _short, lead_clock_name

DUE_DAYS = 3
MAX_LINES = 10
PENDING_PROBLEM = (ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS)


@dataclass
class Digest:
    title: str
    overdue: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.overdue and not self.due

    def text(self) -> str:
        lines = [self.title]
        for heading, items in ((_("已超期"), self.overdue), (_("即将到期"), self.due)):
            if not items:
                continue
            lines.append(f"{heading}（{len(items)}）：")
            lines += [f"· {item}" for item in items[:MAX_LINES]]
            if len(items) > MAX_LINES:
                lines.append(_("……等 %(n)d 项", n=len(items)))
        return "\n".join(lines)


def _day(value: dt.date) -> str:
    return value.strftime("%m-%d")


def _add_leads(digest: Digest, condition: sa.ColumnElement[bool], today: dt.date) -> None:
    from app.leads.clocks import overdue_condition, overdue_expr

    tomorrow = today + dt.timedelta(days=1)
    rows = db.session.execute(
        sa.select(Lead.title, overdue_expr(today), overdue_expr(tomorrow))
        .where(condition, Lead.archived_at.is_(None), overdue_condition(tomorrow))
        .order_by(Lead.received_on, Lead.id)
    ).all()
    for title, now_clock, next_clock in rows:
        if now_clock:
            digest.overdue.append(_("线索「%(t)s」已超过%(c)s时限", t=_short(title, 30), c=lead_clock_name(now_clock)))
        else:
            digest.due.append(_("线索「%(t)s」%(c)s时限明天到期", t=_short(title, 30), c=lead_clock_name(next_clock)))


def _add_problems(digest: Digest, condition: sa.ColumnElement[bool], today: dt.date) -> None:
    horizon = today + dt.timedelta(days=DUE_DAYS)
    problems = db.session.scalars(
        sa.select(Problem)
        .options(orm.joinedload(Problem.project), orm.joinedload(Problem.company))
        .where(
            condition,
            Problem.archived_at.is_(None),
            Problem.status.in_(PENDING_PROBLEM),
            Problem.deadline <= horizon,
        )
        .order_by(Problem.deadline, Problem.id)
    ).all()
    for problem in problems:
        line = _(
            "问题「%(s)s：%(d)s」时限 %(day)s",
            s=problem.subject_name,
            d=_short(problem.description, 24),
            day=_day(problem.deadline),
        )
        (digest.overdue if problem.deadline < today else digest.due).append(line)


def _add_approvals(digest: Digest, condition: sa.ColumnElement[bool], today: dt.date) -> None:
    horizon = today + dt.timedelta(days=DUE_DAYS)
    items = db.session.scalars(
        sa.select(ApprovalItem)
        .options(orm.joinedload(ApprovalItem.project), orm.joinedload(ApprovalItem.type))
        .where(
            condition,
            ApprovalItem.archived_at.is_(None),
            ApprovalItem.status.in_(OPEN_APPROVAL_STATUSES),
            ApprovalItem.due_on <= horizon,
        )
        .order_by(ApprovalItem.due_on, ApprovalItem.id)
    ).all()
    for item in items:
        line = _("审批「%(p)s：%(t)s」计划完成 %(day)s", p=item.project.name, t=item.type.name, day=_day(item.due_on))
        (digest.overdue if item.due_on < today else digest.due).append(line)


def _add_milestones(digest: Digest, condition: sa.ColumnElement[bool], today: dt.date) -> None:
    horizon = today + dt.timedelta(days=DUE_DAYS)
    milestones = db.session.scalars(
        sa.select(Milestone)
        .join(Project, Project.id == Milestone.project_id)
        .options(orm.contains_eager(Milestone.project))
        .where(
            condition,
            Project.archived_at.is_(None),
            Project.stage != Stage.EXITED,
            Milestone.done_on.is_(None),
            Milestone.due_on <= horizon,
        )
        .order_by(Milestone.due_on, Milestone.id)
    ).all()
    for milestone in milestones:
        line = _(
            "节点「%(p)s：%(m)s」%(day)s 到期",
            p=milestone.project.name,
            m=_short(milestone.name, 24),
            day=_day(milestone.due_on),
        )
        (digest.overdue if milestone.due_on < today else digest.due).append(line)


def person_digest(user: User, today: dt.date) -> Digest:
    """What `user` has overdue and due, as of `today`."""
    digest = Digest(_("%(name)s，%(day)s 待办提醒", name=user.name, day=today.isoformat()))
    _add_leads(digest, Lead.owner_user_id == user.id, today)
    if user.role is Role.LEADER:
        mine = Project.responsible_leader_id == user.id
        _add_problems(digest, Problem.project_id.in_(sa.select(Project.id).where(mine)), today)
        _add_milestones(digest, mine, today)
        return digest
    if user.department_id is not None and user.role is Role.STAFF:
        _add_problems(digest, Problem.responsible_department_id == user.department_id, today)
        _add_approvals(digest, ApprovalItem.department_id == user.department_id, today)
    on_team = Project.id.in_(sa.select(project_team.c.project_id).where(project_team.c.user_id == user.id))
    _add_milestones(digest, on_team, today)
    return digest


def department_digest(department_id: int, name: str, today: dt.date) -> Digest:
    """What a department's group has overdue and due (its leads, problems and approval items)."""
    digest = Digest(_("%(name)s %(day)s 待办提醒", name=name, day=today.isoformat()))
    _add_leads(digest, Lead.owner_department_id == department_id, today)
    _add_problems(digest, Problem.responsible_department_id == department_id, today)
    _add_approvals(digest, ApprovalItem.department_id == department_id, today)
    return digest


def queue_digests(today: dt.date) -> int:
    """Queue the day's digest to every active channel that takes it, once a
    day (a channel already holding today's digest is skipped)."""
    key = f"digest:{today.isoformat()}"
    done = sa.select(OutboxMessage.id).where(
        OutboxMessage.channel_id == NotifyChannel.id, OutboxMessage.dedupe_key == key
    )
    channels = db.session.scalars(
        sa.select(NotifyChannel)
        .options(orm.joinedload(NotifyChannel.user), orm.joinedload(NotifyChannel.department))
        .where(NotifyChannel.active.is_(True), NotifyChannel.digest.is_(True), ~sa.exists(done))
        .order_by(NotifyChannel.id)
    ).all()
    cache: dict[tuple[str, int], Digest] = {}
    queued = 0
    for channel in channels:
        if channel.user is not None:
            if not channel.user.active:
                continue
            owner = ("user", channel.user.id)
            if owner not in cache:
                cache[owner] = person_digest(channel.user, today)
        else:
            owner = ("department", channel.department_id)
            if owner not in cache:
                cache[owner] = department_digest(channel.department_id, channel.department.name, today)
        digest = cache[owner]
        if digest.empty:
            continue
        queue(channel, "digest", digest.text(), "/notifications/", dedupe_key=key)
        queued += 1
    db.session.flush()
    return queued
