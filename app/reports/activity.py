"""对接走访统计 (formerly 招商活动统计; that name is now the activities report,
`activities.py`): leads collected, distinct companies contacted and visits by
kind in the period, per department and per staff member.

- Leads collected: leads received in the period (owner department / owner).
- Visits: visits on a date in the period, counted for the visit's department
  and, per person, for each of our participants (the person who logged it
  when nobody is listed).
- Companies contacted: distinct companies (of the visit's lead or project)
  with at least one such visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.db import db
from app.models import Company, Lead, Project, RefKind, Visit, visit_participant
from app.reports import measures as m
from app.reports.common import department_names, name_of, ordered_keys, ref_names, user_names
from app.reports.filters import ReportQuery, in_period, report_lead_conditions, visit_conditions

# The person of a visit: each participant, or its author when it lists none —
# one outer join on the participants' primary key. (A UNION of the
# participants and the bare visits' authors, joined back to the visits, read
# every visit ever logged to count a month's: seconds at 500,000.)
PERSON_JOIN = (visit_participant, visit_participant.c.visit_id == Visit.id)


def _person() -> Any:
    return sa.func.coalesce(visit_participant.c.user_id, Visit.created_by_id)


def _visit_dims() -> dict[str, m.Dim]:
    return {
        "department": m.Dim(Visit.department_id),
        "kind": m.Dim(Visit.kind_id),
        "user": m.Dim(_person(), (PERSON_JOIN,)),
    }


def _visit_scope(q: ReportQuery) -> tuple[sa.ColumnElement[bool], ...]:
    return (*visit_conditions(q.filters), in_period(Visit.visited_on, q.period))


@m.register("activity.leads")
def _leads(q: ReportQuery) -> m.Measure:
    conds = [*report_lead_conditions(q.filters), in_period(Lead.received_on, q.period)]
    return m.Measure(
        Lead,
        tuple(conds),
        Lead,
        amount=sa.func.coalesce(Lead.intended_investment, 0),
        dims={
            "department": m.Dim(Lead.owner_department_id),
            "user": m.Dim(Lead.owner_user_id),
            "industry": m.Dim(Lead.industry_id),
        },
    )


@m.register("activity.visits")
def _visits(q: ReportQuery) -> m.Measure:
    return m.Measure(Visit, _visit_scope(q), Visit, dims=_visit_dims())


@m.register("activity.companies")
def _companies(q: ReportQuery) -> m.Measure:
    lead, project = aliased(Lead), aliased(Project)
    return m.Measure(
        Visit,
        _visit_scope(q),
        Company,
        counted=sa.func.coalesce(lead.company_id, project.company_id),
        joins=((lead, Visit.lead_id == lead.id), (project, Visit.project_id == project.id)),
        dims=_visit_dims(),
    )


KEYS = ("activity.leads", "activity.companies", "activity.visits")


@dataclass
class ActivityReport:
    query: ReportQuery
    totals: list[m.Cell]  # leads, companies, visits
    kinds: list[tuple[int | None, str]]  # visit kinds shown as columns
    kind_totals: list[m.Cell]
    # rows: (name, [leads, companies, visits], [visits per kind])
    by_department: list[tuple[str, list[m.Cell], list[m.Cell]]]
    by_user: list[tuple[str, list[m.Cell], list[m.Cell]]]


Split = dict[Any, m.Total]
PerKind = dict[tuple[Any, Any], m.Total]  # (department or person, kind) → visits


def _summed(per_kind: PerKind, side: int) -> Split:
    """Visits per department or person (`side` 0) or per kind (`side` 1)
    from the visits per (department or person, kind): a visit has one kind
    and one department, so the counts add up to the distinct visits (a
    person's visits are told apart by kind alone)."""
    summed: dict[Any, int] = {}
    for pair, t in per_kind.items():
        summed[pair[side]] = summed.get(pair[side], 0) + t.count
    return {value: m.Total(count, None) for value, count in summed.items()}


def _companies_contacted(q: ReportQuery) -> tuple[m.Total, Split, Split]:
    """The `activity.companies` measure in total, per department and per
    person, from one statement: the period's distinct (department, person,
    lead, project) first — a lead is visited several times a month (38,000
    visits at L are 9,000 such rows) — then their companies, told apart
    here rather than looked up once per visit in three statements."""
    facets = (
        sa.select(Visit.department_id.label("department"), _person().label("person"), Visit.lead_id, Visit.project_id)
        .outerjoin(*PERSON_JOIN)
        .where(*_visit_scope(q))
        .distinct()
        .subquery("visit_facets")
    )
    lead, project = aliased(Lead), aliased(Project)
    company = sa.func.coalesce(lead.company_id, project.company_id)
    stmt = (
        sa.select(facets.c.department, facets.c.person, company)
        .outerjoin(lead, facets.c.lead_id == lead.id)
        .outerjoin(project, facets.c.project_id == project.id)
        .where(company.is_not(None))
    )
    everyone: set[int] = set()
    departments: dict[Any, set[int]] = {}
    people: dict[Any, set[int]] = {}
    for department, person, company_id in db.session.execute(stmt):
        everyone.add(company_id)
        departments.setdefault(department, set()).add(company_id)
        people.setdefault(person, set()).add(company_id)

    def counted(groups: dict[Any, set[int]]) -> Split:
        return {value: m.Total(len(ids), None) for value, ids in groups.items()}

    return m.Total(len(everyone), None), counted(departments), counted(people)


def _rows(
    dim: str,
    names: dict[int, str],
    kinds: list[Any],
    splits: dict[str, Split],
    per_kind: dict[tuple[Any, Any], m.Total],
) -> list[tuple[str, list[m.Cell], list[m.Cell]]]:
    keys = ordered_keys({k for s in splits.values() for k in s}, names)
    rows = []
    for value in keys:
        main = [m.cell(key, splits[key].get(value, m.Total.empty(False)), **{dim: value}) for key in KEYS]
        kind_cells = [
            m.cell("activity.visits", per_kind.get((value, kind), m.Total.empty(False)), **{dim: value, "kind": kind})
            for kind in kinds
        ]
        rows.append((name_of(value, names), main, kind_cells))
    return rows


def activity_report(q: ReportQuery) -> ActivityReport:
    """Five statements of numbers whatever the data: visits by department ×
    kind and by person × kind (the kinds', departments' and people's visits
    and the total are their sums), the companies contacted
    (`_companies_contacted`), leads by department (their sum is the total)
    and by owner."""
    kind_names = ref_names(kind=RefKind.VISIT_KIND)
    leads, visits = m.build("activity.leads", q), m.build("activity.visits", q)
    by_department_kind = m.by2(visits, "department", "kind")
    by_user_kind = m.by2(visits, "user", "kind")
    companies, companies_by_department, companies_by_user = _companies_contacted(q)
    leads_by_department = m.by(leads, "department")
    by_kind = _summed(by_department_kind, 1)
    kinds = ordered_keys(set(kind_names) | set(by_kind), kind_names)
    totals = [
        m.cell("activity.leads", m.summed(leads_by_department, True)),
        m.cell("activity.companies", companies),
        m.cell("activity.visits", m.summed(by_kind, False)),
    ]
    kind_totals = [m.cell("activity.visits", by_kind.get(k, m.Total.empty(False)), kind=k) for k in kinds]
    departments = {
        "activity.leads": leads_by_department,
        "activity.companies": companies_by_department,
        "activity.visits": _summed(by_department_kind, 0),
    }
    people = {
        "activity.leads": m.by(leads, "user"),
        "activity.companies": companies_by_user,
        "activity.visits": _summed(by_user_kind, 0),
    }
    by_department = _rows("department", department_names(), kinds, departments, by_department_kind)
    # People who logged nothing and collected nothing have no row.
    by_user = [row for row in _rows("user", user_names(), kinds, people, by_user_kind) if row[0] != "未指定"]
    return ActivityReport(q, totals, [(k, name_of(k, kind_names)) for k in kinds], kind_totals, by_department, by_user)


def sheets(report: ActivityReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    head = ["收集线索", "对接企业（家）", "对接走访（次）", *[f"走访-{name}" for _k, name in report.kinds]]
    total = ["合计", *[c.count for c in report.totals], *[c.count for c in report.kind_totals]]

    def rows(data: list[tuple[str, list[m.Cell], list[m.Cell]]]) -> list[list[Any]]:
        return [[name, *[c.count for c in main], *[c.count for c in kinds]] for name, main, kinds in data]

    return [
        ("活动-按部门", ["部门", *head], [*rows(report.by_department), total]),
        ("活动-按人员", ["人员", *head], rows(report.by_user)),
    ]
