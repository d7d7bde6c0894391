"""招商活动统计 (issue 20): for a period, the 招商活动 the viewer may see
(`activity_filter`), not archived, that START in the period, and what they
produced — the total and the groups of one dimension:

- 活动次数: the activities; 外出次数: those held away (`Activity.away`);
  外出天数: the days of those away activities (start to end, both counted);
- 考察/对接企业, 对接走访, 收集线索, 对接洽谈项目, 签约项目 and 签约金额 (万元,
  shown in 亿元 with one decimal after summing): what those activities
  produced, by the one attribution rule of `app/activities/outcomes.py`
  (its conditions and subqueries, never re-stated here) — companies are
  distinct within each group and within the total.

Dimensions: 带队领导 (`leader`), organising department (`department`),
kind (`kind`) and region (`region`, the names of `activity_region`). An
activity with two leaders (or two regions) counts in each of their groups
but once in the total, so for those two the groups may add up to more than
the total; by department or kind they add up (companies excepted: one
company met by two departments' activities is one company in the total).

Filters: the organising department (`department_id`) and a leader who led
the activity (`leader_id`). Every number is a measure (`measures.py`), so
its drill-down lists the records behind it: the activities, the companies,
visits, leads or signed projects; 外出天数 drills to the away activities
whose days it sums. About a dozen queries whatever the data size: the
measures over the same table share one GROUP BY (`measures.by_many`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.activities.outcomes import (
    companies_met,
    discussed_condition,
    lead_conditions,
    signed_projects,
    visit_conditions,
)
from app.db import db
from app.models import Activity, ActivityRegion, Company, Lead, Project, RefKind, User, Visit, activity_leader
from app.permissions.activities import activity_filter
from app.reports import measures as m
from app.reports.common import department_names, name_of, ordered_keys, ref_names
from app.reports.filters import ReportQuery, choice, in_period, parse_query
from app.reports.periods import ReportInputError
from app.reports.sql import days_between

DIMENSIONS = {
    "leader": _l("按带队领导"),
    "department": _l("按组织部门"),
    "kind": _l("按活动类型"),
    "region": _l("按地区"),
}
DIMENSION_HEADS = {"leader": _l("带队领导"), "department": _l("组织部门"), "kind": _l("活动类型"), "region": _l("地区")}
# Dimensions an activity may have several values of: groups may add up to more than the total.
SHARED = frozenset({"leader", "region"})

ACTIVITIES, AWAY = "activities.activities", "activities.away"
COMPANIES, VISITS = "activities.companies", "activities.visits"
LEADS, DISCUSSED, SIGNED = "activities.leads", "activities.discussed", "activities.signed"
KEYS = [ACTIVITIES, AWAY, COMPANIES, VISITS, LEADS, DISCUSSED, SIGNED]

# The leader and region joins, one object each, so that measures over the
# same table share their GROUP BY (and the leader join never meets the
# permission's own subquery on activity_leader, which it would correlate).
_LED = activity_leader.alias("led_by")
_WENT = ActivityRegion.__table__.alias("went_to")


def parse_activities_query(args: Mapping[str, str], today: dt.date, viewer: User | None) -> ReportQuery:
    """The period (default this year), the filters and the grouping."""
    by = choice(args, "by", DIMENSIONS, "leader")
    return replace(parse_query(args, today, options={"by": by}), viewer=viewer)


# --- the measures ---------------------------------------------------------------------


def activity_conditions(q: ReportQuery, *, scoped: bool = True) -> list[sa.ColumnElement[bool]]:
    """Activities of the report: live, starting in the period, matching the
    filters and (when `scoped` and the query has a viewer) visible to him."""
    f = q.filters
    conds = [Activity.archived_at.is_(None), in_period(Activity.start_on, q.period)]
    if f.department_id is not None:
        conds.append(Activity.department_id == f.department_id)
    if f.leader_id is not None:
        led = sa.select(activity_leader.c.activity_id).where(activity_leader.c.user_id == f.leader_id)
        conds.append(Activity.id.in_(led.correlate(None)))
    if scoped and q.viewer is not None:
        conds.append(activity_filter(q.viewer))
    return conds


def _dims(activity_id: Any) -> dict[str, m.Dim]:
    """The dimensions of records tied to an activity by `activity_id`
    (Activity itself joined 1:1 by the measure)."""
    return {
        "leader": m.Dim(_LED.c.user_id, ((_LED, _LED.c.activity_id == activity_id),)),
        "department": m.Dim(Activity.department_id),
        "kind": m.Dim(Activity.kind_id),
        "region": m.Dim(_WENT.c.name, ((_WENT, _WENT.c.activity_id == activity_id),)),
    }


def activity_measure(q: ReportQuery, *, away: bool = False, scoped: bool = True, days: bool = False) -> m.Measure:
    """The activities (the away ones); with `days`, summing their days."""
    conds = activity_conditions(q, scoped=scoped)
    if away:
        conds.append(Activity.away.is_(True))
    amount = days_between(Activity.end_on, Activity.start_on) + 1 if days else None
    return m.Measure(Activity, tuple(conds), Activity, amount=amount, dims=_dims(Activity.id))


def _joined(model: Any, conds: list[Any], q: ReportQuery, **extra: Any) -> m.Measure:
    """Records naming an activity of the report (Activity joined 1:1)."""
    joins = ((Activity, Activity.id == model.activity_id), *extra.pop("joins", ()))
    return m.Measure(
        model,
        (*conds, *activity_conditions(q)),
        model,
        joins=joins,
        dims=_dims(model.activity_id),
        **extra,
    )


m.register(ACTIVITIES)(lambda q: activity_measure(q))
m.register(AWAY)(lambda q: activity_measure(q, away=True))


def _away_days(q: ReportQuery) -> m.Measure:
    """The days of the away activities: read in the same GROUP BY as AWAY,
    never drilled on its own (the number links to AWAY, the activities)."""
    return activity_measure(q, away=True, days=True)


def _period_activities(q: ReportQuery) -> sa.Select:
    """The ids of the live activities starting in the period: the companies
    met and the signed projects are worked out for these alone (the report's
    other conditions still apply) — not for every activity ever held, which
    read all 13,000 visits made at activities for a week's report at L."""
    return (
        sa.select(Activity.id)
        .where(Activity.archived_at.is_(None), in_period(Activity.start_on, q.period))
        .correlate(None)
    )


@m.register(COMPANIES)
def _companies(q: ReportQuery) -> m.Measure:
    met = companies_met(_period_activities(q))
    return m.Measure(
        Activity,
        tuple(activity_conditions(q)),
        Company,
        counted=met.c.company_id,
        joins=((met, met.c.activity_id == Activity.id),),
        dims=_dims(Activity.id),
    )


m.register(VISITS)(lambda q: _joined(Visit, visit_conditions(), q))
m.register(LEADS)(lambda q: _joined(Lead, lead_conditions(), q))
m.register(DISCUSSED)(lambda q: _joined(Lead, [*lead_conditions(), discussed_condition()], q))


@m.register(SIGNED)
def _signed(q: ReportQuery) -> m.Measure:
    signed = signed_projects(_period_activities(q))
    return m.Measure(
        Project,
        (*activity_conditions(q), signed.c.project_id.is_not(None)),
        Project,
        amount=signed.c.signed_amount,
        joins=((signed, signed.c.project_id == Project.id), (Activity, Activity.id == Project.activity_id)),
        dims=_dims(Project.activity_id),
    )


# --- the report -------------------------------------------------------------------------


@dataclass
class Row:
    key: str  # the dimension value as drill-downs name it
    name: str
    activities: m.Cell
    away: m.Cell
    days: m.Cell  # count and drill: the away activities; amount: their days summed
    companies: m.Cell
    visits: m.Cell
    leads: m.Cell
    discussed: m.Cell
    signed: m.Cell  # amount: 签约金额, 万元

    @property
    def days_away(self) -> int:
        return int(self.days.amount or 0)

    @property
    def counted(self) -> list[m.Cell]:
        """The count columns in page order (外出天数 aside)."""
        return [self.activities, self.away, self.companies, self.visits, self.leads, self.discussed, self.signed]


@dataclass
class ActivitiesReport:
    query: ReportQuery
    dimension: str
    rows: list[Row]
    total: Row

    @property
    def dimension_label(self) -> str:
        return str(DIMENSIONS[self.dimension])

    @property
    def dimension_head(self) -> str:
        return str(DIMENSION_HEADS[self.dimension])

    @property
    def shared(self) -> bool:
        """Groups may add up to more than the total (two leaders, two regions)."""
        return self.dimension in SHARED


def _row(key: str, name: str, totals: list[m.Total], **dims: Any) -> Row:
    *counts, days_total = totals
    activities, away, companies, visits, leads, discussed, signed = (
        m.cell(k, t, **dims) for k, t in zip(KEYS, counts, strict=True)
    )
    days = m.cell(AWAY, days_total, **dims)
    return Row(key, name, activities, away, days, companies, visits, leads, discussed, signed)


def _names(dimension: str, keys: set[Any]) -> dict[Any, str]:
    if dimension == "department":
        return department_names()
    if dimension == "kind":
        return ref_names(RefKind.ACTIVITY_KIND)
    if dimension == "region":
        return {}
    ids = sorted(k for k in keys if k is not None)  # none: still one statement, the same count every time
    rows = db.session.execute(sa.select(User.id, User.name, User.title).where(User.id.in_(ids)))
    return {r.id: (f"{r.name}（{r.title}）" if r.title else r.name) for r in rows}


def _order(dimension: str, keys: set[Any], names: dict[Any, str], activities: dict[Any, m.Total]) -> list[Any]:
    """Departments and kinds in the admin's order; leaders and regions by
    how many activities they had, then by name (未指定 last)."""
    if dimension in ("department", "kind"):
        return ordered_keys(keys, names)
    known = sorted(
        (k for k in keys if k is not None),
        key=lambda k: (-(activities[k].count if k in activities else 0), name_of(k, names)),
    )
    return [*known, *([None] if None in keys else [])]


def activities_report(q: ReportQuery) -> ActivitiesReport:
    """The report for `q` (from `parse_activities_query`), over what `q.viewer` may see."""
    dimension = q.options.get("by", "leader")
    if dimension not in DIMENSIONS:
        raise ReportInputError(_("参数「%(name)s」的取值无效。", name="by"), "by")
    built = [*(m.build(key, q) for key in KEYS), _away_days(q)]
    totals = m.total_many(built)
    splits = m.by_many(built, dimension)
    keys = {k for split in splits for k in split}
    names = _names(dimension, keys)
    rows = []
    for value in _order(dimension, keys, names, splits[0]):
        cells = [split.get(value, m.Total.empty(b.amount is not None)) for split, b in zip(splits, built, strict=True)]
        rows.append(_row(m.dim_arg(value), name_of(value, names), cells, **{dimension: value}))
    return ActivitiesReport(q, dimension, rows, _row("total", str(_l("合计")), totals))


# --- the workbook ------------------------------------------------------------------------

HEADS = [
    "活动次数",
    "外出次数",
    "外出天数",
    "考察/对接企业",
    "对接走访",
    "收集线索",
    "对接洽谈项目",
    "签约项目",
    "签约金额（亿元）",
]


def row_values(row: Row) -> list[Any]:
    from app.reports.render import yi_number

    return [
        row.activities.count,
        row.away.count,
        row.days_away,
        row.companies.count,
        row.visits.count,
        row.leads.count,
        row.discussed.count,
        row.signed.count,
        yi_number(row.signed.amount),
    ]


def sheets(report: ActivitiesReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    title = f"招商活动-{DIMENSIONS[report.dimension]}"
    rows = [[r.name, *row_values(r)] for r in [*report.rows, report.total]]
    return [(title, [str(DIMENSION_HEADS[report.dimension]), *HEADS], rows)]
