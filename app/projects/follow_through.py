"""Follow-through (一抓到底): milestones of the plan and progress updates (the
leader's instructions, 批示, are in instructions.py).

`add_progress` maintains `Project.last_progress_on`, which the status light
and the five-ones check read without touching the updates table.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, clock
from app.db import db
from app.models import Milestone, ProgressUpdate, Project, User
from app.projects.services import ProjectError

MAX_TEXT = 5000


def _text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ProjectError(message, field)
    if len(text) > MAX_TEXT:
        raise ProjectError(_("内容过长（最多 %(n)d 字）。", n=MAX_TEXT), field)
    return text


def _not_future(day: dt.date | None, field: str, message: str) -> None:
    if day is not None and day > clock.today():
        raise ProjectError(message, field)


# --- milestones --------------------------------------------------------------


def _check_milestone(name: str | None, due_on: dt.date | None, done_on: dt.date | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ProjectError(_("请填写节点名称。"), "name")
    if len(name) > 200:
        raise ProjectError(_("节点名称最多 200 字。"), "name")
    if due_on is None:
        raise ProjectError(_("时间节点须填写计划完成日期。"), "due_on")
    _not_future(done_on, "done_on", _("完成日期不能晚于今天。"))
    return name


def add_milestone(
    project: Project, name: str | None, due_on: dt.date | None, actor: User, done_on: dt.date | None = None
) -> Milestone:
    name = _check_milestone(name, due_on, done_on)
    milestone = Milestone(project_id=project.id, name=name, due_on=due_on, done_on=done_on)
    db.session.add(milestone)
    db.session.flush()
    audit.record(
        "create",
        "milestone",
        milestone.id,
        changes={"project_id": project.id, "name": name, "due_on": due_on.isoformat()},
        summary=f"{project.name}：{name}",
        user_id=actor.id,
    )
    return milestone


def update_milestone(
    milestone: Milestone, name: str | None, due_on: dt.date | None, done_on: dt.date | None, actor: User
) -> Milestone:
    name = _check_milestone(name, due_on, done_on)
    fields = ("name", "due_on", "done_on")
    before = audit.snapshot(milestone, fields)
    milestone.name, milestone.due_on, milestone.done_on = name, due_on, done_on
    changes = audit.diff(before, audit.snapshot(milestone, fields))
    if changes:
        audit.record("update", "milestone", milestone.id, changes=changes, summary=name, user_id=actor.id)
    db.session.flush()
    return milestone


def complete_milestone(milestone: Milestone, done_on: dt.date | None, actor: User) -> Milestone:
    """Mark a milestone met on `done_on` (default today)."""
    return update_milestone(milestone, milestone.name, milestone.due_on, done_on or clock.today(), actor)


def delete_milestone(milestone: Milestone, actor: User) -> None:
    audit.record(
        "delete",
        "milestone",
        milestone.id,
        changes=audit.snapshot(milestone, ("project_id", "name", "due_on", "done_on")),
        summary=milestone.name,
        user_id=actor.id,
    )
    db.session.delete(milestone)
    db.session.flush()


# --- progress updates ----------------------------------------------------------


def add_progress(project: Project, text: str | None, actor: User, happened_on: dt.date | None = None) -> ProgressUpdate:
    """Record one step of progress and move `last_progress_on` forward."""
    text = _text(text, "text", _("请填写推进情况。"))
    happened_on = happened_on or clock.today()
    _not_future(happened_on, "happened_on", _("推进日期不能晚于今天。"))
    update = ProgressUpdate(project_id=project.id, happened_on=happened_on, author_id=actor.id, text=text)
    db.session.add(update)
    if project.last_progress_on is None or happened_on > project.last_progress_on:
        project.last_progress_on = happened_on
    db.session.flush()
    audit.record(
        "progress",
        "project",
        project.id,
        changes={"happened_on": happened_on.isoformat()},
        summary=text[:200],
        user_id=actor.id,
    )
    return update


def refresh_last_progress(project: Project) -> None:
    """Recompute `last_progress_on` from the updates (after a correction)."""
    project.last_progress_on = db.session.scalar(
        sa.select(sa.func.max(ProgressUpdate.happened_on)).where(ProgressUpdate.project_id == project.id)
    )


# The leader's instructions (批示) and their life cycle: app/projects/instructions.py.
from app.projects.instructions import acknowledge_instruction, post_instruction  # noqa: E402, F401
