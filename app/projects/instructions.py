"""A leader's instruction (领导批示) and its life cycle:

    待签收 (issued, with a 办理时限) → 办理中 (the team 签收) → 已反馈 (the
    team's written answer) → 已办结 (the leader closes it)
    已反馈 → 办理中 again when the leader sends it back (with a reason, and
    optionally a new 时限).

Only the project's responsible leader issues instructions; the working team
(staff on the team or of the lead department) 签收 and 反馈 — a 反馈 straight
from 待签收 signs for it too; the leader who issued it or the project's
current responsible leader closes or sends back. Every step is one
InstructionEvent and one audit row in the caller's transaction; steps after
the first carry the version the page was read at."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from app import audit, clock
from app.concurrency import check_version
from app.db import db, utcnow
from app.models import Instruction, InstructionEvent, InstructionStatus, Project, User
from app.permissions import can_acknowledge_instruction, can_close_instruction, can_post_instruction
from app.projects.services import ProjectError

MAX_TEXT = 5000
S = InstructionStatus


def _text(value: str | None, field: str, message: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        if message is None:
            return None
        raise ProjectError(message, field)
    if len(text) > MAX_TEXT:
        raise ProjectError(_("内容过长（最多 %(n)d 字）。", n=MAX_TEXT), field)
    return text


def default_due(today: dt.date | None = None) -> dt.date:
    """The 办理时限 a new instruction gets unless the leader sets one."""
    return (today or clock.today()) + dt.timedelta(days=int(current_app.config.get("INSTRUCTION_DUE_DAYS", 7)))


def _due(due_on: dt.date | None, field: str = "due_on") -> dt.date:
    today = clock.today()
    due = due_on or default_due(today)
    if due < today:
        raise ProjectError(_("办理时限不能早于今天。"), field)
    if due > today + dt.timedelta(days=366):
        raise ProjectError(_("办理时限不能超过一年。"), field)
    return due


def _step(instruction: Instruction, to: InstructionStatus, actor: User, note: str | None, action: str) -> None:
    old = instruction.status
    db.session.add(
        InstructionEvent(instruction=instruction, from_status=old, to_status=to, actor_id=actor.id, note=note)
    )
    instruction.status = to
    db.session.flush()
    audit.record(
        action,
        "project",
        instruction.project_id,
        changes={"instruction_id": instruction.id, "status": [old.value if old else None, to.value]},
        summary=(note or to.label)[:200],
        user_id=actor.id,
    )


def _expect(instruction: Instruction, *allowed: InstructionStatus) -> None:
    if instruction.status not in allowed:
        raise ProjectError(
            _(
                "该批示当前为「%(status)s」，不能执行此操作（可能已被他人处理，请刷新页面）。",
                status=instruction.status.label,
            )
        )


def post_instruction(project: Project, text: str | None, actor: User, due_on: dt.date | None = None) -> Instruction:
    """Only the project's own responsible leader issues instructions on it."""
    if not can_post_instruction(actor, project):
        raise ProjectError(_("只有该项目的责任领导可以作出批示。"), "text")
    text = _text(text, "text", _("请填写批示内容。"))
    instruction = Instruction(
        project_id=project.id, leader_id=actor.id, text=text, issued_at=utcnow(), status=S.ISSUED, due_on=_due(due_on)
    )
    db.session.add(instruction)
    db.session.add(InstructionEvent(instruction=instruction, from_status=None, to_status=S.ISSUED, actor_id=actor.id))
    db.session.flush()
    audit.record(
        "instruction",
        "project",
        project.id,
        changes={"instruction_id": instruction.id, "due_on": instruction.due_on.isoformat()},
        summary=text[:200],
        user_id=actor.id,
    )
    from app.notify import events

    events.instruction_new(instruction, actor)
    return instruction


def _require_team(instruction: Instruction, actor: User, field: str) -> None:
    if not can_acknowledge_instruction(actor, instruction.project):
        raise ProjectError(_("只有工作专班成员或牵头部门人员可以签收和反馈批示。"), field)


def _sign(instruction: Instruction, actor: User, note: str | None) -> None:
    instruction.acknowledged_at = utcnow()
    instruction.acknowledged_by_id = actor.id
    instruction.acknowledgement = note


def acknowledge_instruction(
    instruction: Instruction, actor: User, note: str | None = None, *, version: Any = None
) -> Instruction:
    """签收: the team confirms it received the instruction and is acting on it."""
    _require_team(instruction, actor, "note")
    if version is not None:
        check_version(instruction, "instruction", version)
    if instruction.acknowledged_at is not None:
        raise ProjectError(_("该批示已于 %(at)s 签收。", at=instruction.acknowledged_at.strftime("%Y-%m-%d")), "note")
    _expect(instruction, S.ISSUED)
    note = _text(note, "note", None)
    _sign(instruction, actor, note)
    _step(instruction, S.ACKNOWLEDGED, actor, note or _("已签收批示"), "acknowledge")
    return instruction


def answer_instruction(instruction: Instruction, answer: str | None, actor: User, *, version: Any) -> Instruction:
    """反馈: the team's written answer (signing for the instruction if not yet)."""
    _require_team(instruction, actor, "answer")
    check_version(instruction, "instruction", version)
    _expect(instruction, S.ISSUED, S.ACKNOWLEDGED)
    answer = _text(answer, "answer", _("请填写办理情况反馈。"))
    if instruction.acknowledged_at is None:
        _sign(instruction, actor, None)
    instruction.answer = answer
    instruction.answered_at = utcnow()
    instruction.answered_by_id = actor.id
    _step(instruction, S.ANSWERED, actor, answer, "answer")
    from app.notify import events

    events.instruction_answered(instruction, actor)
    return instruction


def close_instruction(instruction: Instruction, actor: User, note: str | None = None, *, version: Any) -> Instruction:
    """办结: the leader accepts the answer."""
    if not can_close_instruction(actor, instruction):
        raise ProjectError(_("只有作出批示的领导或项目责任领导可以办结批示。"), "note")
    check_version(instruction, "instruction", version)
    _expect(instruction, S.ANSWERED)
    note = _text(note, "note", None)
    instruction.closed_at = utcnow()
    instruction.closed_by_id = actor.id
    _step(instruction, S.CLOSED, actor, note or _("批示已办结"), "close")
    return instruction


def return_instruction(
    instruction: Instruction, reason: str | None, actor: User, *, due_on: dt.date | None = None, version: Any
) -> Instruction:
    """退回: the answer does not settle it; 办理中 again, optionally with a new 时限."""
    if not can_close_instruction(actor, instruction):
        raise ProjectError(_("只有作出批示的领导或项目责任领导可以退回批示。"), "reason")
    check_version(instruction, "instruction", version)
    _expect(instruction, S.ANSWERED)
    reason = _text(reason, "reason", _("退回须填写原因。"))
    if due_on is not None:
        instruction.due_on = _due(due_on)
    _step(instruction, S.ACKNOWLEDGED, actor, _("退回：%(reason)s", reason=reason), "send_back")
    return instruction
