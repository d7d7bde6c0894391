"""The SQL floor of each report: the fewest plain GROUP BY queries that
produce the report's numbers, written here independently of
`app.reports.measures` (sharing only the domain's counting rule for signed
amounts and the funnel's reached-on dates). The harness times these bare
queries and divides the page's time by theirs.

Each floor returns the numbers the page shows — per step or library a
(count, amount) total and per department the counts — and `check()` holds
them to what the report functions compute, so a fast floor that counts
something else cannot flatter a page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app.db import db
from app.models import (
    STAGE_LIBRARY,
    Activity,
    Funding,
    Lead,
    LeadFact,
    Library,
    Project,
    ProjectFact,
    RefItem,
    RefKind,
    Visit,
    company_tier,
)
from app.reports import sql
from app.reports.filters import ReportQuery, parse_query

Numbers = dict[str, Any]
ZERO = Decimal(0)


def _in(column: Any, q: ReportQuery) -> sa.ColumnElement[bool]:
    return column.between(q.period.start, q.period.end)


def _hit(condition: Any, value: Any = 1) -> Any:
    return sa.func.sum(sa.case((condition, value), else_=0))


def _dec(value: Any) -> Decimal:
    return Decimal(value) if value is not None else ZERO


def _collect(rows: Any, steps: list[str]) -> Numbers:
    """Rows of (department, count, amount, count, amount …) → totals per step
    and counts per department."""
    totals = {step: [0, ZERO] for step in steps}
    by_dept: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in rows:
        dept, values = row[0], row[1:]
        for index, step in enumerate(steps):
            count, amount = int(values[2 * index] or 0), _dec(values[2 * index + 1])
            totals[step][0] += count
            totals[step][1] += amount
            if count:
                by_dept[dept][step] = count
    return {"totals": {k: (c, a) for k, (c, a) in totals.items()}, "by_department": dict(by_dept)}


def _merge(*parts: Numbers) -> Numbers:
    merged: Numbers = {"totals": {}, "by_department": defaultdict(dict)}
    for part in parts:
        merged["totals"].update(part["totals"])
        for dept, counts in part["by_department"].items():
            merged["by_department"][dept].update(counts)
    merged["by_department"] = dict(merged["by_department"])
    return merged


def funnel_cohort(q: ReportQuery) -> Numbers:
    amount = sa.func.coalesce(Lead.intended_investment, 0)
    contacted, negotiating = sql.lead_contacted_on(), sql.lead_negotiating_on()
    leads = db.session.execute(
        sa.select(
            Lead.owner_department_id,
            sa.func.count(),
            sa.func.sum(amount),
            _hit(contacted.is_not(None)),
            _hit(contacted.is_not(None), amount),
            _hit(negotiating.is_not(None)),
            _hit(negotiating.is_not(None), amount),
        )
        .where(Lead.archived_at.is_(None), _in(Lead.received_on, q))
        .group_by(Lead.owner_department_id)
    )
    signed = sql.signed_amount(None)
    steps = [sql.project_signed_on(), sql.project_construction_on(), sql.project_production_on()]
    projects = db.session.execute(
        sa.select(
            Lead.owner_department_id,
            *[agg for on in steps for agg in (_hit(on.is_not(None)), _hit(on.is_not(None), signed.amount))],
        )
        .select_from(Project)
        .join(Lead, Project.lead_id == Lead.id)
        .outerjoin(*signed.join)
        .where(Project.archived_at.is_(None), Lead.archived_at.is_(None), _in(Lead.received_on, q))
        .group_by(Lead.owner_department_id)
    )
    return _merge(
        _collect(leads, ["leads", "contacted", "negotiating"]),
        _collect(projects, ["signed", "construction", "production"]),
    )


def funnel_flow(q: ReportQuery) -> Numbers:
    amount = sa.func.coalesce(Lead.intended_investment, 0)
    lead_steps = [Lead.received_on, sql.lead_contacted_on(), sql.lead_negotiating_on()]
    leads = db.session.execute(
        sa.select(
            Lead.owner_department_id,
            *[agg for on in lead_steps for agg in (_hit(_in(on, q)), _hit(_in(on, q), amount))],
        )
        .where(Lead.archived_at.is_(None), sa.or_(*[_in(on, q) for on in lead_steps]))
        .group_by(Lead.owner_department_id)
    )
    signed = sql.signed_amount(q.period.end)
    project_steps = [sql.project_signed_on(), sql.project_construction_on(), sql.project_production_on()]
    projects = db.session.execute(
        sa.select(
            Project.lead_department_id,
            *[agg for on in project_steps for agg in (_hit(_in(on, q)), _hit(_in(on, q), signed.amount))],
        )
        .outerjoin(*signed.join)
        .where(Project.archived_at.is_(None), sa.or_(*[_in(on, q) for on in project_steps]))
        .group_by(Project.lead_department_id)
    )
    return _merge(
        _collect(leads, ["leads", "contacted", "negotiating"]),
        _collect(projects, ["signed", "construction", "production"]),
    )


def _libraries(project: Any, flow: Numbers) -> Numbers:
    """Per library (count, planned) in total, counts per department and per
    industry, read from `project` (`Project` or `ProjectFact`: the same
    column names), and 三个一批 from `flow` (the flow funnel's last three
    steps)."""
    shown = [stage for stage, lib in STAGE_LIBRARY.items() if lib is not None]
    result: Numbers = {"totals": {}, "by_department": {}, "by_industry": {}}
    for dim, key in ((project.lead_department_id, "by_department"), (project.industry_id, "by_industry")):
        rows = db.session.execute(
            sa.select(dim, project.stage, sa.func.count(), sa.func.sum(project.planned_investment))
            .where(project.archived_at.is_(None), project.stage.in_(shown))
            .group_by(dim, project.stage)
        ).all()
        groups: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        totals: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
        for value, stage, count, amount in rows:
            lib = STAGE_LIBRARY[stage].value
            groups[value][lib] += count
            totals[lib][0] += count
            totals[lib][1] += _dec(amount)
        result[key] = {k: dict(v) for k, v in groups.items()}
        result["totals"] = {k: (c, a) for k, (c, a) in totals.items()}
    result["totals"].update(flow["totals"])
    result["three_by_department"] = flow["by_department"]
    return result


def library(q: ReportQuery) -> Numbers:
    return _libraries(Project, funnel_flow_projects(q))


def funnel_flow_projects(q: ReportQuery) -> Numbers:
    signed = sql.signed_amount(q.period.end)
    steps = [sql.project_signed_on(), sql.project_construction_on(), sql.project_production_on()]
    rows = db.session.execute(
        sa.select(
            Project.lead_department_id,
            *[agg for on in steps for agg in (_hit(_in(on, q)), _hit(_in(on, q), signed.amount))],
        )
        .outerjoin(*signed.join)
        .where(Project.archived_at.is_(None), sa.or_(*[_in(on, q) for on in steps]))
        .group_by(Project.lead_department_id)
    )
    return _collect(rows, ["signed", "construction", "production"])


TOP_TIERS = ("世界500强", "央企")


def ranking(q: ReportQuery) -> Numbers:
    """Each department's actual figure of every target metric for the year."""
    signed = sql.signed_amount(q.period.end)
    on = sql.project_signed_on()
    tiers = sa.select(RefItem.id).where(RefItem.kind == RefKind.TIER, RefItem.name.in_(TOP_TIERS))
    top = sa.exists().where(company_tier.c.company_id == Project.company_id, company_tier.c.tier_id.in_(tiers))
    per_dept: dict[Any, dict[str, Any]] = defaultdict(dict)
    projects = db.session.execute(
        sa.select(
            Project.lead_department_id,
            sa.func.count(),
            sa.func.sum(signed.amount),
            _hit(signed.amount >= sql.BILLION),
            _hit(top),
        )
        .outerjoin(*signed.join)
        .where(Project.archived_at.is_(None), _in(on, q))
        .group_by(Project.lead_department_id)
    )
    for dept, count, amount, billion, top_tier in projects:
        per_dept[dept].update(
            signed_projects=Decimal(count),
            signed_amount=_dec(amount),
            billion_projects=Decimal(billion or 0),
            top_tier_projects=Decimal(top_tier or 0),
        )
    funds = db.session.execute(
        sa.select(Project.lead_department_id, sa.func.sum(Funding.amount))
        .join(Project, Funding.project_id == Project.id)
        .where(Project.archived_at.is_(None), _in(Funding.month, q))
        .group_by(Project.lead_department_id)
    )
    for dept, amount in funds:
        per_dept[dept]["funds_received"] = _dec(amount)
    leads = db.session.execute(
        sa.select(Lead.owner_department_id, sa.func.count())
        .where(Lead.archived_at.is_(None), _in(Lead.received_on, q))
        .group_by(Lead.owner_department_id)
    )
    for dept, count in leads:
        per_dept[dept]["leads_collected"] = Decimal(count)
    visits = db.session.execute(
        sa.select(Visit.department_id, sa.func.count())
        .where(Visit.archived_at.is_(None), _in(Visit.visited_on, q))
        .group_by(Visit.department_id)
    )
    for dept, count in visits:
        per_dept[dept]["visits"] = Decimal(count)
    trips = db.session.execute(
        sa.select(Activity.department_id, sa.func.count())
        .where(Activity.archived_at.is_(None), Activity.away.is_(True), _in(Activity.start_on, q))
        .group_by(Activity.department_id)
    )
    for dept, count in trips:
        per_dept[dept]["trips"] = Decimal(count)
    district: dict[str, Any] = defaultdict(lambda: ZERO)
    for values in per_dept.values():
        for metric, value in values.items():
            district[metric] += value
    ranking = {
        d: {"signed_amount": values["signed_amount"]}
        for d, values in per_dept.items()
        if d is not None and values.get("signed_amount")
    }
    return {"totals": {k: (1, v) for k, v in district.items() if v}, "ranking": ranking}


# --- the same floors over the report facts (LeadFact, ProjectFact) ------------
#
# The reports read the facts kept with the records; these are the bare GROUP
# BY queries over the same tables, the floor a report is measured against
# ("≤ 1.5 × its floor over the new facts"). The floors above, over the
# records, stay as the check that the kept facts still give the records'
# numbers.


def _fact_projects(q: ReportQuery, dim: Any, *joined: Any) -> Any:
    steps = [ProjectFact.signed_on, ProjectFact.construction_on, ProjectFact.production_on]
    amount = ProjectFact.signed_amount
    stmt = sa.select(dim, *[agg for on in steps for agg in (_hit(_in(on, q)), _hit(_in(on, q), amount))])
    return db.session.execute(
        stmt.where(ProjectFact.archived_at.is_(None), sa.or_(*[_in(on, q) for on in steps])).group_by(dim)
    )


def funnel_cohort_facts(q: ReportQuery) -> Numbers:
    contacted, negotiating = LeadFact.contacted_on, LeadFact.negotiating_on
    leads = db.session.execute(
        sa.select(
            LeadFact.owner_department_id,
            sa.func.count(),
            sa.func.sum(LeadFact.amount),
            _hit(contacted.is_not(None)),
            _hit(contacted.is_not(None), LeadFact.amount),
            _hit(negotiating.is_not(None)),
            _hit(negotiating.is_not(None), LeadFact.amount),
        )
        .where(LeadFact.archived_at.is_(None), _in(LeadFact.received_on, q))
        .group_by(LeadFact.owner_department_id)
    )
    steps = [ProjectFact.signed_on, ProjectFact.construction_on, ProjectFact.production_on]
    projects = db.session.execute(
        sa.select(
            LeadFact.owner_department_id,
            *[agg for on in steps for agg in (_hit(on.is_not(None)), _hit(on.is_not(None), ProjectFact.signed_amount))],
        )
        .select_from(ProjectFact)
        .join(LeadFact, ProjectFact.lead_id == LeadFact.id)
        .where(
            ProjectFact.archived_at.is_(None),
            ProjectFact.signed_on.is_not(None),
            LeadFact.archived_at.is_(None),
            _in(LeadFact.received_on, q),
        )
        .group_by(LeadFact.owner_department_id)
    )
    return _merge(
        _collect(leads, ["leads", "contacted", "negotiating"]),
        _collect(projects, ["signed", "construction", "production"]),
    )


def funnel_flow_facts(q: ReportQuery) -> Numbers:
    steps = [LeadFact.received_on, LeadFact.contacted_on, LeadFact.negotiating_on]
    leads = db.session.execute(
        sa.select(
            LeadFact.owner_department_id,
            *[agg for on in steps for agg in (_hit(_in(on, q)), _hit(_in(on, q), LeadFact.amount))],
        )
        .where(LeadFact.archived_at.is_(None), sa.or_(*[_in(on, q) for on in steps]))
        .group_by(LeadFact.owner_department_id)
    )
    return _merge(
        _collect(leads, ["leads", "contacted", "negotiating"]),
        _collect(_fact_projects(q, ProjectFact.lead_department_id), ["signed", "construction", "production"]),
    )


def library_facts(q: ReportQuery) -> Numbers:
    flow = _collect(_fact_projects(q, ProjectFact.lead_department_id), ["signed", "construction", "production"])
    return _libraries(ProjectFact, flow)


FACT_FLOORS: dict[str, Callable[[ReportQuery], Numbers]] = {
    "funnel_cohort": funnel_cohort_facts,
    "funnel_flow": funnel_flow_facts,
    "library": library_facts,
}


FLOORS: dict[str, tuple[Callable[[ReportQuery], Numbers], dict[str, str]]] = {
    "funnel_cohort": (funnel_cohort, {"view": "cohort"}),
    "funnel_flow": (funnel_flow, {"view": "flow"}),
    "library": (library, {}),
    "ranking": (ranking, {"metric": "signed_amount"}),
}


def report_query(key: str, today: dt.date) -> ReportQuery:
    """The query the report page builds from a bare URL (this year)."""
    return parse_query({}, today, options=FLOORS[key][1])


# --- the same numbers from the report functions -------------------------------


def _from_report(key: str, q: ReportQuery) -> Numbers:
    from app.reports import funnel, targets
    from app.reports import library as library_report

    if key.startswith("funnel"):
        r = funnel.funnel_report(q)
        totals = {s.key: (s.cell.count, s.cell.amount) for s in r.steps}
        ids = _dept_ids_by_name()
        by_dept: dict[Any, dict[str, int]] = {}
        for name, cells in r.by_department:
            counts = {step: c.count for step, c in zip(funnel.STEP_KEYS, cells, strict=True) if c.count}
            if counts:
                by_dept[ids.get(name)] = counts
        return {"totals": totals, "by_department": by_dept}
    if key == "library":
        r = library_report.library_report(q)
        libs = [lib.value for lib in Library]
        totals = {lib: (c.count, c.amount) for lib, (_name, c) in zip(libs, r.libraries, strict=False) if c.count}
        for step, (_label, c) in zip(("signed", "construction", "production"), r.three, strict=True):
            totals[step] = (c.count, c.amount)
        out: Numbers = {"totals": totals}
        for dim, names in (("department", _dept_ids_by_name()), ("industry", _industry_ids_by_name())):
            table = r.tables[dim]
            out[f"by_{dim}"] = {
                names.get(name): {lib: c.count for lib, c in zip(libs, cells, strict=False) if c.count}
                for name, cells in table.rows
            }
        out["three_by_department"] = {
            _dept_ids_by_name().get(name): {
                step: c.count
                for step, c in zip(("signed", "construction", "production"), cells, strict=True)
                if c.count
            }
            for name, cells in r.three_by_department.rows
        }
        return out
    r = targets.targets_report(q)
    district = {summary.metric.value: (1, summary.value) for summary in r.district if summary.value}
    ranking = {row.department_id: {r.metric.value: row.value} for row in r.ranking if row.value}
    return {"totals": district, "ranking": ranking}


def _dept_ids_by_name() -> dict[str, int | None]:
    from app.models import Department

    names = {name: dept_id for dept_id, name in db.session.execute(sa.select(Department.id, Department.name))}
    names["未指定"] = None
    return names


def _industry_ids_by_name() -> dict[str, int | None]:
    rows = db.session.execute(sa.select(RefItem.id, RefItem.name).where(RefItem.kind == RefKind.INDUSTRY))
    names: dict[str, int | None] = {name: item_id for item_id, name in rows}
    names["未指定"] = None
    return names


def _normalise(numbers: Numbers) -> Numbers:
    out: Numbers = {}
    for key, value in numbers.items():
        if key == "totals":
            out[key] = {k: (int(c), _dec(a).quantize(Decimal("0.0001"))) for k, (c, a) in value.items() if c}
        else:
            out[key] = {
                d: {k: v for k, v in counts.items() if v} for d, counts in value.items() if any(counts.values())
            }
    return out


def check(key: str, q: ReportQuery, over_facts: bool = False) -> list[str]:
    """Differences between the floor's numbers (over the records, or over
    the facts) and the report's (empty when they agree)."""
    floor = _normalise((FACT_FLOORS[key] if over_facts else FLOORS[key][0])(q))
    page = _normalise(_from_report(key, q))
    problems = []
    for part in sorted(set(floor) | set(page)):
        a, b = floor.get(part, {}), page.get(part, {})
        if a != b:
            keys = sorted(set(a) | set(b), key=str)
            diff = [f"{k}: floor {a.get(k)} ≠ page {b.get(k)}" for k in keys if a.get(k) != b.get(k)][:3]
            problems.append(f"{key} {part}: " + "; ".join(diff))
    return problems
