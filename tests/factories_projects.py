"""Factories for projects and what hangs on them: milestones, progress
updates, instructions, problems, agreements. Each returns a flushed record;
tests override defaults by keyword. Dates are explicit so light tests can pin
"today"."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import (
    Agreement,
    AgreementKind,
    Department,
    Instruction,
    InstructionStatus,
    Milestone,
    Problem,
    ProblemEvent,
    ProblemStatus,
    ProgressUpdate,
    Project,
    RefKind,
    Role,
    Stage,
    User,
)
from app.search import search_text
from tests import factories

_seq = itertools.count(1)


def project(
    *,
    name: str | None = None,
    stage: Stage = Stage.ATTRACTING,
    is_key: bool = True,
    department: Department | None = None,
    leader: User | None = None,
    team: list[User] | None = None,
    created_on: dt.date | None = None,
    last_progress_on: dt.date | None = None,
    stage_since: dt.date | None = None,
    planned_investment: Decimal | int = 10000,
    **fields: Any,
) -> Project:
    """A project row written directly (no StageChange), for rule tests."""
    name = name or f"测试项目{next(_seq)}"
    created = dt.datetime.combine(created_on or clock.today(), dt.time(9, 0))
    record = Project(
        name=name,
        search_text=search_text(name),
        stage=stage,
        stage_changed_at=dt.datetime.combine(stage_since, dt.time(9, 0)) if stage_since else created,
        is_key=is_key,
        planned_investment=Decimal(planned_investment),
        lead_department_id=department.id if department else None,
        responsible_leader_id=leader.id if leader else None,
        last_progress_on=last_progress_on,
        created_at=created,
        **fields,
    )
    if team:
        record.team = list(team)
    db.session.add(record)
    db.session.flush()
    return record


def complete_project(today: dt.date | None = None, **fields: Any) -> Project:
    """A key project meeting all five ones on `today`."""
    today = today or clock.today()
    department = fields.pop("department", None) or factories.department()
    leader = fields.pop("leader", None) or factories.user(Role.LEADER)
    team = fields.pop("team", None) or [factories.user(Role.STAFF, department=department)]
    record = project(
        department=department,
        leader=leader,
        team=team,
        plan_text="推进方案：年内完成供地并开工。",
        last_progress_on=fields.pop("last_progress_on", today),
        **fields,
    )
    milestone(record, due_on=today + dt.timedelta(days=60))
    return record


def milestone(
    project: Project, *, name: str | None = None, due_on: dt.date, done_on: dt.date | None = None
) -> Milestone:
    record = Milestone(project_id=project.id, name=name or f"节点{next(_seq)}", due_on=due_on, done_on=done_on)
    db.session.add(record)
    db.session.flush()
    return record


def progress(
    project: Project, *, on: dt.date, author: User | None = None, text: str = "召开项目推进会"
) -> ProgressUpdate:
    record = ProgressUpdate(project_id=project.id, happened_on=on, author_id=author.id if author else None, text=text)
    db.session.add(record)
    if project.last_progress_on is None or on > project.last_progress_on:
        project.last_progress_on = on
    db.session.flush()
    return record


def instruction(
    project: Project,
    leader: User,
    *,
    acknowledged: bool = False,
    text: str = "加快推进",
    due_on: dt.date | None = None,
    status: InstructionStatus | None = None,
) -> Instruction:
    record = Instruction(project_id=project.id, leader_id=leader.id, text=text, due_on=due_on)
    record.status = status or (InstructionStatus.ACKNOWLEDGED if acknowledged else InstructionStatus.ISSUED)
    if acknowledged or record.status is not InstructionStatus.ISSUED:
        record.acknowledged_at = clock.utcnow()
    db.session.add(record)
    db.session.flush()
    return record


def problem(
    project: Project,
    *,
    status: ProblemStatus = ProblemStatus.REPORTED,
    deadline: dt.date | None = None,
    department: Department | None = None,
    raised_by: User | None = None,
    raised_on: dt.date | None = None,
    category: str = "土地",
    description: str = "用地指标未落实",
) -> Problem:
    record = Problem(
        project_id=project.id,
        category_id=ref_id(RefKind.PROBLEM_CATEGORY, category),
        description=description,
        raised_by_id=raised_by.id if raised_by else None,
        raised_on=raised_on or clock.today() - dt.timedelta(days=30),
        responsible_department_id=department.id if department else None,
        deadline=deadline,
        status=status,
    )
    db.session.add(record)
    db.session.flush()
    db.session.add(ProblemEvent(problem_id=record.id, from_status=None, to_status=status))
    db.session.flush()
    return record


def agreement(
    project: Project,
    *,
    signed_on: dt.date,
    committed_construction_on: dt.date | None = None,
    kind: AgreementKind = AgreementKind.INVESTMENT,
    amount: Decimal | int = 10000,
    **fields: Any,
) -> Agreement:
    record = Agreement(
        project_id=project.id,
        kind=kind,
        signed_on=signed_on,
        agreed_investment=Decimal(amount),
        committed_construction_on=committed_construction_on,
        **fields,
    )
    db.session.add(record)
    db.session.flush()
    return record
