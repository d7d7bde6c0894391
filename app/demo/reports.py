"""Demo step: this year's targets (目标任务) for every department that takes
part in 招商 and for the whole district, set around what the demo data has
already achieved so the ranking (比学赶超) shows a believable spread — some
departments ahead of target, most behind, a few without a target.

Idempotent: a target that exists is left as it is; only missing rows are
added (through the targets service, which keeps one district row)."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from app.db import db
from app.demo import DemoContext
from app.models import Department, DepartmentKind, TargetMetric
from app.reports import targets
from app.reports.filters import parse_query

TAKES_PART = (DepartmentKind.TOWN, DepartmentKind.ZONE, DepartmentKind.INDUSTRY, DepartmentKind.BUREAU)
# A department with nothing yet still gets a modest target.
FLOOR = {
    TargetMetric.SIGNED_PROJECTS: Decimal(2),
    TargetMetric.SIGNED_AMOUNT: Decimal(20000),
    TargetMetric.BILLION_PROJECTS: Decimal(1),
    TargetMetric.TOP_TIER_PROJECTS: Decimal(0),
    TargetMetric.FUNDS_RECEIVED: Decimal(10000),
    TargetMetric.LEADS_COLLECTED: Decimal(20),
    TargetMetric.VISITS: Decimal(40),
    TargetMetric.TRIPS: Decimal(2),
}


def _rounded(value: Decimal, metric: TargetMetric) -> Decimal:
    step = Decimal(1000) if metric in targets.AMOUNT_METRICS else Decimal(1)
    return ((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).max(Decimal(0))


def seed(ctx: DemoContext) -> str:
    year = ctx.today.year
    departments = list(
        db.session.scalars(sa.select(Department.id).where(Department.active.is_(True), Department.kind.in_(TAKES_PART)))
    )
    if not departments:
        return "目标任务：尚无部门，未生成"
    existing = targets.targets_for(year)
    # What each department has achieved so far this year, by the report's own measures.
    query = parse_query({"period": "year", "year": str(year)}, ctx.today)
    actual = targets.actuals_by_department(query)
    # Year-end targets: what is done so far scaled to a full year, times a
    # department's ambition (some will be ahead, most behind).
    elapsed = Decimal(max(ctx.today.timetuple().tm_yday, 30)) / Decimal(365)
    values: dict[tuple[int | None, TargetMetric], Decimal | None] = {}
    for dept_id in departments:
        # Seeded per department (not from the shared stream, whose state
        # depends on which earlier steps ran): a second run makes the same
        # choices, so it adds nothing.
        rng = random.Random(f"targets-{year}-{dept_id}")
        if rng.random() < 0.1:
            continue  # a few departments without targets this year
        ambition = Decimal(str(round(rng.uniform(0.8, 1.5), 2)))
        for metric in TargetMetric:
            if (dept_id, metric) in existing:
                continue
            done = actual.get((dept_id, metric), Decimal(0))
            values[(dept_id, metric)] = _rounded(max(done / elapsed * ambition, FLOOR[metric]), metric)
    for metric in TargetMetric:
        if (None, metric) in existing:
            continue
        allocated = sum((v for (d, m), v in values.items() if m is metric and v is not None), Decimal(0))
        allocated += sum((v for (d, m), v in existing.items() if m is metric and d is not None), Decimal(0))
        values[(None, metric)] = _rounded(allocated * Decimal("1.1"), metric)
    added = targets.save_targets(year, values) if values else 0
    return f"目标任务：{year} 年新增 {added} 项"
