"""The project page (项目详情): facts, light, the five-ones checklist, plan and
milestones, progress, instructions, problems, the stage timeline and the
panels other areas contribute (visits, agreements, delivery: the annual plan
and monthly investment reports, approvals: the 联审联批 items). Rendered by
the page view and again, with the failing form, by the actions that post
from it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy import orm

from app import clock
from app.activity_links import activity_links
from app.agreements.project_panel import project_panel as agreements_panel
from app.approvals.project_panel import approval_panel
from app.db import db
from app.delivery.project_panel import delivery_panel
from app.leads.project_panel import project_panel as visits_panel
from app.lookups import ref_choices
from app.models import (
    STAGE_LIBRARY,
    STAGE_ORDER,
    Instruction,
    InstructionEvent,
    LeaderHandover,
    Problem,
    ProblemStatus,
    ProgressUpdate,
    Project,
    RefKind,
    Role,
    Stage,
    StageChange,
    User,
)
from app.permissions import (
    can_close_instruction,
    project_abilities,
)
from app.problems.rules import escalation_of
from app.projects import instruction_rules
from app.projects.five_ones import checklist
from app.projects.forms import (
    AcknowledgeForm,
    InstructionAnswerForm,
    InstructionCloseForm,
    InstructionForm,
    InstructionReturnForm,
    MilestoneForm,
    ProgressForm,
    StageMoveForm,
)
from app.projects.instructions import default_due
from app.projects.lights import light_of
from app.projects.services import days_in_stage


def timeline(project: Project) -> list[dict[str, Any]]:
    """Stage changes and leader handovers, newest first."""
    events: list[dict[str, Any]] = []
    for change in project.stage_changes:
        events.append({"kind": "stage", "at": change.changed_at, "on": change.changed_on, "item": change})
    for handover in project.handovers:
        events.append(
            {"kind": "handover", "at": handover.changed_at, "on": handover.changed_at.date(), "item": handover}
        )
    events.sort(key=lambda e: (e["on"], e["at"]), reverse=True)
    return events


def detail_statement(project_id: int) -> sa.Select:
    return (
        sa.select(Project)
        .where(Project.id == project_id)
        .options(
            orm.joinedload(Project.company),
            orm.joinedload(Project.industry),
            orm.joinedload(Project.kind),
            orm.joinedload(Project.lead_department),
            orm.joinedload(Project.responsible_leader),
            orm.joinedload(Project.exit_reason),
            orm.selectinload(Project.team).joinedload(User.department),
            orm.selectinload(Project.milestones),
            orm.selectinload(Project.progress_updates).joinedload(ProgressUpdate.author),
            orm.selectinload(Project.instructions).joinedload(Instruction.leader),
            orm.selectinload(Project.instructions).joinedload(Instruction.acknowledged_by),
            orm.selectinload(Project.instructions).joinedload(Instruction.answered_by),
            orm.selectinload(Project.instructions).joinedload(Instruction.closed_by),
            orm.selectinload(Project.instructions).selectinload(Instruction.events).joinedload(InstructionEvent.actor),
            orm.selectinload(Project.handovers).joinedload(LeaderHandover.from_leader),
            orm.selectinload(Project.handovers).joinedload(LeaderHandover.to_leader),
            orm.selectinload(Project.handovers).joinedload(LeaderHandover.changed_by),
            orm.selectinload(Project.stage_changes).joinedload(StageChange.changed_by),
            orm.selectinload(Project.stage_changes).joinedload(StageChange.reason),
            orm.selectinload(Project.problems).joinedload(Problem.category),
            orm.selectinload(Project.problems).joinedload(Problem.responsible_department),
        )
    )


# The project page's main column, in the order each viewer works in (issue 16):
# a leader reads the light (at the top for everyone), then his 批示 and the
# problems; the working team writes progress and keeps the milestones; anyone
# else reads the project's facts first.
LEADER_ORDER = (
    "instructions", "problems", "five_ones", "plan", "progress",
    "delivery", "approvals", "info", "visits", "agreements", "history",
)  # fmt: skip
TEAM_ORDER = (
    "progress", "plan", "instructions", "problems", "delivery",
    "approvals", "five_ones", "info", "visits", "agreements", "history",
)  # fmt: skip
READER_ORDER = (
    "info", "delivery", "approvals", "five_ones", "plan", "progress",
    "instructions", "problems", "visits", "agreements", "history",
)  # fmt: skip


def section_order(user: User, can: dict[str, bool]) -> tuple[str, ...]:
    """The main column's sections for `user`, whose abilities are `can`."""
    if user.role is Role.LEADER:
        return LEADER_ORDER
    if can.get("progress"):
        return TEAM_ORDER
    return READER_ORDER


def render_detail(project_id: int, status: int = 200, **forms: Any):
    today = clock.today()
    project = db.session.execute(detail_statement(project_id)).unique().scalar_one()
    stage_form = forms.get("stage_form") or StageMoveForm(formdata=None)
    stage_form.reason_id.choices = ref_choices(RefKind.REASON)
    if project.stage is Stage.EXITED:
        stage_form.to.choices = [(s.value, s.label) for s in STAGE_ORDER]
        if project.exit_from_stage and not forms.get("stage_form"):
            stage_form.to.data = project.exit_from_stage.value
    else:
        stage_form.to.choices = [(s.value, s.label) for s in [*STAGE_ORDER, Stage.EXITED] if s is not project.stage]
        if not forms.get("stage_form"):
            position = STAGE_ORDER.index(project.stage)
            following = STAGE_ORDER[position + 1] if position + 1 < len(STAGE_ORDER) else Stage.EXITED
            stage_form.to.data = following.value
    problem_form = forms.get("problem_form")
    if problem_form is None:
        from app.problems.forms import ProblemForm

        problem_form = ProblemForm(formdata=None)
    problem_form.category_id.choices = ref_choices(RefKind.PROBLEM_CATEGORY, blank="— 请选择 —")
    progress_form = forms.get("progress_form") or ProgressForm(formdata=None, happened_on=today)
    problems = sorted(project.problems, key=lambda p: (p.raised_on, p.id), reverse=True)
    problems.sort(key=lambda p: p.status is ProblemStatus.CLOSED)
    can = project_abilities(current_user, project)
    visits = visits_panel(project, current_user)
    html = render_template(
        "projects/detail.html",
        project=project,
        library=STAGE_LIBRARY.get(project.stage),
        light=light_of(project, today),
        checklist=checklist(project, today),
        days_in_stage=days_in_stage(project, today),
        can=can,
        section_order=section_order(current_user, can),
        panels={
            "visits": visits,
            "agreements": agreements_panel(project, current_user, today=today),
            "delivery": delivery_panel(project, current_user, today=today),
            "approvals": approval_panel(project, current_user, today=today),
        },
        activity_links=activity_links(current_user, [project.activity_id, *(v.activity_id for v in visits.visits)]),
        stage_form=stage_form,
        milestone_form=forms.get("milestone_form") or MilestoneForm(formdata=None),
        progress_form=progress_form,
        instruction_form=forms.get("instruction_form") or InstructionForm(formdata=None, due_on=default_due(today)),
        instruction_step=forms.get("instruction_step"),  # (instruction id, the refused form)
        instruction_forms={
            "ack": AcknowledgeForm(formdata=None),
            "answer": InstructionAnswerForm(formdata=None),
            "close": InstructionCloseForm(formdata=None),
            "return": InstructionReturnForm(formdata=None),
        },
        instruction_overdue=lambda i: instruction_rules.days_overdue(i, today),
        can_close_instruction=lambda i: can_close_instruction(current_user, i),
        problem_form=problem_form,
        problems=problems,
        escalation_of=lambda p: escalation_of(p, today),
        timeline=timeline(project),
        stage_order=STAGE_ORDER,
        as_of=today,
    )
    return html, status
