"""目标考核: yearly targets per department and district-wide (DESIGN.md,
Targets), the actual figures they are measured against, completion and the
departments' ranking (比学赶超 / 龙虎榜).

Actuals reuse the other reports' measures, so the same number reads the same
everywhere: signed projects and amount are the flow funnel's 签约 step
(projects that first reached 签约 in the year, valued by the counting rule);
leads collected are the flow funnel's 线索 step (leads received in the year,
by owner department — the 对接走访 report's figure, read from the kept
rollups); visits are the 对接走访 report's; 外出招商次数 counts
the away activities that start in the year, by organising department, as
the 招商活动 report does (district-wide, like every target). Targets are saved by
`save_targets`, which keeps one district row (department NULL) per year and
metric — the database cannot, as NULLs are distinct in a unique constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.db import ZERO, db
from app.models import Department, Funding, Project, ProjectFact, RefItem, RefKind, Target, TargetMetric, company_tier
from app.money import CNY, MoneyError, parse_money
from app.refusals import Refusal
from app.reports import activities, sql
from app.reports import measures as m
from app.reports.common import department_names, rate
from app.reports.filters import ReportQuery, in_period, project_conditions
from app.reports.periods import MAX_YEAR, MIN_YEAR

TOP_TIERS = ("世界500强", "央企")
AMOUNT_METRICS = frozenset({TargetMetric.SIGNED_AMOUNT, TargetMetric.FUNDS_RECEIVED})
MAX_VALUE = Decimal("100000000000000")

# metric → (measure key, which figure of it)
METRIC_MEASURES: dict[TargetMetric, tuple[str, str]] = {
    TargetMetric.SIGNED_PROJECTS: ("funnel.flow.signed", "count"),
    TargetMetric.SIGNED_AMOUNT: ("funnel.flow.signed", "amount"),
    TargetMetric.BILLION_PROJECTS: ("target.billion_projects", "count"),
    TargetMetric.TOP_TIER_PROJECTS: ("target.top_tier_projects", "count"),
    TargetMetric.FUNDS_RECEIVED: ("target.funds_received", "amount"),
    TargetMetric.LEADS_COLLECTED: ("funnel.flow.leads", "count"),
    TargetMetric.VISITS: ("activity.visits", "count"),
    TargetMetric.TRIPS: ("target.trips", "count"),
}


def _signed_in_period(q: ReportQuery) -> list[sa.ColumnElement[bool]]:
    return [*project_conditions(q.filters, ProjectFact), in_period(ProjectFact.signed_on, q.period)]


def _project_dims() -> dict[str, m.Dim]:
    return {"department": m.Dim(ProjectFact.lead_department_id), "industry": m.Dim(ProjectFact.industry_id)}


@m.register("target.billion_projects")
def _billion(q: ReportQuery) -> m.Measure:
    signed = sql.signed_amount_at(q.period.end)
    conds = [*_signed_in_period(q), signed.amount >= sql.BILLION]
    return m.Measure(ProjectFact, tuple(conds), Project, amount=signed.amount, joins=signed.joins, dims=_project_dims())


@m.register("target.top_tier_projects")
def _top_tier(q: ReportQuery) -> m.Measure:
    tiers = sa.select(RefItem.id).where(RefItem.kind == RefKind.TIER, RefItem.name.in_(TOP_TIERS))
    top = sa.exists().where(company_tier.c.company_id == ProjectFact.company_id, company_tier.c.tier_id.in_(tiers))
    conds = [*_signed_in_period(q), top]
    signed = sql.signed_amount_at(q.period.end)
    return m.Measure(ProjectFact, tuple(conds), Project, amount=signed.amount, joins=signed.joins, dims=_project_dims())


@m.register("target.funds_received")
def _funds(q: ReportQuery) -> m.Measure:
    """Funds received in the period; the records behind it are the projects."""
    conds = [*project_conditions(q.filters, ProjectFact), in_period(Funding.month, q.period)]
    return m.Measure(
        Funding,
        tuple(conds),
        Project,
        counted=Funding.project_id,
        amount=Funding.amount,
        joins=((ProjectFact, Funding.project_id == ProjectFact.id),),
        dims=_project_dims(),
    )


@m.register("target.trips")
def _trips(q: ReportQuery) -> m.Measure:
    """Away activities starting in the period, whoever looks (a target is
    district-wide; the drill-down lists what the viewer may see)."""
    return activities.activity_measure(q, away=True, scoped=False)


def _value(total: m.Total, figure: str) -> Decimal:
    if figure == "amount":
        return total.amount if total.amount is not None else ZERO
    return Decimal(total.count)


def actuals_by_department(q: ReportQuery) -> dict[tuple[int | None, TargetMetric], Decimal]:
    """{(department id, metric): actual} for the period (one query per measure)."""
    keys = sorted({key for key, _figure in METRIC_MEASURES.values()})
    splits = dict(zip(keys, m.by_many([m.build(key, q) for key in keys], "department"), strict=True))
    return {
        (dept, metric): _value(total, figure)
        for metric, (key, figure) in METRIC_MEASURES.items()
        for dept, total in splits[key].items()
    }


# --- entering targets -----------------------------------------------------------


class TargetError(Refusal, ValueError):
    """A target that cannot be saved; `field` names the cell (its key)."""


def targets_for(year: int) -> dict[tuple[int | None, TargetMetric], Decimal]:
    rows = db.session.execute(sa.select(Target.department_id, Target.metric, Target.value).where(Target.year == year))
    return {(r.department_id, r.metric): r.value for r in rows}


def parse_value(raw: str | None, metric: TargetMetric) -> Decimal | None:
    """A target value from a form cell: blank → None; numbers ≥ 0; whole
    numbers for counts; amounts through the one money parser (3.5亿,
    3500万 …), at most 4 decimals of 万元."""
    if metric in AMOUNT_METRICS and (raw or "").strip():
        try:
            amount = parse_money(raw, CNY)
        except MoneyError as error:
            raise TargetError(error.message) from None
        if amount is not None and amount >= MAX_VALUE:
            raise TargetError(_("目标值过大，请核对单位。"))
        return amount
    text = (raw or "").replace(",", "").replace("，", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise TargetError(_("「%(value)s」不是数字。", value=text[:20])) from None
    if not value.is_finite() or value < 0:
        raise TargetError(_("目标值须为不小于 0 的数字。"))
    if value >= MAX_VALUE:
        raise TargetError(_("目标值过大，请核对单位。"))
    if metric not in AMOUNT_METRICS and value != value.to_integral_value():
        raise TargetError(_("%(metric)s须为整数。", metric=metric.label))
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise TargetError(_("金额最多保留 4 位小数。"))
    return value


def save_targets(year: int, values: dict[tuple[int | None, TargetMetric], Decimal | None]) -> int:
    """Set the year's targets: a value creates or updates the row, None
    removes it. The district row (department None) is looked up, never
    duplicated. Returns how many rows changed; audited in the caller's
    transaction."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise TargetError(_("年份须在 %(a)d–%(b)d 之间。", a=MIN_YEAR, b=MAX_YEAR))
    dept_ids = {d for d, _metric in values if d is not None}
    known = set(db.session.scalars(sa.select(Department.id).where(Department.id.in_(dept_ids)))) if dept_ids else set()
    if dept_ids - known:
        raise TargetError(_("部门不存在（编号 %(id)s）。", id=", ".join(map(str, sorted(dept_ids - known)))))
    existing = {
        (t.department_id, t.metric): t for t in db.session.scalars(sa.select(Target).where(Target.year == year))
    }
    changed = 0
    for (dept_id, metric), value in values.items():
        row = existing.get((dept_id, metric))
        if value is None:
            if row is not None:
                db.session.delete(row)
                changed += 1
            continue
        if row is None:
            db.session.add(Target(year=year, department_id=dept_id, metric=metric, value=value))
            changed += 1
        elif row.value != value:
            row.value = value
            changed += 1
    if changed:
        db.session.flush()
        audit.record("targets", "target", None, summary=_("%(year)d 年目标任务：%(n)d 项变更", year=year, n=changed))
    return changed


# --- the report -----------------------------------------------------------------------


@dataclass
class RankRow:
    department_id: int | None
    name: str
    actual: m.Cell
    value: Decimal
    target: Decimal | None
    completion: Decimal | None
    rank: int | None


@dataclass
class MetricSummary:
    metric: TargetMetric
    actual: m.Cell
    value: Decimal
    target: Decimal | None  # the district's own target
    allocated: Decimal | None  # sum of the departments' targets
    completion: Decimal | None


@dataclass
class TargetsReport:
    query: ReportQuery
    year: int
    metric: TargetMetric
    ranking: list[RankRow]
    district: list[MetricSummary]
    # department name → completion per metric (综合完成情况)
    matrix: list[tuple[str, list[Decimal | None]]]

    @property
    def chart_values(self) -> list[float | None]:
        return [float(r.completion) if r.completion is not None else None for r in self.ranking]


def _rank(rows: list[RankRow]) -> None:
    """Competition ranking (1, 2, 2, 4) by completion, among departments
    with a target; then by the actual figure."""
    ranked = sorted((r for r in rows if r.completion is not None), key=lambda r: (-r.completion, -r.value))
    previous: tuple[Decimal, Decimal] | None = None
    for position, row in enumerate(ranked, start=1):
        key = (row.completion, row.value)  # type: ignore[assignment]
        row.rank = position if key != previous else ranked[position - 2].rank
        previous = key  # type: ignore[assignment]


def targets_report(q: ReportQuery) -> TargetsReport:
    year = q.period.year
    metric = TargetMetric(q.options.get("metric", TargetMetric.SIGNED_AMOUNT.value))
    targets = targets_for(year)
    names = department_names()
    active = set(db.session.scalars(sa.select(Department.id).where(Department.active.is_(True))))
    # Each measure once, split by department (measures over the same records
    # in one query); a record has one department, so totals are the sums.
    measures = sorted({key for key, _fig in METRIC_MEASURES.values()})
    built = {key: m.build(key, q) for key in measures}
    splits = dict(zip(measures, m.by_many([built[key] for key in measures], "department"), strict=True))
    totals = {key: m.summed(splits[key], built[key].amount is not None) for key in measures}

    def dept_ids() -> list[int]:
        with_data = {d for s in splits.values() for d in s if d is not None}
        with_target = {d for d, _m in targets if d is not None}
        wanted = active | with_data | with_target
        return [d for d in names if d in wanted]

    departments = dept_ids()
    ranking: list[RankRow] = []
    key, figure = METRIC_MEASURES[metric]
    for dept in departments:
        t = splits[key].get(dept, m.Total.empty(figure == "amount"))
        value = _value(t, figure)
        target = targets.get((dept, metric))
        ranking.append(
            RankRow(dept, names[dept], m.cell(key, t, department=dept), value, target, rate(value, target), None)
        )
    _rank(ranking)
    ranking.sort(key=lambda r: (r.rank is None, r.rank or 0, -r.value))

    district = []
    matrix_cols: dict[int, list[Decimal | None]] = {d: [] for d in departments}
    for met, (mkey, fig) in METRIC_MEASURES.items():
        value = _value(totals[mkey], fig)
        allocated = [v for (d, mm), v in targets.items() if mm is met and d is not None]
        own = targets.get((None, met))
        district.append(
            MetricSummary(
                met,
                m.cell(mkey, totals[mkey]),
                value,
                own,
                sum(allocated, ZERO) if allocated else None,
                rate(value, own),
            )
        )
        for dept in departments:
            t = splits[mkey].get(dept, m.Total.empty(fig == "amount"))
            matrix_cols[dept].append(rate(_value(t, fig), targets.get((dept, met))))
    matrix = [(names[d], matrix_cols[d]) for d in departments]
    return TargetsReport(q, year, metric, ranking, district, matrix)


def sheets(report: TargetsReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    from app.reports.render import pct

    ranking = [[r.rank or "—", r.name, r.value, r.target, pct(r.completion)] for r in report.ranking]
    district = [[s.metric.label, s.value, s.target, s.allocated, pct(s.completion)] for s in report.district]
    matrix = [[name, *[pct(v) for v in values]] for name, values in report.matrix]
    return [
        (f"排名-{report.metric.label}"[:31], ["名次", "部门", "完成值", "目标值", "完成率（%）"], ranking),
        ("全区目标完成", ["指标", "完成值", "全区目标", "部门目标合计", "完成率（%）"], district),
        ("各部门完成率", ["部门", *[f"{met.label}（%）" for met in METRIC_MEASURES]], matrix),
    ]
