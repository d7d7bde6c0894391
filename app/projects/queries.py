"""The project library's list queries: filters from the query string (the
parameters reports link with), the per-stage counts and sums behind the
四库 tabs and the kanban columns, and one page of projects with everything a
row shows — a constant number of queries whatever the page size.

Query parameters: `library` (planning/attracting/signed/landed), `stage`,
`department_id` (lead department), `leader_id`, `industry_id`, `level`
(province/city/district), `kind_id` (项目类型), `key` (1),
`light` (red/yellow/green), `five_ones` (complete/incomplete), `chain_id`
(产业链: placed on its segments or converted from its leads), `q`, `page`,
`per_page`, `sort`. Without `library` or `stage` the list holds every
project that has not exited; `stage=exited` lists the exited ones. Archived
projects are left out (as in every report), except that an admin can list
them with `archived=1`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from app.db import db
from app.models import STAGE_LIBRARY, STAGE_ORDER, Company, Library, Light, Project, ProjectLevel, Role, Stage, User
from app.models.chain import chain_project_ids
from app.pagination import Page
from app.params import parse_id
from app.permissions import project_filter
from app.projects import five_ones
from app.projects.lights import LightInfo, current_light, light_details, light_rank
from app.projects.services import days_in_stage
from app.search import keyword_condition

SORTS = {
    "investment": _l("计划总投资"),
    "days": _l("本阶段天数"),
    "light": _l("状态灯"),
    "updated": _l("最近推进"),
    "newest": _l("录入时间"),
    "name": _l("项目名称"),
}
DEFAULT_SORT = "investment"
LIBRARY_STAGES: dict[Library, tuple[Stage, ...]] = {
    library: tuple(stage for stage in STAGE_ORDER if STAGE_LIBRARY[stage] is library) for library in Library
}


def _enum(cls: type, value: Any) -> Any:
    try:
        return cls(value)
    except ValueError:
        return None


@dataclass
class ProjectFilters:
    library: Library | None = None
    stage: Stage | None = None
    department_id: int | None = None
    leader_id: int | None = None
    industry_id: int | None = None
    level: ProjectLevel | None = None
    kind_id: int | None = None
    chain_id: int | None = None
    key: bool = False
    light: Light | None = None
    five_ones: str | None = None
    q: str = ""
    sort: str = DEFAULT_SORT
    archived: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> ProjectFilters:
        """Filters from a query string; unknown values are ignored."""
        sort = args.get("sort") or DEFAULT_SORT
        return cls(
            library=_enum(Library, args.get("library")),
            stage=_enum(Stage, args.get("stage")),
            department_id=parse_id(args.get("department_id")),
            leader_id=parse_id(args.get("leader_id")),
            industry_id=parse_id(args.get("industry_id")),
            level=_enum(ProjectLevel, args.get("level")),
            kind_id=parse_id(args.get("kind_id")),
            chain_id=parse_id(args.get("chain_id")),
            key=str(args.get("key", "")) in {"1", "true", "on"},
            light=_enum(Light, args.get("light")),
            five_ones=args.get("five_ones") if args.get("five_ones") in {"complete", "incomplete"} else None,
            q=(args.get("q") or "").strip()[:50],
            sort=sort if sort in SORTS else DEFAULT_SORT,
            archived=str(args.get("archived", "")) == "1",
        )

    def stages(self) -> tuple[Stage, ...]:
        """The stages the list shows."""
        if self.stage is not None:
            if self.library is not None and self.stage not in LIBRARY_STAGES[self.library]:
                return ()
            return (self.stage,)
        if self.library is not None:
            return LIBRARY_STAGES[self.library]
        return tuple(STAGE_ORDER)

    def conditions(self, user: User, today: dt.date) -> list[sa.ColumnElement[bool]]:
        """Every condition except the stage/library choice (the tabs need
        counts for all stages under the same filters)."""
        conditions: list[sa.ColumnElement[bool]] = [project_filter(user)]
        if self.archived and user.is_admin:
            conditions.append(Project.archived_at.is_not(None))  # admin's view of archived records
        else:
            conditions.append(Project.archived_at.is_(None))
        if self.department_id:
            conditions.append(Project.lead_department_id == self.department_id)
        if self.leader_id:
            conditions.append(Project.responsible_leader_id == self.leader_id)
        if self.industry_id:
            conditions.append(Project.industry_id == self.industry_id)
        if self.level is not None:
            conditions.append(Project.level == self.level)
        if self.kind_id:
            conditions.append(Project.kind_id == self.kind_id)
        if self.chain_id:
            conditions.append(Project.id.in_(chain_project_ids(self.chain_id)))
        if self.key or self.light is not None or self.five_ones:
            conditions.append(Project.is_key.is_(True))
        if self.light is not None:
            conditions.append(current_light(today) == self.light.value)
        if self.five_ones == "complete":
            conditions.append(five_ones.complete_expression(today))
        elif self.five_ones == "incomplete":
            conditions.append(~five_ones.complete_expression(today))
        if self.q:
            company_match = (
                sa.select(Company.id)
                .where(Company.id == Project.company_id, keyword_condition(Company.search_text, self.q))
                .exists()
            )
            conditions.append(sa.or_(keyword_condition(Project.search_text, self.q), company_match))
        return conditions

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for links (tabs, export), with `changes` applied."""
        values: dict[str, Any] = {
            "library": self.library.value if self.library else None,
            "stage": self.stage.value if self.stage else None,
            "department_id": self.department_id,
            "leader_id": self.leader_id,
            "industry_id": self.industry_id,
            "level": self.level.value if self.level else None,
            "kind_id": self.kind_id,
            "chain_id": self.chain_id,
            "key": 1 if self.key else None,
            "light": self.light.value if self.light else None,
            "five_ones": self.five_ones,
            "q": self.q or None,
            "sort": self.sort if self.sort != DEFAULT_SORT else None,
            "archived": 1 if self.archived else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


# --- per-stage counts: the 四库 tabs and the kanban columns -------------------


@dataclass
class Bucket:
    count: int = 0
    amount: Decimal = field(default_factory=lambda: Decimal(0))

    def add(self, other: Bucket) -> None:
        self.count += other.count
        self.amount += other.amount


@dataclass
class StageCounts:
    by_stage: dict[Stage, Bucket]

    def stage(self, stage: Stage) -> Bucket:
        return self.by_stage.get(stage, Bucket())

    def of(self, stages: tuple[Stage, ...]) -> Bucket:
        total = Bucket()
        for stage in stages:
            total.add(self.stage(stage))
        return total

    def library(self, library: Library) -> Bucket:
        return self.of(LIBRARY_STAGES[library])

    @property
    def active(self) -> Bucket:
        return self.of(tuple(STAGE_ORDER))


def stage_counts(conditions: list[sa.ColumnElement[bool]]) -> StageCounts:
    """Count and planned investment per stage under `conditions` (one query)."""
    rows = db.session.execute(
        sa.select(
            Project.stage,
            sa.func.count(Project.id),
            sa.func.coalesce(sa.func.sum(Project.planned_investment), 0),
        )
        .where(*conditions)
        .group_by(Project.stage)
    ).all()
    return StageCounts({stage: Bucket(int(count), Decimal(amount or 0)) for stage, count, amount in rows})


# --- one page of projects ------------------------------------------------------


@dataclass
class ProjectRow:
    project: Project
    light: LightInfo
    key_five: dict[str, bool]
    days_in_stage: int

    @property
    def five_ones_complete(self) -> bool:
        return all(self.key_five.values())

    @property
    def five_ones_missing(self) -> list[str]:
        return [str(FIVE_LABELS[name]) for name, ok in self.key_five.items() if not ok]


FIVE_LABELS = {"leader": _l("一名领导"), "team": _l("一个班子"), "plan": _l("一套方案"), "follow": _l("一抓到底")}


def order_by(sort: str, today: dt.date) -> list[Any]:
    if sort == "days":
        return [Project.stage_changed_at.asc(), Project.id.desc()]
    if sort == "light":
        return [light_rank(current_light(today)), Project.planned_investment.desc(), Project.id.desc()]
    if sort == "updated":
        return [Project.last_progress_on.is_(None), Project.last_progress_on.desc(), Project.id.desc()]
    if sort == "newest":
        return [Project.created_at.desc(), Project.id.desc()]
    if sort == "name":
        return [Project.name, Project.id]
    return [Project.planned_investment.desc(), Project.id.desc()]


def five_ones_columns(today: dt.date) -> list[Any]:
    return [
        five_ones.leader_condition().label("five_leader"),
        five_ones.team_condition().label("five_team"),
        five_ones.plan_condition().label("five_plan"),
        five_ones.follow_through_condition(today).label("five_follow"),
    ]


def list_statement(conditions: list[sa.ColumnElement[bool]], sort: str, today: dt.date) -> sa.Select:
    """Projects with what a row shows, eager-loaded in the same query."""
    return (
        sa.select(Project, *five_ones_columns(today))
        .options(
            orm.joinedload(Project.company),
            orm.joinedload(Project.industry),
            orm.joinedload(Project.kind),
            orm.joinedload(Project.lead_department),
            orm.joinedload(Project.responsible_leader),
        )
        .where(*conditions)
        .order_by(*order_by(sort, today))
    )


def rows_from(result_rows: list[Any], today: dt.date) -> list[ProjectRow]:
    """ProjectRows for a page of (Project, five flags…) results; one more
    query for the lights and their reasons."""
    lights = light_details([r[0].id for r in result_rows if r[0].is_key], today)
    rows = []
    for project, leader, team, plan, follow in result_rows:
        rows.append(
            ProjectRow(
                project=project,
                light=lights.get(project.id, LightInfo(None)),
                key_five={"leader": bool(leader), "team": bool(team), "plan": bool(plan), "follow": bool(follow)},
                days_in_stage=days_in_stage(project, today),
            )
        )
    return rows


def project_page(
    filters: ProjectFilters, user: User, today: dt.date, page: int, per_page: int
) -> tuple[Page, StageCounts]:
    """One page of the list and the per-stage counts (three queries). The
    page's ids are picked on the project table alone and only those rows are
    joined to their company, industry, department and leader (a deferred
    join: see `app.pagination.paginate_keys`)."""
    conditions = filters.conditions(user, today)
    counts = stage_counts(conditions)
    stages = filters.stages()
    total = counts.of(stages).count
    rows: list[ProjectRow] = []
    if stages and total:
        page_ids = (
            sa.select(Project.id)
            .where(*conditions, Project.stage.in_(stages))
            .order_by(*order_by(filters.sort, today))
            .limit(per_page)
            .offset((page - 1) * per_page)
            .scalar_subquery()
        )
        stmt = list_statement([Project.id.in_(page_ids)], filters.sort, today)
        rows = rows_from(list(db.session.execute(stmt).unique().all()), today)
    return Page(items=rows, page=page, per_page=per_page, total=total), counts


def kanban_cards(
    conditions: list[sa.ColumnElement[bool]], today: dt.date, per_column: int
) -> dict[Stage, list[ProjectRow]]:
    """The first `per_column` projects of each stage (largest investment
    first), in one windowed query plus one for the lights."""
    ranked = (
        sa.select(
            Project.id.label("pid"),
            sa.func.row_number()
            .over(partition_by=Project.stage, order_by=(Project.planned_investment.desc(), Project.id.desc()))
            .label("rn"),
        )
        .where(*conditions, Project.stage.in_(STAGE_ORDER))
        .subquery()
    )
    stmt = (
        list_statement([], "investment", today)
        .join(ranked, ranked.c.pid == Project.id)
        .where(ranked.c.rn <= per_column)
    )
    rows = rows_from(list(db.session.execute(stmt).unique().all()), today)
    columns: dict[Stage, list[ProjectRow]] = {stage: [] for stage in STAGE_ORDER}
    for row in rows:
        columns[row.project.stage].append(row)
    return columns


def leader_choices() -> list[tuple[int, str]]:
    """Leaders for the filter (every leader user, active first)."""
    rows = db.session.execute(
        sa.select(User.id, User.name, User.title)
        .where(User.role == Role.LEADER)
        .order_by(User.active.desc(), User.name)
    ).all()
    return [(r.id, f"{r.name}（{r.title}）" if r.title else r.name) for r in rows]
