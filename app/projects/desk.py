"""The leader's desk (领导工作台) and the weekly 项目服务日 sheet.

The desk: every project a leader is responsible for, red → yellow → green
(then projects without a light), each with its company, stage, 五个一 state
(落实 4/5 · 缺：一套方案 — the mechanism the desk exists for), next
milestone, last update, open problems and unacknowledged instructions;
counts on top (over every project); past DESK_PAGE_ROWS projects, paged in
that order; and the problems waiting for the leader (to assign, or to accept
the answer).

The sheet: every key project grouped by leader with the progress updates of
one week, for the weekly service day; printable on A4 and exported to .xlsx.

Both run a fixed number of queries however many projects there are.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from app.db import db
from app.delivery.schedule import YearProgress, progress_columns, year_progress
from app.models import (
    Instruction,
    InstructionStatus,
    Light,
    Milestone,
    Problem,
    ProblemStatus,
    ProgressUpdate,
    Project,
    Stage,
    User,
)
from app.pagination import Page
from app.problems.rules import Escalation, escalation_expression, open_condition, overdue_condition
from app.projects import instruction_rules
from app.projects.lights import LightInfo, current_light, light_details, light_rank
from app.projects.queries import FIVE_LABELS, five_ones_columns

FIVE_NAMES = ("leader", "team", "plan", "follow")


def _scalar(stmt: sa.Select) -> sa.ScalarSelect:
    return stmt.correlate(Project).scalar_subquery()


def _problems(aggregate: Any) -> sa.Select:
    return sa.select(aggregate).where(Problem.project_id == Project.id)


def _row_columns(today: dt.date) -> list[Any]:
    """Correlated columns a desk or sheet row shows."""
    next_ms = (
        sa.select(Milestone.id)
        .where(Milestone.project_id == Project.id, Milestone.done_on.is_(None))
        .order_by(Milestone.due_on, Milestone.id)
        .limit(1)
    )
    # The maintained `last_progress_on` pins the day: an equality lookup,
    # not a walk down every update of the project (or of the whole table).
    last_update = (
        sa.select(ProgressUpdate.id)
        .where(ProgressUpdate.project_id == Project.id, ProgressUpdate.happened_on == Project.last_progress_on)
        .order_by(ProgressUpdate.id.desc())
        .limit(1)
    )
    return [
        _scalar(next_ms).label("next_milestone_id"),
        _scalar(last_update).label("last_update_id"),
        # Problem rules inside the aggregates, only `project_id` in WHERE, so
        # the project's few problems are read by the project index.
        _scalar(_problems(sa.func.count(sa.case((open_condition(), Problem.id))))).label("open_problems"),
        _scalar(_problems(sa.func.count(sa.case((overdue_condition(today), Problem.id))))).label("overdue_problems"),
        _scalar(_problems(sa.func.max(escalation_expression(today)))).label("escalation"),
        _scalar(
            sa.select(sa.func.count(Instruction.id)).where(
                Instruction.project_id == Project.id, Instruction.status == InstructionStatus.ISSUED
            )
        ).label("unacknowledged"),
        _scalar(
            sa.select(sa.func.count(Instruction.id)).where(
                Instruction.project_id == Project.id, instruction_rules.overdue_condition(today)
            )
        ).label("instructions_overdue"),
        _scalar(
            sa.select(sa.func.count(Instruction.id)).where(
                Instruction.project_id == Project.id, Instruction.status == InstructionStatus.ANSWERED
            )
        ).label("instructions_answered"),
        *progress_columns(today),
    ]


@dataclass
class DeskRow:
    project: Project
    light: LightInfo
    next_milestone: Milestone | None
    last_update: ProgressUpdate | None
    open_problems: int
    overdue_problems: int
    escalation: Escalation
    unacknowledged: int
    instructions_overdue: int = 0  # past the 办理时限 without a 反馈
    instructions_answered: int = 0  # 反馈 in, waiting for the leader to 办结
    year: YearProgress | None = None  # the year's investment against the schedule
    updates: list[ProgressUpdate] = field(default_factory=list)
    five: dict[str, bool] = field(default_factory=dict)  # 五个一 items 2–5 (the desk)

    @property
    def five_done(self) -> int:
        """五个一 items in place, of five (一个项目 always is)."""
        return 1 + sum(1 for ok in self.five.values() if ok)

    @property
    def five_missing(self) -> list[str]:
        return [str(FIVE_LABELS[name]) for name, ok in self.five.items() if not ok]

    def next_milestone_days(self, today: dt.date) -> int | None:
        if self.next_milestone is None:
            return None
        return (self.next_milestone.due_on - today).days


def _build_rows(result: Iterable[Any], today: dt.date) -> list[DeskRow]:
    result = list(result)
    milestone_ids = {r.next_milestone_id for r in result if r.next_milestone_id}
    update_ids = {r.last_update_id for r in result if r.last_update_id}
    milestones: dict[int, Milestone] = {}
    updates: dict[int, ProgressUpdate] = {}
    if milestone_ids:
        milestones = {m.id: m for m in db.session.scalars(sa.select(Milestone).where(Milestone.id.in_(milestone_ids)))}
    if update_ids:
        updates = {
            u.id: u
            for u in db.session.scalars(
                sa.select(ProgressUpdate)
                .options(orm.joinedload(ProgressUpdate.author))
                .where(ProgressUpdate.id.in_(update_ids))
            )
        }
    # The one place the desk and the sheet read lights (see lights.py).
    lights = light_details([r[0].id for r in result if r[0].is_key], today)
    return [
        DeskRow(
            project=r[0],
            light=lights.get(r[0].id, LightInfo(None)),
            next_milestone=milestones.get(r.next_milestone_id),
            last_update=updates.get(r.last_update_id),
            open_problems=int(r.open_problems or 0),
            overdue_problems=int(r.overdue_problems or 0),
            escalation=Escalation(int(r.escalation or 0)),
            unacknowledged=int(r.unacknowledged or 0),
            instructions_overdue=int(getattr(r, "instructions_overdue", 0) or 0),
            instructions_answered=int(getattr(r, "instructions_answered", 0) or 0),
            year=year_progress(r, today),
            five={name: bool(getattr(r, f"five_{name}")) for name in FIVE_NAMES if hasattr(r, f"five_{name}")},
        )
        for r in result
    ]


DESK_PAGE_ROWS = 50  # past this many projects the desk is paged, in desk order


@dataclass
class Desk:
    leader: User
    rows: list[DeskRow]
    waiting_problems: list[Problem]

    def page(self, number: int = 1, per_page: int = DESK_PAGE_ROWS) -> Page:
        """One page of the rows, in desk order (those needing attention on
        the first); a number past the end gives the last page."""
        last = max(1, math.ceil(len(self.rows) / per_page))
        number = min(max(1, number), last)
        start = (number - 1) * per_page
        return Page(items=self.rows[start : start + per_page], page=number, per_page=per_page, total=len(self.rows))

    @property
    def counts(self) -> dict[str, int]:
        lights = [row.light.css for row in self.rows]
        return {
            "projects": len(self.rows),
            "key": sum(1 for row in self.rows if row.project.is_key),
            "red": lights.count("red"),
            "yellow": lights.count("yellow"),
            "green": lights.count("green"),
            "open_problems": sum(row.open_problems for row in self.rows),
            "overdue_problems": sum(row.overdue_problems for row in self.rows),
            "unacknowledged": sum(row.unacknowledged for row in self.rows),
            "instructions_overdue": sum(row.instructions_overdue for row in self.rows),
            "instructions_answered": sum(row.instructions_answered for row in self.rows),
            "waiting": len(self.waiting_problems),
        }


LIGHT_ORDER = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2, None: 3}


def _desk_order(row: DeskRow) -> tuple[Any, ...]:
    """Red → yellow → green → no light, then the nearest open milestone,
    then the largest investment."""
    due = row.next_milestone.due_on if row.next_milestone else None
    project = row.project
    return (LIGHT_ORDER[row.light.light], due is None, due or dt.date.min, -project.planned_investment, project.id)


def leader_desk(leader: User, today: dt.date) -> Desk:
    """The desk of `leader` (five queries, whatever the number of projects).

    Rows are put in order here, from the lights and milestones already read
    for them: sorting in SQL by the light expression evaluated it (and its
    table-wide sub-selects) once per rank, several times per desk."""
    stmt = (
        sa.select(Project, *_row_columns(today), *five_ones_columns(today))
        .options(orm.joinedload(Project.lead_department), orm.joinedload(Project.company))
        .where(
            Project.responsible_leader_id == leader.id,
            Project.stage != Stage.EXITED,
            Project.archived_at.is_(None),
        )
    )
    rows = sorted(_build_rows(db.session.execute(stmt).unique().all(), today), key=_desk_order)
    waiting = list(
        db.session.scalars(
            sa.select(Problem)
            .join(Project, Project.id == Problem.project_id)
            .options(orm.contains_eager(Problem.project), orm.joinedload(Problem.category))
            .where(
                Project.responsible_leader_id == leader.id,
                Problem.archived_at.is_(None),
                Problem.status.in_((ProblemStatus.REPORTED, ProblemStatus.ANSWERED)),
            )
            .order_by(Problem.status, Problem.raised_on, Problem.id)
            .limit(20)
        )
    )
    return Desk(leader=leader, rows=rows, waiting_problems=waiting)


# --- 项目服务日 sheet -----------------------------------------------------------


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def default_week(today: dt.date) -> dt.date:
    """The sheet covers last week by default."""
    return week_of(today)[0] - dt.timedelta(days=7)


@dataclass
class LeaderGroup:
    leader: User | None
    rows: list[DeskRow]

    @property
    def updates(self) -> int:
        return sum(len(row.updates) for row in self.rows)


@dataclass
class ServiceSheet:
    start: dt.date
    end: dt.date
    groups: list[LeaderGroup]

    @property
    def project_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def update_count(self) -> int:
        return sum(g.updates for g in self.groups)

    @property
    def silent_count(self) -> int:
        """Key projects without any update in the week."""
        return sum(1 for g in self.groups for row in g.rows if not row.updates)


def service_sheet(start: dt.date, today: dt.date, conditions: list[sa.ColumnElement[bool]]) -> ServiceSheet:
    """Key projects (not exited) matching `conditions`, grouped by leader,
    with their updates dated `start` … `start` + 6 days."""
    start, end = week_of(start)
    base = [Project.is_key.is_(True), Project.stage != Stage.EXITED, Project.archived_at.is_(None), *conditions]
    leader = orm.aliased(User)
    stmt = (
        sa.select(Project, *_row_columns(today))
        .outerjoin(leader, leader.id == Project.responsible_leader_id)
        .options(orm.joinedload(Project.lead_department), orm.joinedload(Project.responsible_leader))
        .where(*base)
        # Leaders in the order admin entered them (usually protocol order).
        .order_by(leader.id.is_(None), leader.id, light_rank(current_light(today)), Project.id)
    )
    rows = _build_rows(db.session.execute(stmt).unique().all(), today)
    week_updates = db.session.scalars(
        sa.select(ProgressUpdate)
        .options(orm.joinedload(ProgressUpdate.author))
        .where(
            ProgressUpdate.project_id.in_(sa.select(Project.id).where(*base)),
            ProgressUpdate.happened_on >= start,
            ProgressUpdate.happened_on <= end,
        )
        .order_by(ProgressUpdate.happened_on, ProgressUpdate.id)
    )
    by_project: dict[int, list[ProgressUpdate]] = {}
    for update in week_updates:
        by_project.setdefault(update.project_id, []).append(update)
    groups: list[LeaderGroup] = []
    for row in rows:
        row.updates = by_project.get(row.project.id, [])
        person = row.project.responsible_leader
        if not groups or (groups[-1].leader.id if groups[-1].leader else None) != (person.id if person else None):
            groups.append(LeaderGroup(person, []))
        groups[-1].rows.append(row)
    return ServiceSheet(start=start, end=end, groups=groups)
