"""周期分析: where leads and projects get stuck. For each lead status and
project stage, the median and 80th-percentile days spent in it, from the
status and stage history (LeadStatusChange, StageChange), and the days from
receiving a lead to signing its project — overall and by department or
industry.

- *Completed* stays: a status or stage that was left during the period
  (its length is from entering it to the next change).
- *Current* stays: records still in that status or stage today (days so
  far). Terminal states (已转项目, 已搁置, 投产, 退出) have no current stay.
- 线索→签约: projects that first reached 签约 in the period and came from a
  lead; days from the lead's received date to the signing date.

Percentiles interpolate linearly between ranks (like PERCENTILE_CONT). The
stays are worked out once, in one statement that counts them per step,
group and length in days (a few thousand rows, not the 200,000 stays); the
ranks — per group and over all groups — are read off those counts here.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.db import db
from app.models import Lead, LeadStatus, LeadStatusChange, Project, RefKind, Stage, StageChange
from app.reports import sql
from app.reports.common import department_names, name_of, ordered_keys, ref_names
from app.reports.filters import ReportQuery, in_period, project_conditions, report_lead_conditions

DIMENSIONS = {"department": _l("按部门"), "industry": _l("按产业类别")}
LEAD_STEPS = [LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.NEGOTIATING]
PROJECT_STEPS = [Stage.PLANNING, Stage.ATTRACTING, Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION]
RECEIVED_TO_SIGNED = "received_signed"

STEP_KEYS = [
    *[f"lead.{s.value}" for s in LEAD_STEPS],
    *[f"stage.{s.value}" for s in PROJECT_STEPS],
    RECEIVED_TO_SIGNED,
]


def step_labels() -> list[tuple[str, str]]:
    """(key, label) of every measured step, in funnel order."""
    return [
        *[(f"lead.{s.value}", f"{_l('线索')}·{s.label}") for s in LEAD_STEPS],
        *[(f"stage.{s.value}", f"{_l('项目')}·{s.label}") for s in PROJECT_STEPS],
        (RECEIVED_TO_SIGNED, str(_l("线索收到→签约"))),
    ]


@dataclass(frozen=True)
class Stat:
    n: int
    median: Decimal | None
    p80: Decimal | None


EMPTY = Stat(0, None, None)


@dataclass
class SpeedRow:
    key: str
    label: str
    completed: Stat
    current: Stat


@dataclass
class SpeedReport:
    query: ReportQuery
    dimension: str
    overall: list[SpeedRow]
    # group name → completed Stat per step (same order as STEPS)
    groups: list[tuple[str, list[Stat]]]

    @property
    def chart_median(self) -> list[float | None]:
        return [float(r.completed.median) if r.completed.median is not None else None for r in self.overall]

    @property
    def chart_p80(self) -> list[float | None]:
        return [float(r.completed.p80) if r.completed.p80 is not None else None for r in self.overall]


def _spells(q: ReportQuery, dim: str) -> Any:
    """One row per stay: (step, grp, days, current)."""
    today = sa.literal(q.today, sa.Date)
    # The next change is found over the change table alone, in the order of
    # its covering index (ix_lead_status_change_stays, ix_stage_change_stays:
    # no sort); the lead's or project's conditions and group come after —
    # they hold for all of a record's changes, so its stays are the same.
    lsc = LeadStatusChange
    lead_changes = sa.select(
        lsc.lead_id,
        lsc.to_status,
        lsc.changed_at,
        sa.func.lead(lsc.changed_at).over(partition_by=lsc.lead_id, order_by=(lsc.changed_at, lsc.id)).label("next_at"),
    ).subquery("lead_changes")
    lead_grp = Lead.owner_department_id if dim == "department" else Lead.industry_id
    lead_rows = (
        sa.select(
            sa.cast(lead_changes.c.to_status, sa.String(20)).label("status"),
            lead_grp.label("grp"),
            sql.as_date(lead_changes.c.changed_at).label("start"),
            sql.as_date(lead_changes.c.next_at).label("finish"),
        )
        .join(Lead, lead_changes.c.lead_id == Lead.id)
        .where(*report_lead_conditions(q.filters))
        .subquery("lead_stays")
    )
    sc = StageChange
    stage_changes = sa.select(
        sc.project_id,
        sc.to_stage,
        sc.changed_on,
        sa.func.lead(sc.changed_on)
        .over(partition_by=sc.project_id, order_by=(sc.changed_on, sc.changed_at, sc.id))
        .label("next_on"),
    ).subquery("stage_changes")
    project_grp = Project.lead_department_id if dim == "department" else Project.industry_id
    stage_rows = (
        sa.select(
            sa.cast(stage_changes.c.to_stage, sa.String(20)).label("status"),
            project_grp.label("grp"),
            stage_changes.c.changed_on.label("start"),
            stage_changes.c.next_on.label("finish"),
        )
        .join(Project, stage_changes.c.project_id == Project.id)
        .where(*project_conditions(q.filters))
        .subquery("stage_stays")
    )

    def stays(rows: Any, prefix: str, steps: list[Any]) -> sa.Select:
        current = rows.c.finish.is_(None)
        return sa.select(
            (sa.literal(prefix) + rows.c.status).label("step"),
            rows.c.grp,
            sql.days_between(sa.func.coalesce(rows.c.finish, today), rows.c.start).label("days"),
            sa.case((current, 1), else_=0).label("current"),
        ).where(
            rows.c.status.in_([s.value for s in steps]),
            sa.or_(current, in_period(rows.c.finish, q.period)),
        )

    signed_on = sql.project_signed_on()
    to_signing = (
        sa.select(
            sa.literal(RECEIVED_TO_SIGNED).label("step"),
            project_grp.label("grp"),
            sql.days_between(signed_on, Lead.received_on).label("days"),
            sa.literal(0).label("current"),
        )
        .join(Lead, Project.lead_id == Lead.id)
        .where(*project_conditions(q.filters), in_period(signed_on, q.period))
    )
    return sa.union_all(
        stays(lead_rows, "lead.", LEAD_STEPS), stays(stage_rows, "stage.", PROJECT_STEPS), to_signing
    ).subquery("stays")


Histogram = dict[int, int]  # days → stays that long
StatKey = tuple[str, int, Any]  # (step, current, grp)


def _histograms(stays: Any) -> dict[StatKey, Histogram]:
    """{(step, current, grp): {days: stays}} — one query. Groups are kept
    for completed stays only (the report shows current ones over all)."""
    grp = sa.case((stays.c.current == 0, stays.c.grp)).label("grp")
    keys = (stays.c.step, stays.c.current, grp, stays.c.days)
    result: dict[StatKey, Histogram] = {}
    for step, current, group, days, n in db.session.execute(sa.select(*keys, sa.func.count()).group_by(*keys)):
        result.setdefault((step, int(current), group), {})[days] = n
    return result


def _stat(histogram: Histogram) -> Stat:
    """The median (between ranks 1+(n-1)//2 and the next) and the 80th
    percentile (1+4(n-1)//5 and the next) of the stays counted."""
    lengths = sorted(histogram)
    bounds = list(itertools.accumulate(histogram[days] for days in lengths))  # the last rank of each length
    n = bounds[-1]

    def at(rank: int) -> int | None:
        return lengths[bisect.bisect_left(bounds, rank)] if rank <= n else None

    median, p80 = 1 + (n - 1) // 2, 1 + (4 * (n - 1)) // 5
    return Stat(
        n,
        _interpolate(at(median), at(median + 1), (n - 1) % 2, 2),
        _interpolate(at(p80), at(p80 + 1), (4 * (n - 1)) % 5, 5),
    )


def _percentiles(histograms: dict[StatKey, Histogram]) -> tuple[dict[StatKey, Stat], dict[StatKey, Stat]]:
    """The completed stays' Stat of each group, and each step's Stats over
    all groups (grp None)."""
    totals: dict[StatKey, Histogram] = {}
    for (step, current, _grp), histogram in histograms.items():
        total = totals.setdefault((step, current, None), {})
        for days, n in histogram.items():
            total[days] = total.get(days, 0) + n
    groups = {(step, current, grp): _stat(h) for (step, current, grp), h in histograms.items() if current == 0}
    overall = {key: _stat(h) for key, h in totals.items()}
    return groups, overall


def _interpolate(lo: Any, hi: Any, numerator: Any, denominator: int) -> Decimal | None:
    if lo is None:
        return None
    value = Decimal(lo)
    if numerator and hi is not None:
        value += (Decimal(hi) - Decimal(lo)) * Decimal(int(numerator)) / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def speed_report(q: ReportQuery) -> SpeedReport:
    dim = q.options.get("by", "department")
    group_stats, overall_stats = _percentiles(_histograms(_spells(q, dim)))
    overall = [
        SpeedRow(key, label, overall_stats.get((key, 0, None), EMPTY), overall_stats.get((key, 1, None), EMPTY))
        for key, label in step_labels()
    ]
    names = department_names() if dim == "department" else ref_names(kind=RefKind.INDUSTRY)
    keys = ordered_keys({grp for (_s, current, grp) in group_stats if current == 0}, names)
    groups = [(name_of(g, names), [group_stats.get((key, 0, g), EMPTY) for key in STEP_KEYS]) for g in keys]
    return SpeedReport(q, dim, overall, groups)


def sheets(report: SpeedReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    head = ["环节", "已完成数", "中位数（天）", "80分位（天）", "当前停留数", "当前中位数（天）", "当前80分位（天）"]
    rows = [
        [r.label, r.completed.n, r.completed.median, r.completed.p80, r.current.n, r.current.median, r.current.p80]
        for r in report.overall
    ]
    group_head = ["分组", *[f"{label}（中位/80分位/数）" for _k, label in step_labels()]]
    group_rows = [
        [name, *[f"{s.median}/{s.p80}/{s.n}" if s.n else "—" for s in stats]] for name, stats in report.groups
    ]
    return [("周期分析", head, rows), ("周期-" + str(DIMENSIONS[report.dimension]), group_head, group_rows)]
