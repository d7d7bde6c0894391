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

Both run a fixed number of queries however many projects there are; the desk
reads whole only the rows of the page it shows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
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


def _instructions(*conditions: sa.ColumnElement[bool]) -> sa.ScalarSelect:
    return _scalar(sa.select(sa.func.count(Instruction.id)).where(Instruction.project_id == Project.id, *conditions))


def _count_columns(today: dt.date) -> list[Any]:
    """Correlated counts a row shows and the desk adds up over every project."""
    return [
        # Problem rules inside the aggregates, only `project_id` in WHERE, so
        # the project's few problems are read by the project index.
        _scalar(_problems(sa.func.count(sa.case((open_condition(), Problem.id))))).label("open_problems"),
        _scalar(_problems(sa.func.count(sa.case((overdue_condition(today), Problem.id))))).label("overdue_problems"),
        _instructions(Instruction.status == InstructionStatus.ISSUED).label("unacknowledged"),
        _instructions(instruction_rules.overdue_condition(today)).label("instructions_overdue"),
        _instructions(Instruction.status == InstructionStatus.ANSWERED).label("instructions_answered"),
    ]


def _next_milestone(column: Any) -> sa.ScalarSelect:
    return _scalar(
        sa.select(column)
        .where(Milestone.project_id == Project.id, Milestone.done_on.is_(None))
        .order_by(Milestone.due_on, Milestone.id)
        .limit(1)
    )


def _shown_columns(today: dt.date) -> list[Any]:
    """Correlated columns only a shown row needs: its next milestone, its
    latest update, how far its problems are escalated, the year's investment."""
    # The maintained `last_progress_on` pins the day: an equality lookup,
    # not a walk down every update of the project (or of the whole table).
    last_update = (
        sa.select(ProgressUpdate.text)
        .where(ProgressUpdate.project_id == Project.id, ProgressUpdate.happened_on == Project.last_progress_on)
        .order_by(ProgressUpdate.id.desc())
        .limit(1)
    )
    return [
        _next_milestone(Milestone.name).label("next_milestone_name"),
        _next_milestone(Milestone.due_on).label("next_milestone_due"),
        _scalar(last_update).label("last_update_text"),
        _scalar(_problems(sa.func.max(escalation_expression(today)))).label("escalation"),
        *progress_columns(today),
    ]


@dataclass(frozen=True)
class NextMilestone:
    name: str
    due_on: dt.date


@dataclass(frozen=True)
class LastUpdate:
    """The latest progress update of a project (the one on `last_progress_on`)."""

    text: str


@dataclass
class DeskRow:
    project: Project
    light: LightInfo
    next_milestone: NextMilestone | None
    last_update: LastUpdate | None
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

    @cached_property  # the desk asks it three times per row
    def five_missing(self) -> list[str]:
        return [str(FIVE_LABELS[name]) for name, ok in self.five.items() if not ok]

    def next_milestone_days(self, today: dt.date) -> int | None:
        if self.next_milestone is None:
            return None
        return (self.next_milestone.due_on - today).days


def _build_rows(result: Iterable[Any], today: dt.date, counts: dict[int, Any] | None = None) -> list[DeskRow]:
    """DeskRows from (Project, shown columns…, [count columns], [five flags])
    results; the counts from `counts` (by project id) when the rows do not
    carry them."""
    result = list(result)
    # The one place the desk and the sheet read lights (see lights.py).
    lights = light_details([r[0].id for r in result if r[0].is_key], today)
    rows = []
    for r in result:
        project = r[0]
        c = counts[project.id] if counts is not None else r
        rows.append(
            DeskRow(
                project=project,
                light=lights.get(project.id, LightInfo(None)),
                next_milestone=(
                    NextMilestone(r.next_milestone_name, r.next_milestone_due)
                    if r.next_milestone_due is not None
                    else None
                ),
                last_update=LastUpdate(r.last_update_text) if r.last_update_text is not None else None,
                open_problems=int(c.open_problems or 0),
                overdue_problems=int(c.overdue_problems or 0),
                escalation=Escalation(int(r.escalation or 0)),
                unacknowledged=int(c.unacknowledged or 0),
                instructions_overdue=int(c.instructions_overdue or 0),
                instructions_answered=int(c.instructions_answered or 0),
                year=year_progress(r, today),
                five={name: bool(getattr(r, f"five_{name}")) for name in FIVE_NAMES if hasattr(r, f"five_{name}")},
            )
        )
    return rows


DESK_PAGE_ROWS = 50  # past this many projects the desk is paged, in desk order


@dataclass
class Desk:
    leader: User
    page: Page  # of DeskRow, in desk order (those needing attention on the first)
    counts: dict[str, int]  # over every project of the desk
    waiting_problems: list[Problem]

    @property
    def rows(self) -> list[DeskRow]:
        return self.page.items


LIGHT_ORDER = {Light.RED.value: 0, Light.YELLOW.value: 1, Light.GREEN.value: 2, None: 3}


def _desk_order(row: Any) -> tuple[Any, ...]:
    """Red → yellow → green → no light, then the nearest open milestone,
    then the largest investment."""
    due = row.next_due
    return (LIGHT_ORDER[row.light], due is None, due or dt.date.min, -row.planned_investment, row.id)


def _counts(summary: list[Any], waiting: int) -> dict[str, int]:
    lights = [row.light for row in summary]
    return {
        "projects": len(summary),
        "key": sum(1 for row in summary if row.is_key),
        "red": lights.count(Light.RED.value),
        "yellow": lights.count(Light.YELLOW.value),
        "green": lights.count(Light.GREEN.value),
        **{
            name: sum(int(getattr(row, name) or 0) for row in summary)
            for name in (
                "open_problems",
                "overdue_problems",
                "unacknowledged",
                "instructions_overdue",
                "instructions_answered",
            )
        },
        "waiting": waiting,
    }


def leader_desk(leader: User, today: dt.date, page: int = 1, per_page: int = DESK_PAGE_ROWS) -> Desk:
    """The desk of `leader`, one page of it shown (a number past the end
    gives the last page); four queries, whatever the number of projects.

    What the order and the counts need (the light, the next due date, the
    problem and instruction counts) is read for every project first, in
    one narrow query, and put in order here: sorting in SQL by the light
    evaluated it once per rank. Only the page's rows are then read whole,
    with their lights' reasons."""
    mine = (
        Project.responsible_leader_id == leader.id,
        Project.stage != Stage.EXITED,
        Project.archived_at.is_(None),
    )
    next_due = _scalar(
        sa.select(sa.func.min(Milestone.due_on)).where(Milestone.project_id == Project.id, Milestone.done_on.is_(None))
    )
    summary = db.session.execute(
        sa.select(
            Project.id,
            Project.is_key,
            Project.planned_investment,
            current_light(today).label("light"),
            next_due.label("next_due"),
            *_count_columns(today),
        ).where(*mine)
    ).all()
    summary.sort(key=_desk_order)
    last = max(1, math.ceil(len(summary) / per_page))
    page = min(max(1, page), last)
    shown = summary[(page - 1) * per_page : page * per_page]
    rows: list[DeskRow] = []
    if shown:
        result = db.session.execute(
            sa.select(Project, *_shown_columns(today), *five_ones_columns(today))
            .options(orm.joinedload(Project.lead_department), orm.joinedload(Project.company))
            .where(Project.id.in_([row.id for row in shown]))
        ).unique()
        by_id = {row.project.id: row for row in _build_rows(result, today, {row.id: row for row in shown})}
        rows = [by_id[row.id] for row in shown]
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
    return Desk(
        leader=leader,
        page=Page(items=rows, page=page, per_page=per_page, total=len(summary)),
        counts=_counts(summary, len(waiting)),
        waiting_problems=waiting,
    )


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
        sa.select(Project, *_count_columns(today), *_shown_columns(today))
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
