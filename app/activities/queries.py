"""The activity list (招商活动): the query-string contract, read once into
`ActivityFilters` and turned into SQL conditions within the viewer's scope
(`activity_filter`) — the same conditions for the list page, the month
calendar and the .xlsx export (`exports.py`).

Query parameters: `kind_id` (活动类型), `leader_id` (带队领导),
`department_id` (组织部门), `region` (a region name as typed: 上海), the
period — `start` / `end` (YYYY-MM-DD), else `month` (YYYY-MM), else `year`
with an optional `quarter` (1–4; this year when only the quarter is given) —
an activity is in the period when it *starts* in it (the report's rule, so
a report's drill-down lists what it counted); `archived=1` (admin: the
archived activities instead of the live ones); `page`, `per_page`. The
calendar shows the month named by `month` and ignores the other period
parameters. A bad value is ignored and said so on a page, refused (400) by
the export (`Params`)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app import clock
from app.activities.outcomes import Outcome, outcomes_for
from app.db import db
from app.models import (
    Activity,
    ActivityRegion,
    Department,
    RefItem,
    RefKind,
    Role,
    User,
    activity_leader,
)
from app.pagination import Page
from app.params import Params
from app.permissions import activity_filter, can_restore_records


@dataclass
class ActivityFilters:
    kind_id: int | None = None
    leader_id: int | None = None
    department_id: int | None = None
    region: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    month: dt.date | None = None
    year: int | None = None
    quarter: int | None = None
    archived: bool = False

    @classmethod
    def read(cls, params: Params, user: User) -> ActivityFilters:
        start, end = params.date_range("start", "end", _("开始日期"), _("结束日期"))
        archived = params.flag("archived")
        return cls(
            kind_id=params.id("kind_id", _("活动类型")),
            leader_id=params.id("leader_id", _("带队领导")),
            department_id=params.id("department_id", _("组织部门")),
            region=params.text("region", 50),
            start=start,
            end=end,
            month=params.month("month", _("月份")),
            year=params.year("year", _("年份")),
            quarter=params.int("quarter", _("季度"), 1, 4),
            archived=archived and can_restore_records(user),
        )

    @property
    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The days an activity must start within (None: open-ended)."""
        if self.start or self.end:
            return self.start, self.end
        if self.month:
            return self.month, month_end(self.month)
        if self.year or self.quarter:
            year = self.year or clock.today().year
            if self.quarter:
                first = dt.date(year, 3 * self.quarter - 2, 1)
                return first, month_end(dt.date(year, 3 * self.quarter, 1))
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        return None, None

    @property
    def period_label(self) -> str:
        since, until = self.period
        if since is None and until is None:
            return ""
        if not (self.start or self.end):
            if self.month:
                return _("%(y)d年%(m)d月", y=self.month.year, m=self.month.month)
            if self.quarter:
                return _("%(y)d年第%(q)d季度", y=since.year, q=self.quarter)  # type: ignore[union-attr]
            return _("%(y)d年", y=since.year)  # type: ignore[union-attr]
        return f"{since.isoformat() if since else ''}～{until.isoformat() if until else ''}"

    @property
    def narrowed(self) -> bool:
        """Any filter but the period (the calendar's month)."""
        return any([self.kind_id, self.leader_id, self.department_id, self.region, self.archived])

    @property
    def active(self) -> bool:
        return self.narrowed or any(self.period)

    def args(self, **changes: Any) -> dict[str, Any]:
        """The filters as query arguments (links to the calendar, the export)."""
        values: dict[str, Any] = {
            "kind_id": self.kind_id,
            "leader_id": self.leader_id,
            "department_id": self.department_id,
            "region": self.region or None,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "month": self.month.strftime("%Y-%m") if self.month else None,
            "year": self.year,
            "quarter": self.quarter,
            "archived": 1 if self.archived else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def shown(self) -> dict[str, str]:
        """The filters in words (an export's title row)."""
        leader = db.session.get(User, self.leader_id) if self.leader_id else None
        kind = db.session.get(RefItem, self.kind_id) if self.kind_id else None
        department = db.session.get(Department, self.department_id) if self.department_id else None
        names = {
            _("活动类型"): kind.name if kind else "",
            _("带队领导"): leader.name if leader else "",
            _("组织部门"): department.name if department else "",
            _("地区"): self.region,
            _("期间"): self.period_label,
            _("范围"): _("已归档") if self.archived else "",
        }
        return {label: value for label, value in names.items() if value}

    def conditions(self, user: User, *, period: bool = True) -> list[sa.ColumnElement[bool]]:
        """The viewer's scope and the filters (without the period when
        `period` is False: the calendar brings its own month)."""
        conditions: list[sa.ColumnElement[bool]] = [
            activity_filter(user),
            Activity.archived_at.is_not(None) if self.archived else Activity.archived_at.is_(None),
        ]
        if self.kind_id:
            conditions.append(Activity.kind_id == self.kind_id)
        if self.department_id:
            conditions.append(Activity.department_id == self.department_id)
        if self.leader_id:
            led = sa.select(activity_leader.c.activity_id).where(activity_leader.c.user_id == self.leader_id)
            conditions.append(Activity.id.in_(led))
        if self.region:
            went = sa.select(ActivityRegion.activity_id).where(ActivityRegion.name == self.region)
            conditions.append(Activity.id.in_(went))
        if period:
            since, until = self.period
            if since:
                conditions.append(Activity.start_on >= since)
            if until:
                conditions.append(Activity.start_on <= until)
        return conditions


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def list_statement(conditions: list[sa.ColumnElement[bool]]) -> sa.Select:
    """The activities newest first, with what a row shows (kind, department,
    leaders, regions) loaded in the same statement."""
    return (
        sa.select(Activity)
        .where(*conditions)
        .options(
            joinedload(Activity.kind),
            joinedload(Activity.department),
            joinedload(Activity.leaders),
            joinedload(Activity.regions),
        )
        .order_by(Activity.start_on.desc(), Activity.id.desc())
    )


@dataclass
class ActivityRow:
    activity: Activity
    outcome: Outcome


@dataclass
class ActivityList:
    filters: ActivityFilters
    page: Page
    rows: list[ActivityRow] = field(default_factory=list)


def activity_page(filters: ActivityFilters, user: User, page: int, per_page: int) -> ActivityList:
    """One page of the list and the outcomes of its activities: the rows
    carry the total (a window count), so the page is one statement, and the
    outcomes are counted for the page's ids only (`outcomes_for`)."""
    conditions = filters.conditions(user)
    total = sa.func.count().over().label("total")
    result = db.session.execute(
        list_statement(conditions).add_columns(total).limit(per_page).offset((page - 1) * per_page)
    ).unique()
    found = result.all()
    if found:
        count = int(found[0].total)
    elif page > 1:  # past the last page: the window had no row to carry the total
        count = db.session.scalar(sa.select(sa.func.count(Activity.id)).where(*conditions)) or 0
    else:
        count = 0
    activities = [row[0] for row in found]
    outcomes = outcomes_for([a.id for a in activities])
    rows = [ActivityRow(a, outcomes[a.id]) for a in activities]
    return ActivityList(filters, Page(items=rows, page=page, per_page=per_page, total=count), rows)


def month_activities(filters: ActivityFilters, user: User, first: dt.date, last: dt.date) -> list[Activity]:
    """The activities under `filters` (their period aside) that overlap the
    days `first`–`last`, earliest first, longest first on the same day."""
    stmt = (
        sa.select(Activity)
        .where(*filters.conditions(user, period=False), Activity.start_on <= last, Activity.end_on >= first)
        .options(joinedload(Activity.kind), joinedload(Activity.leaders))
        .order_by(Activity.start_on, Activity.end_on.desc(), Activity.id)
    )
    return list(db.session.scalars(stmt).unique())


@dataclass
class FilterChoices:
    kinds: list[tuple[int, str]] = field(default_factory=list)
    departments: list[tuple[int, str]] = field(default_factory=list)
    leaders: list[tuple[int, str]] = field(default_factory=list)
    regions: list[tuple[str, str]] = field(default_factory=list)


def filter_choices(user: User) -> FilterChoices:
    """The filter bar's choices in one statement: the activity kinds and
    departments in use, and the leaders and regions of the activities
    `user` may see (leaders, 县处级 first)."""
    visible = sa.select(Activity.id).where(activity_filter(user), Activity.archived_at.is_(None))
    text, number = sa.String(), sa.Integer()
    kinds = sa.select(
        sa.literal("kind", text).label("grp"),
        RefItem.id.label("ident"),
        RefItem.name.label("name"),
        sa.cast(sa.null(), text).label("extra"),
        RefItem.sort_order.label("rank"),
    ).where(RefItem.kind == RefKind.ACTIVITY_KIND, RefItem.active.is_(True))
    departments = sa.select(
        sa.literal("department", text),
        Department.id,
        Department.name,
        sa.cast(sa.null(), text),
        Department.sort_order,
    ).where(Department.active.is_(True))
    leaders = sa.select(
        sa.literal("leader", text),
        User.id,
        User.name,
        User.title,
        sa.case((User.role == Role.LEADER, 0), else_=1),
    ).where(User.id.in_(sa.select(activity_leader.c.user_id).where(activity_leader.c.activity_id.in_(visible))))
    regions = (
        sa.select(
            sa.literal("region", text),
            sa.cast(sa.null(), number),
            ActivityRegion.name,
            sa.cast(sa.null(), text),
            sa.literal(0, number),
        )
        .where(ActivityRegion.activity_id.in_(visible))
        .distinct()
    )
    union = sa.union_all(kinds, departments, leaders, regions).subquery()
    rows = db.session.execute(sa.select(union).order_by(union.c.grp, union.c.rank, union.c.name, union.c.ident)).all()
    choices = FilterChoices()
    for row in rows:
        if row.grp == "kind":
            choices.kinds.append((row.ident, row.name))
        elif row.grp == "department":
            choices.departments.append((row.ident, row.name))
        elif row.grp == "leader":
            choices.leaders.append((row.ident, f"{row.name}（{row.extra}）" if row.extra else row.name))
        else:
            choices.regions.append((row.name, row.name))
    return choices
