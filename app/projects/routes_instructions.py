"""Views of a leader's instructions (批示) on the project page: issue (the
project's leader, with a 办理时限), 签收 and 反馈 (the working team), 办结 or
send back (the leader). A refused step shows the project page again with the
message by the instruction and the person's input kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.db import db
from app.models import Instruction, Project, User
from app.permissions import (
    can_acknowledge_instruction,
    can_close_instruction,
    can_post_instruction,
    get_visible_or_404,
    require,
)
from app.projects import bp, instructions
from app.projects.detail import render_detail
from app.projects.forms import (
    AcknowledgeForm,
    InstructionAnswerForm,
    InstructionCloseForm,
    InstructionForm,
    InstructionReturnForm,
)
from app.projects.routes_follow import _back
from app.views import attempt


@bp.route("/<int:project_id>/instructions", methods=["POST"])
@login_required
def instruction_add(project_id: int):
    project = get_visible_or_404(Project, project_id)
    require(can_post_instruction(current_user, project))
    form = InstructionForm()
    if form.validate() and attempt(
        lambda: instructions.post_instruction(project, form.text.data, current_user, form.due_on.data), form
    ):
        flash(_("批示已发出，待工作专班签收。"), "success")
        return _back(project, "instructions")
    return render_detail(project_id, 400, instruction_form=form)


def _instruction(project: Project, instruction_id: int) -> Instruction:
    instruction = db.session.get(Instruction, instruction_id)
    if instruction is None or instruction.project_id != project.id:
        abort(404)
    return instruction


def _step(
    project_id: int,
    instruction_id: int,
    allowed: Callable[[User, Instruction], bool],
    form_cls: type,
    action: Callable[[Instruction, Any], Any],
    success: str,
):
    project = get_visible_or_404(Project, project_id)
    instruction = _instruction(project, instruction_id)
    require(allowed(current_user, instruction))
    form = form_cls()
    if form.validate() and attempt(lambda: action(instruction, form), form):
        flash(success, "success")
        return _back(project, f"instruction-{instruction_id}")
    return render_detail(project_id, 400, instruction_step=(instruction_id, form))


def _team(user: User, instruction: Instruction) -> bool:
    return can_acknowledge_instruction(user, instruction.project)


@bp.route("/<int:project_id>/instructions/<int:instruction_id>/acknowledge", methods=["POST"])
@login_required
def instruction_ack(project_id: int, instruction_id: int):
    return _step(
        project_id,
        instruction_id,
        _team,
        AcknowledgeForm,
        lambda i, f: instructions.acknowledge_instruction(i, current_user, f.note.data, version=f.version.data or None),
        _("已签收批示。"),
    )


@bp.route("/<int:project_id>/instructions/<int:instruction_id>/answer", methods=["POST"])
@login_required
def instruction_answer(project_id: int, instruction_id: int):
    return _step(
        project_id,
        instruction_id,
        _team,
        InstructionAnswerForm,
        lambda i, f: instructions.answer_instruction(i, f.answer.data, current_user, version=f.version.data),
        _("已反馈办理情况，待领导办结。"),
    )


@bp.route("/<int:project_id>/instructions/<int:instruction_id>/close", methods=["POST"])
@login_required
def instruction_close(project_id: int, instruction_id: int):
    return _step(
        project_id,
        instruction_id,
        can_close_instruction,
        InstructionCloseForm,
        lambda i, f: instructions.close_instruction(i, current_user, f.note.data, version=f.version.data),
        _("批示已办结。"),
    )


@bp.route("/<int:project_id>/instructions/<int:instruction_id>/return", methods=["POST"])
@login_required
def instruction_return(project_id: int, instruction_id: int):
    return _step(
        project_id,
        instruction_id,
        can_close_instruction,
        InstructionReturnForm,
        lambda i, f: instructions.return_instruction(
            i, f.reason.data, current_user, due_on=f.due_on.data, version=f.version.data
        ),
        _("已退回工作专班继续办理。"),
    )
