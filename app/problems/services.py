"""The life cycle of a problem (问题直报 → 销号), DESIGN.md, Problems:

    reported 已上报 → assigned 已交办 (responsible department + deadline)
    → in_progress 办理中 → answered 已反馈 (the department's answer)
    → closed 已销号 (the reporter or the leader accepts)
    answered → in_progress again when the answer is sent back (with a reason).

Every step is one ProblemEvent (who, when, from → to, note) and one audit
row, in the caller's transaction. Who may take which step is decided in
`app.permissions`; these functions enforce the order of steps and the
required inputs. Edits carry the version the form was read at.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _

from app import audit, clock
from app.concurrency import check_version
from app.db import db
from app.models import Department, Problem, ProblemEvent, ProblemStatus, Project, RefItem, RefKind, User
from app.refusals import Refusal

MAX_TEXT = 5000
# 交办 (or re-assign) is possible until the department has answered.
ASSIGNABLE = (ProblemStatus.REPORTED, ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS)


class ProblemError(Refusal):
    """A refused step; the message is for the user, `field` for the form."""


def _text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ProblemError(message, field)
    if len(text) > MAX_TEXT:
        raise ProblemError(_("内容过长（最多 %(n)d 字）。", n=MAX_TEXT), field)
    return text


def _event(problem: Problem, to: ProblemStatus, actor: User, note: str | None) -> ProblemEvent:
    event = ProblemEvent(problem_id=problem.id, from_status=problem.status, to_status=to, actor_id=actor.id, note=note)
    db.session.add(event)
    old = problem.status
    problem.status = to
    audit.record(
        "status",
        "problem",
        problem.id,
        changes={"status": [old.value if old else None, to.value], **({"note": note} if note else {})},
        summary=f"{old.label if old else '—'} → {to.label}",
        user_id=actor.id,
    )
    return event


def _expect(problem: Problem, *allowed: ProblemStatus) -> None:
    if problem.status not in allowed:
        raise ProblemError(
            _(
                "该问题当前为「%(status)s」，不能执行此操作（可能已被他人处理，请刷新页面）。",
                status=problem.status.label,
            )
        )


def raise_problem(
    project: Project, category_id: int | None, description: str | None, actor: User, raised_on: dt.date | None = None
) -> Problem:
    """问题直报: a new problem on `project`, status 已上报."""
    category = db.session.get(RefItem, category_id) if category_id else None
    if category is None or category.kind is not RefKind.PROBLEM_CATEGORY:
        raise ProblemError(_("请选择问题类别。"), "category_id")
    description = _text(description, "description", _("请描述需要协调解决的问题。"))
    raised_on = raised_on or clock.today()
    if raised_on > clock.today():
        raise ProblemError(_("上报日期不能晚于今天。"), "raised_on")
    problem = Problem(
        project_id=project.id,
        category_id=category.id,
        description=description,
        raised_by_id=actor.id,
        raised_on=raised_on,
        status=ProblemStatus.REPORTED,
    )
    db.session.add(problem)
    db.session.flush()
    db.session.add(
        ProblemEvent(
            problem_id=problem.id, from_status=None, to_status=ProblemStatus.REPORTED, actor_id=actor.id, note=None
        )
    )
    audit.record(
        "create",
        "problem",
        problem.id,
        changes={"project_id": project.id, "category": category.name},
        summary=f"{project.name}：{description[:150]}",
        user_id=actor.id,
    )
    return problem


def assign_problem(
    problem: Problem,
    department_id: int | None,
    deadline: dt.date | None,
    actor: User,
    *,
    note: str | None = None,
    version: Any,
) -> Problem:
    """交办 to a responsible department with a deadline; also re-assigns (a new
    department or deadline) while the problem is not yet answered."""
    check_version(problem, "problem", version)
    _expect(problem, *ASSIGNABLE)
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or not department.active:
        raise ProblemError(_("请选择责任部门。"), "department_id")
    if deadline is None:
        raise ProblemError(_("请填写办理时限。"), "deadline")
    if deadline < clock.today() and deadline != problem.deadline:
        raise ProblemError(_("办理时限不能早于今天。"), "deadline")
    note = (note or "").strip() or None
    detail = _("交办 %(dept)s，时限 %(date)s", dept=department.name, date=deadline.isoformat())
    note = f"{detail}。{note}" if note else detail
    reassigning = problem.status is not ProblemStatus.REPORTED
    problem.responsible_department_id = department.id
    problem.deadline = deadline
    if reassigning:
        db.session.add(
            ProblemEvent(
                problem_id=problem.id,
                from_status=problem.status,
                to_status=problem.status,
                actor_id=actor.id,
                note=_("重新交办：%(detail)s", detail=note),
            )
        )
        audit.record(
            "update",
            "problem",
            problem.id,
            changes={"responsible_department_id": department.id, "deadline": deadline.isoformat()},
            summary=note,
            user_id=actor.id,
        )
    else:
        _event(problem, ProblemStatus.ASSIGNED, actor, note)
    db.session.flush()
    from app.notify import events

    events.problem_assigned(problem, actor)
    return problem


def start_problem(problem: Problem, actor: User, *, note: str | None = None, version: Any) -> Problem:
    """办理中: the responsible department takes it up."""
    check_version(problem, "problem", version)
    _expect(problem, ProblemStatus.ASSIGNED)
    _event(problem, ProblemStatus.IN_PROGRESS, actor, (note or "").strip() or None)
    db.session.flush()
    return problem


def answer_problem(problem: Problem, resolution: str | None, actor: User, *, version: Any) -> Problem:
    """已反馈: the department's answer (from 已交办 or 办理中)."""
    check_version(problem, "problem", version)
    _expect(problem, ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS)
    resolution = _text(resolution, "resolution", _("请填写办理结果。"))
    problem.resolution = resolution
    problem.answered_on = clock.today()
    _event(problem, ProblemStatus.ANSWERED, actor, resolution)
    db.session.flush()
    return problem


def accept_problem(problem: Problem, actor: User, *, note: str | None = None, version: Any) -> Problem:
    """已销号: the reporter or the leader accepts the answer."""
    check_version(problem, "problem", version)
    _expect(problem, ProblemStatus.ANSWERED)
    problem.resolved_on = clock.today()
    _event(problem, ProblemStatus.CLOSED, actor, (note or "").strip() or None)
    db.session.flush()
    return problem


def return_problem(problem: Problem, reason: str | None, actor: User, *, version: Any) -> Problem:
    """Send the answer back (退回): 办理中 again, with a reason."""
    check_version(problem, "problem", version)
    _expect(problem, ProblemStatus.ANSWERED)
    reason = _text(reason, "reason", _("退回须填写原因。"))
    problem.answered_on = None
    _event(problem, ProblemStatus.IN_PROGRESS, actor, _("退回：%(reason)s", reason=reason))
    db.session.flush()
    from app.notify import events

    events.problem_returned(problem, reason, actor)
    return problem


def supervise_problem(problem: Problem, note: str | None, actor: User, *, version: Any) -> ProblemEvent:
    """督办意见: a leader's note on a pending problem that raises its level one
    step (蓝 → 黄 → 红; at 红 it stays) and puts it before the responsible
    department again (its home panel lists the most escalated first)."""
    from app.problems.rules import Escalation, escalation_of

    check_version(problem, "problem", version)
    if problem.status is ProblemStatus.REPORTED:
        raise ProblemError(_("该问题尚未交办责任部门，请先交办。"))
    _expect(problem, ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS)
    note = _text(note, "note", _("请填写督办意见。"))
    current = max(int(escalation_of(problem, clock.today())), problem.supervised_level or 0)
    level = Escalation(min(int(Escalation.RED), current + 1))
    old = problem.supervised_level
    problem.supervised_level = int(level)
    event = ProblemEvent(
        problem_id=problem.id,
        from_status=problem.status,
        to_status=problem.status,
        actor_id=actor.id,
        note=note,
        escalated_to=int(level),
    )
    db.session.add(event)
    audit.record(
        "supervise",
        "problem",
        problem.id,
        changes={"supervised_level": [old, int(level)], "note": note},
        summary=level.label,
        user_id=actor.id,
    )
    db.session.flush()
    from app.notify import events

    events.problem_supervised(problem, level.label, note, actor)
    return event
