"""比学赶超综合排名 (the composite 龙虎榜): one ranking of departments for a
period, combining four parts, each scored 0–100 and shown beside the total
so a department sees why it ranks where it does:

- 目标完成 (`targets`): the department's completion of its yearly targets
  (目标考核: the same actuals as the targets report) over the period, each
  year's target pro-rated to the days of the period that fall in it, each
  metric capped at 100 % (one metric overshot does not hide another), the
  average over the metrics it has a target for;
- 观摩评比 (`reviews`): its average 观摩 score over the closed review events
  held in the period (`app/reviews/results.py`);
- 问题按期解决 (`problems`): of the problems assigned to it whose deadline
  falls in the period and has passed (or that are closed already), the share
  closed (销号) by the deadline;
- 督查整改按期 (`rectifications`): of its 整改 due in the period, the share
  closed by the deadline (`app/inspections/rules.py`).

The admin sets the parts' weights (`RankingWeight`; defaults 40/30/15/15).
A part with no data for the whole period is left out and its weight spread
over the others (the report says so); so is a part a department has no data
in — total = Σ(weight × score) ÷ Σ weight over the parts it has. Ranks are
1, 2, 2, 4 on the total as printed (2 decimals); a department with no part
at all is listed unranked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import audit
from app.db import db
from app.models import Department, Problem, ProblemStatus, RankingWeight, TargetMetric, User
from app.refusals import Refusal
from app.reports import targets
from app.reports.filters import Filters, ReportQuery
from app.reports.periods import Period
from app.reviews import scoring
from app.reviews.results import department_review_scores

HUNDRED = Decimal(100)
# key → (label, default weight)
PARTS: dict[str, tuple[Any, Decimal]] = {
    "targets": (_l("目标完成"), Decimal(40)),
    "reviews": (_l("观摩评比"), Decimal(30)),
    "problems": (_l("问题按期解决"), Decimal(15)),
    "rectifications": (_l("督查整改按期"), Decimal(15)),
}


class RankingError(Refusal):
    """A weight that cannot be saved."""


def weights() -> dict[str, Decimal]:
    """The parts' weights: the admin's, else the defaults."""
    stored = dict(db.session.execute(sa.select(RankingWeight.part, RankingWeight.weight)).all())
    return {key: stored.get(key, default) for key, (_label, default) in PARTS.items()}


def save_weights(values: dict[str, Decimal], actor: User) -> dict[str, Decimal]:
    """Set the weights (each 0–100, not all 0); audited."""
    if set(values) != set(PARTS):
        raise RankingError(_("请填写全部四项权重。"))
    for key, value in values.items():
        if value is None or not value.is_finite() or value < 0 or value > HUNDRED:
            raise RankingError(_("「%(part)s」的权重须在 0–100 之间。", part=PARTS[key][0]), key)
    if not any(values.values()):
        raise RankingError(_("权重不能全为 0。"))
    before = weights()
    rows = {row.part: row for row in db.session.scalars(sa.select(RankingWeight))}
    for key, value in values.items():
        row = rows.get(key)
        if row is None:
            db.session.add(RankingWeight(part=key, weight=value, updated_by_id=actor.id))
        elif row.weight != value:
            row.weight, row.updated_by_id = value, actor.id
    db.session.flush()
    changes = {k: [str(before[k]), str(values[k])] for k in PARTS if before[k] != values[k]}
    if changes:
        audit.record("update", "ranking_weight", None, changes=changes, summary=_("比学赶超综合排名权重"))
    return values


# --- the parts ---------------------------------------------------------------------------------


def _share(due: int, on_time: int) -> Decimal | None:
    return Decimal(on_time) * HUNDRED / Decimal(due) if due else None


def _prorated_targets(start: dt.date, end: dt.date) -> dict[tuple[int, TargetMetric], Decimal]:
    """{(department, metric): the part of its yearly targets that falls in
    [start, end]} (by days)."""
    result: dict[tuple[int, TargetMetric], Decimal] = defaultdict(Decimal)
    for year in range(start.year, end.year + 1):
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        days = Decimal((min(end, last) - max(start, first)).days + 1)
        share = days / Decimal((last - first).days + 1)
        for (dept, metric), value in targets.targets_for(year).items():
            if dept is not None:
                result[(dept, metric)] += value * share
    return dict(result)


def target_scores(start: dt.date, end: dt.date, today: dt.date) -> dict[int, Decimal]:
    """{department: average capped completion of its (pro-rated) targets, 0–100}."""
    due = {key: value for key, value in _prorated_targets(start, end).items() if value > 0}
    if not due:
        return {}
    q = ReportQuery(period=Period(start, end, "custom"), filters=Filters(), today=today)
    actuals = targets.actuals_by_department(q)
    rates: dict[int, list[Decimal]] = defaultdict(list)
    for (dept, metric), target in due.items():
        actual = actuals.get((dept, metric), Decimal(0))
        rates[dept].append(min(actual / target, Decimal(1)) * HUNDRED)
    return {dept: sum(values, Decimal(0)) / len(values) for dept, values in rates.items()}


def problems_on_time(start: dt.date, end: dt.date, today: dt.date) -> dict[int, tuple[int, int]]:
    """{responsible department: (problems due in [start, end] whose deadline
    has passed or that are closed, those closed by the deadline)}."""
    closed = Problem.status == ProblemStatus.CLOSED
    on_time = sa.and_(closed, Problem.resolved_on.is_not(None), Problem.resolved_on <= Problem.deadline)
    rows = db.session.execute(
        sa.select(
            Problem.responsible_department_id,
            sa.func.count(Problem.id),
            sa.func.count(sa.case((on_time, Problem.id))),
        )
        .where(
            Problem.responsible_department_id.is_not(None),
            Problem.deadline.between(start, end),
            sa.or_(Problem.deadline < today, closed),
            Problem.archived_at.is_(None),
        )
        .group_by(Problem.responsible_department_id)
    ).all()
    return {int(dept): (int(due), int(done)) for dept, due, done in rows}


def rectifications_on_time(start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    from app.inspections.rules import rectifications_on_time_by_department

    return rectifications_on_time_by_department(start, end)


# --- the ranking ------------------------------------------------------------------------------


@dataclass
class Part:
    score: Decimal | None  # 0–100; None: no data for this department
    detail: str  # what the score is made of (完成率 / 按期 n/m …)

    @property
    def text(self) -> str:
        return str(scoring.rounded(self.score)) if self.score is not None else "—"


@dataclass
class RankingRow:
    department_id: int
    name: str
    parts: dict[str, Part]
    total: Decimal | None
    rank: int | None = None

    @property
    def total_text(self) -> str:
        return str(scoring.rounded(self.total)) if self.total is not None else "—"


@dataclass
class RankingReport:
    query: ReportQuery
    weights: dict[str, Decimal]
    rows: list[RankingRow]
    # parts with no data at all in the period (their weight spread over the rest)
    missing: list[str] = field(default_factory=list)
    events: int = 0  # closed review events in the period

    @property
    def weight_texts(self) -> dict[str, str]:
        return {key: scoring.plain(value) for key, value in self.weights.items()}

    @property
    def labels(self) -> dict[str, str]:
        return {key: str(label) for key, (label, _default) in PARTS.items()}

    @property
    def chart(self) -> dict[str, list]:
        """The ranked departments and their totals, for the bar chart."""
        ranked = [row for row in self.rows if row.total is not None]
        return {
            "categories": [row.name for row in ranked],
            "totals": [float(scoring.rounded(row.total)) for row in ranked],  # type: ignore[arg-type]
        }

    @property
    def note(self) -> str:
        if not self.missing:
            return ""
        names = "、".join(self.labels[k] for k in self.missing)
        return _("本期无%(parts)s数据，其权重已按其余部分的权重比例折算。", parts=names)


def ranking_report(q: ReportQuery) -> RankingReport:
    start, end, today = q.period.start, q.period.end, q.today
    target_part = target_scores(start, end, today)
    review_part, events = department_review_scores(start, end)
    problem_counts = problems_on_time(start, end, today)
    rectification_counts = rectifications_on_time(start, end)
    parts: dict[str, dict[int, Part]] = {
        "targets": {d: Part(v, _("完成率 %(v)s%%", v=scoring.rounded(v))) for d, v in target_part.items()},
        "reviews": {d: Part(v, _("观摩平均分")) for d, v in review_part.items()},
        "problems": {
            d: Part(_share(due, done), _("按期 %(done)d / %(due)d", done=done, due=due))
            for d, (due, done) in problem_counts.items()
            if due
        },
        "rectifications": {
            d: Part(_share(due, done), _("按期 %(done)d / %(due)d", done=done, due=due))
            for d, (due, done) in rectification_counts.items()
            if due
        },
    }
    weight = weights()
    missing = [key for key in PARTS if not parts[key]]
    departments = db.session.execute(
        sa.select(Department.id, Department.name, Department.active).order_by(Department.sort_order, Department.id)
    ).all()
    with_data = {d for by_dept in parts.values() for d in by_dept}
    rows = []
    for dept in departments:
        if not dept.active and dept.id not in with_data:
            continue
        own = {key: parts[key].get(dept.id, Part(None, "—")) for key in PARTS}
        counted = [(weight[k], p.score) for k, p in own.items() if p.score is not None and weight[k] > 0]
        total_weight = sum((w for w, _s in counted), Decimal(0))
        total = sum((w * s for w, s in counted), Decimal(0)) / total_weight if total_weight else None
        rows.append(RankingRow(dept.id, dept.name, own, total))
    ranked = []
    for rank, row in scoring.ranks(rows, lambda r: r.total):
        row.rank = rank
        ranked.append(row)
    return RankingReport(q, weight, ranked, missing, events)


def sheets(report: RankingReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    labels = report.labels

    def shown(value: Decimal | None) -> Any:
        return scoring.rounded(value) if value is not None else "—"

    headers = ["名次", "部门", "综合得分"]
    for key in PARTS:
        headers += [f"{labels[key]}得分（权重{scoring.plain(report.weights[key])}）", f"{labels[key]}说明"]
    rows = [
        [
            row.rank or "—",
            row.name,
            shown(row.total),
            *[cell for key in PARTS for cell in (shown(row.parts[key].score), row.parts[key].detail)],
        ]
        for row in report.rows
    ]
    if report.note:
        rows.append(["", report.note])
    return [("比学赶超综合排名", headers, rows)]
