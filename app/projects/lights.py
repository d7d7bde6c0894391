"""Status lights 红黄绿灯 of key projects (DESIGN.md, Status light), in SQL.

`light_expression(today)` is a column expression usable in any SELECT over
`Project` ('red' | 'yellow' | 'green', NULL for projects that are not key or
have exited), so lists filter and sort by light in the database;
`current_light(today)` reads the same from the kept report facts.
`light_details(ids, today)` reads, in one query for a whole page, the facts
behind each light and words the reasons ("节点『土地挂牌』逾期 12 天").

Rules (thresholds from config):
- red: an open milestone past its due date; a problem past its deadline
  (still pending with the responsible department); the committed start of
  construction of the latest agreement passed while the project is still
  `signed` (counts as an overdue milestone); no progress update for more than
  LIGHT_RED_NO_UPDATE_DAYS days;
- yellow: an open milestone (or that committed date) due within
  LIGHT_YELLOW_MILESTONE_DAYS days; an open problem; no update for more than
  LIGHT_YELLOW_NO_UPDATE_DAYS days;
- green: otherwise.

The delivery rules (`app/delivery/schedule.py`): year-to-date investment
behind the schedule (序时进度) by LIGHT_RED_BEHIND_POINTS is red, by
LIGHT_YELLOW_BEHIND_POINTS yellow; a planned start of construction or
production passed without it is red; a monthly report not filed by its
deadline is yellow. Approval items (`app/approvals/rules.py`): one past its
计划完成日期 is red, one due within LIGHT_YELLOW_MILESTONE_DAYS yellow.
Instructions (`app/projects/instruction_rules.py`): one past its 办理时限
without a 反馈 is yellow, more than LIGHT_RED_INSTRUCTION_DAYS past red.

"No update for more than N days" counts from the latest progress update, or
from the day the project was entered when it has none yet. Follow-through
(一抓到底) ends at production, so projects in `production` are not lit for
missing updates (milestones and problems still count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import clock, facts
from app.approvals import rules as approval_rules
from app.counting import latest_committed_date
from app.db import db
from app.delivery import schedule
from app.models import Light, Milestone, Problem, Project, ProjectFact, RefItem, Stage
from app.problems.rules import open_condition, overdue_condition
from app.projects import instruction_rules


@dataclass(frozen=True)
class Thresholds:
    red_no_update_days: int
    yellow_no_update_days: int
    yellow_milestone_days: int
    schedule: schedule.ScheduleRules

    @classmethod
    def from_config(cls) -> Thresholds:
        config = current_app.config
        return cls(
            red_no_update_days=int(config["LIGHT_RED_NO_UPDATE_DAYS"]),
            yellow_no_update_days=int(config["LIGHT_YELLOW_NO_UPDATE_DAYS"]),
            yellow_milestone_days=int(config["LIGHT_YELLOW_MILESTONE_DAYS"]),
            schedule=schedule.ScheduleRules.from_config(),
        )


def _lit_condition() -> sa.ColumnElement[bool]:
    """Projects that carry a light: key and not exited."""
    return sa.and_(Project.is_key.is_(True), Project.stage != Stage.EXITED)


def stale_condition(today: dt.date, days: int) -> sa.ColumnElement[bool]:
    """No progress update for more than `days` days (counted from the entry
    date when there is none); never for projects in production."""
    cutoff = today - dt.timedelta(days=days)
    return sa.and_(
        Project.stage != Stage.PRODUCTION,
        sa.or_(
            Project.last_progress_on < cutoff,
            sa.and_(Project.last_progress_on.is_(None), Project.created_at < clock.start_of(cutoff)),
        ),
    )


def _with_open_milestone(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """Projects having an open milestone that matches `conditions`.

    Written as an uncorrelated IN, not a correlated EXISTS: the database
    builds the set of project ids once per statement (walking the date
    indexes), so filtering or sorting a whole library by light costs one pass
    instead of one probe per project and rule."""
    return Project.id.in_(sa.select(Milestone.project_id).where(Milestone.done_on.is_(None), *conditions))


def _with_problem(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """Projects having a problem that matches `condition` (uncorrelated IN)."""
    return Project.id.in_(sa.select(Problem.project_id).where(condition))


def commitment_date() -> sa.ScalarSelect:
    """The committed start of construction of the project's latest
    (non-archived) agreement that states one — the agreements' own rule."""
    return latest_committed_date("committed_construction_on", "light_commitment")


def red_condition(today: dt.date, t: Thresholds | None = None) -> sa.ColumnElement[bool]:
    t = t or Thresholds.from_config()
    return sa.or_(
        _with_open_milestone(Milestone.due_on < today),
        _with_problem(overdue_condition(today)),
        sa.and_(Project.stage == Stage.SIGNED, commitment_date() < today),
        stale_condition(today, t.red_no_update_days),
        schedule.red_condition(today, t.schedule),
        approval_rules.red_condition(today),
        instruction_rules.red_condition(today),
    )


def yellow_condition(today: dt.date, t: Thresholds | None = None) -> sa.ColumnElement[bool]:
    """The yellow rules alone (true for red projects too; `light_expression`
    checks red first)."""
    t = t or Thresholds.from_config()
    soon = today + dt.timedelta(days=t.yellow_milestone_days)
    return sa.or_(
        _with_open_milestone(Milestone.due_on >= today, Milestone.due_on <= soon),
        _with_problem(open_condition()),
        sa.and_(Project.stage == Stage.SIGNED, commitment_date() >= today, commitment_date() <= soon),
        stale_condition(today, t.yellow_no_update_days),
        schedule.yellow_condition(today, t.schedule),
        approval_rules.yellow_condition(today, t.yellow_milestone_days),
        instruction_rules.yellow_condition(today),
    )


def light_expression(today: dt.date) -> sa.ColumnElement[str]:
    """'red' | 'yellow' | 'green' for key projects, NULL otherwise."""
    t = Thresholds.from_config()
    return sa.case(
        (~_lit_condition(), sa.null()),
        (red_condition(today, t), sa.literal(Light.RED.value, sa.String(6))),
        (yellow_condition(today, t), sa.literal(Light.YELLOW.value, sa.String(6))),
        else_=sa.literal(Light.GREEN.value, sa.String(6)),
    )


def current_light(today: dt.date) -> sa.ColumnElement[str]:
    """The light as a column over `Project`, the same values as
    `light_expression(today)`: read from the kept facts (`app.facts`, one
    primary-key probe per row) while every kept light is of `today`, else
    worked out from the rules here."""
    if facts.lights_fresh(today):
        return sa.select(ProjectFact.light).where(ProjectFact.id == Project.id).correlate(Project).scalar_subquery()
    return light_expression(today)


def light_rank(light: sa.ColumnElement[str]) -> sa.ColumnElement[int]:
    """Sort key: red 0, yellow 1, green 2, no light 3."""
    return sa.case(
        (light == Light.RED.value, 0), (light == Light.YELLOW.value, 1), (light == Light.GREEN.value, 2), else_=3
    )


def light_condition(light: Light, today: dt.date) -> sa.ColumnElement[bool]:
    """Projects whose light is `light` (for list filters and report counts)."""
    return current_light(today) == light.value


# --- reasons, one query per page --------------------------------------------


@dataclass
class LightInfo:
    """A project's light and the reasons for it, most serious first."""

    light: Light | None
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.light is None:
            return ""
        return "；".join(self.reasons) if self.reasons else _("各项节点正常推进")

    @property
    def css(self) -> str:
        return self.light.value if self.light else ""


def reason_columns(today: dt.date, t: Thresholds | None = None) -> dict[str, sa.ColumnElement]:
    """{label: correlated column over `Project`}: the facts behind a light
    its reasons are worded from (`_reasons`), as of `today`. The report
    facts keep them (`ProjectFact.light_<label>`, LIGHT_REASON_LABELS);
    names of reference items are read by id, so a renamed category reads
    renamed."""
    t = t or Thresholds.from_config()
    soon = today + dt.timedelta(days=t.yellow_milestone_days)

    def first_milestone(column, *conditions):
        return (
            sa.select(column)
            .where(Milestone.project_id == Project.id, Milestone.done_on.is_(None), *conditions)
            .order_by(Milestone.due_on, Milestone.id)
            .limit(1)
            .correlate(Project)
            .scalar_subquery()
        )

    def count_of(model, *conditions):
        return (
            sa.select(sa.func.count(model.id))
            .where(model.project_id == Project.id, *conditions)
            .correlate(Project)
            .scalar_subquery()
        )

    overdue_ms = (Milestone.due_on < today,)
    soon_ms = (Milestone.due_on >= today, Milestone.due_on <= soon)
    overdue = overdue_condition(today)

    def over_problems(aggregate):
        # Only `project_id` in WHERE, the rules inside the aggregate: the
        # database walks the project's few problems by the project index
        # (a status/deadline WHERE tempts SQLite into the wrong index).
        return sa.select(aggregate).where(Problem.project_id == Project.id).correlate(Project).scalar_subquery()

    worst_problem = (
        sa.select(Problem.category_id)
        .where(Problem.project_id == Project.id)
        .order_by(sa.case((overdue, 0), else_=1), Problem.deadline, Problem.id)
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
    )
    columns = {
        "last_progress_on": Project.last_progress_on,
        "created_at": Project.created_at,
        "overdue_name": first_milestone(Milestone.name, *overdue_ms),
        "overdue_due": first_milestone(Milestone.due_on, *overdue_ms),
        "overdue_count": count_of(Milestone, Milestone.done_on.is_(None), *overdue_ms),
        "soon_name": first_milestone(Milestone.name, *soon_ms),
        "soon_due": first_milestone(Milestone.due_on, *soon_ms),
        "problem_deadline": over_problems(sa.func.min(sa.case((overdue, Problem.deadline)))),
        "problem_category_id": worst_problem,
        "overdue_problems": over_problems(sa.func.count(sa.case((overdue, Problem.id)))),
        "open_problems": over_problems(sa.func.count(sa.case((open_condition(), Problem.id)))),
        "commitment": commitment_date(),
    }
    for column in (
        *schedule.fact_columns(today, t.schedule),
        *approval_rules.light_columns(today, t.yellow_milestone_days),
        *instruction_rules.light_columns(today),
    ):
        columns[column.key] = column.element
    return columns


def _named(stmt: sa.Select) -> sa.Select:
    """`stmt` with the names of the reference items its reasons name."""
    facts_row = stmt.subquery("light_facts")
    category, late, coming = (sa.orm.aliased(RefItem) for _ in range(3))
    return (
        sa.select(
            facts_row,
            category.name.label("problem_category"),
            late.name.label("approval_late_name"),
            coming.name.label("approval_soon_name"),
        )
        .outerjoin(category, category.id == facts_row.c.problem_category_id)
        .outerjoin(late, late.id == facts_row.c.approval_late_type_id)
        .outerjoin(coming, coming.id == facts_row.c.approval_soon_type_id)
    )


def _facts_statement(ids: list[int], today: dt.date, t: Thresholds) -> sa.Select:
    """The facts behind the lights of `ids`, worked out from the records."""
    columns = reason_columns(today, t)
    return _named(
        sa.select(
            Project.id,
            Project.is_key,
            Project.stage,
            *(column.label(label) for label, column in columns.items()),
        ).where(Project.id.in_(ids))
    )


def _reasons(row: sa.Row, today: dt.date, t: Thresholds) -> LightInfo:
    if not row.is_key or row.stage is Stage.EXITED:
        return LightInfo(None)
    red: list[str] = []
    yellow: list[str] = []

    if row.overdue_due is not None:
        text = _("节点『%(name)s』逾期 %(days)d 天", name=row.overdue_name, days=(today - row.overdue_due).days)
        if row.overdue_count > 1:
            text += _("（共 %(n)d 个节点逾期）", n=row.overdue_count)
        red.append(text)
    if row.commitment is not None and row.stage is Stage.SIGNED:
        if row.commitment < today:
            red.append(
                _(
                    "承诺开工日期 %(date)s 已过 %(days)d 天，项目仍未开工",
                    date=row.commitment.isoformat(),
                    days=(today - row.commitment).days,
                )
            )
        elif (row.commitment - today).days <= t.yellow_milestone_days:
            days = (row.commitment - today).days
            yellow.append(_("承诺开工日期 %(date)s，还有 %(days)d 天", date=row.commitment.isoformat(), days=days))
    for more_red, more_yellow in (
        schedule.reasons(row, today, t.schedule),
        approval_rules.light_reasons(row, today),
        instruction_rules.light_reasons(row, today),
    ):
        red.extend(more_red)
        yellow.extend(more_yellow)
    if row.problem_deadline is not None:
        days = (today - row.problem_deadline).days
        if row.problem_category:
            text = _("%(category)s问题超期 %(days)d 天", category=row.problem_category, days=days)
        else:
            text = _("问题超期 %(days)d 天", days=days)
        if row.overdue_problems > 1:
            text += _("（共 %(n)d 个问题超期）", n=row.overdue_problems)
        red.append(text)

    if row.stage is not Stage.PRODUCTION:
        if row.last_progress_on is not None:
            idle = (today - row.last_progress_on).days
            idle_text = _("已 %(days)d 天无推进记录", days=idle)
        else:
            idle = (today - row.created_at.date()).days
            idle_text = _("建档 %(days)d 天尚无推进记录", days=idle)
        if idle > t.red_no_update_days:
            red.append(idle_text)
        elif idle > t.yellow_no_update_days:
            yellow.append(idle_text)

    if row.soon_due is not None:
        days = (row.soon_due - today).days
        if days == 0:
            yellow.append(_("节点『%(name)s』今天到期", name=row.soon_name))
        else:
            yellow.append(_("节点『%(name)s』%(days)d 天后到期", name=row.soon_name, days=days))
    not_overdue = row.open_problems - row.overdue_problems
    if not_overdue > 0:
        yellow.append(_("%(n)d 个问题未销号", n=not_overdue))

    if red:
        return LightInfo(Light.RED, red + yellow)
    if yellow:
        return LightInfo(Light.YELLOW, yellow)
    return LightInfo(Light.GREEN, [])


def light_details(ids: Iterable[int], today: dt.date) -> dict[int, LightInfo]:
    """{project id: LightInfo} for a page of projects, in one query."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    t = Thresholds.from_config()
    rows = db.session.execute(_facts_statement(ids, today, t)).all()
    return {row.id: _reasons(row, today, t) for row in rows}


def light_of(project: Project, today: dt.date) -> LightInfo:
    """The light of one project (its page)."""
    return light_details([project.id], today).get(project.id, LightInfo(None))
