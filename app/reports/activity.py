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

from app.models import Company, Lead, Project, RefKind, Visit, visit_participant
from app.reports import measures as m
from app.reports.common import department_names, name_of, ordered_keys, ref_names, user_names
from app.reports.filters import ReportQuery, in_period, report_lead_conditions, visit_conditions


def _visit_people() -> Any:
    """(user_id, visit_id): each participant of a visit, or its author when
    it lists none."""
    bare = aliased(Visit)
    authors = sa.select(bare.created_by_id.label("user_id"), bare.id.label("visit_id")).where(
        bare.created_by_id.is_not(None),
        ~sa.exists().where(visit_participant.c.visit_id == bare.id),
    )
    participants = sa.select(visit_participant.c.user_id, visit_participant.c.visit_id)
    return sa.union(participants, authors).subquery("visit_people")


def _visit_dims() -> dict[str, m.Dim]:
    people = _visit_people()
    return {
        "department": m.Dim(Visit.department_id),
        "kind": m.Dim(Visit.kind_id),
        "user": m.Dim(people.c.user_id, ((people, people.c.visit_id == Visit.id),)),
    }


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
    conds = [*visit_conditions(q.filters), in_period(Visit.visited_on, q.period)]
    return m.Measure(Visit, tuple(conds), Visit, dims=_visit_dims())


@m.register("activity.companies")
def _companies(q: ReportQuery) -> m.Measure:
    lead, project = aliased(Lead), aliased(Project)
    conds = [*visit_conditions(q.filters), in_period(Visit.visited_on, q.period)]
    return m.Measure(
        Visit,
        tuple(conds),
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


def _rows(
    q: ReportQuery, dim: str, names: dict[int, str], kinds: list[Any]
) -> list[tuple[str, list[m.Cell], list[m.Cell]]]:
    built = {key: m.build(key, q) for key in KEYS}
    splits = {key: m.by(measure, dim) for key, measure in built.items()}
    per_kind = m.by2(built["activity.visits"], dim, "kind")
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
    kind_names = ref_names(kind=RefKind.VISIT_KIND)
    visits = m.build("activity.visits", q)
    by_kind = m.by(visits, "kind")
    kinds = ordered_keys(set(kind_names) | set(by_kind), kind_names)
    totals = [m.cell(key, m.total(m.build(key, q))) for key in KEYS]
    kind_totals = [m.cell("activity.visits", by_kind.get(k, m.Total.empty(False)), kind=k) for k in kinds]
    by_department = _rows(q, "department", department_names(), kinds)
    # People who logged nothing and collected nothing have no row.
    by_user = [row for row in _rows(q, "user", user_names(), kinds) if row[0] != "未指定"]
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
