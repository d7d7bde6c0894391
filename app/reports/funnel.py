"""招商漏斗: 线索 → 已对接 → 洽谈 → 签约 → 开工 → 投产 (DESIGN.md, Funnel).

A step counts every record that has reached it or any later step. The first
three steps count leads (amount: intended investment); the last three count
projects (amount: signed amount by the counting rule, `sql.signed_amount`).

- **cohort** (批次): leads received in the period and how far they have got
  by now. The cohort is leads, so projects without an origin lead (谋划
  projects) are not in it; filters and the department split apply to the
  lead (a project is counted for its lead's department).
- **flow** (流量): records that reached each step *during* the period, by the
  dates they reached it. Every project counts from 签约 on, with or without
  an origin lead; filters and the split apply to the project itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from app.db import ZERO
from app.models import Lead, LeadFact, Project, ProjectFact
from app.reports import measures as m
from app.reports import sql
from app.reports.common import department_names, name_of, ordered_keys, rate
from app.reports.filters import ReportQuery, in_period, project_conditions, report_lead_conditions

VIEWS = {"cohort": _l("批次视图（期间收到的线索走到了哪一步）"), "flow": _l("流量视图（期间内到达各步的数量）")}

# (key, label, record kind, the fact column of the day it reached the step)
STEPS: list[tuple[str, Any, str, Any]] = [
    ("leads", _l("线索"), "lead", None),
    ("contacted", _l("已对接"), "lead", LeadFact.contacted_on),
    ("negotiating", _l("洽谈"), "lead", LeadFact.negotiating_on),
    ("signed", _l("签约"), "project", ProjectFact.signed_on),
    ("construction", _l("开工"), "project", ProjectFact.construction_on),
    ("production", _l("投产"), "project", ProjectFact.production_on),
]
STEP_KEYS = [key for key, *_rest in STEPS]


def _lead_dims() -> dict[str, m.Dim]:
    return {"department": m.Dim(LeadFact.owner_department_id), "industry": m.Dim(LeadFact.industry_id)}


# Without a filter other than the department, every step is read from the
# rollups kept by department and day (`app.rollups`): the same numbers.
ROLLED_UP = ("department",)


def _cohort(step: str, kind: str, reached: Any):
    key = measure_key("cohort", step)

    def builder(q: ReportQuery) -> m.Measure:
        cohort = [*report_lead_conditions(q.filters, LeadFact), in_period(LeadFact.received_on, q.period)]
        rollup = m.rolled(key, q)
        if kind == "lead":
            conds = cohort + ([reached.is_not(None)] if reached is not None else [])
            return m.Measure(
                LeadFact,
                tuple(conds),
                Lead,
                amount=LeadFact.amount,
                dims=_lead_dims(),
                dated=LeadFact.received_on,
                rollup=rollup,
            )
        # The projects the cohort's leads became, valued by now, like the steps.
        conds = [*cohort, ProjectFact.archived_at.is_(None), reached.is_not(None)]
        return m.Measure(
            ProjectFact,
            tuple(conds),
            Project,
            amount=ProjectFact.signed_amount,
            joins=((LeadFact, ProjectFact.lead_id == LeadFact.id),),
            dims=_lead_dims(),
            dated=LeadFact.received_on,
            rollup=rollup,
        )

    return builder


def _flow(step: str, kind: str, reached: Any):
    key = measure_key("flow", step)

    def builder(q: ReportQuery) -> m.Measure:
        if kind == "lead":
            on = reached if reached is not None else LeadFact.received_on
            conds = [*report_lead_conditions(q.filters, LeadFact), in_period(on, q.period)]
            return m.Measure(
                LeadFact,
                tuple(conds),
                Lead,
                amount=LeadFact.amount,
                dims=_lead_dims(),
                dated=on,
                rollup=m.rolled(key, q),
            )
        conds = [*project_conditions(q.filters, ProjectFact), in_period(reached, q.period)]
        signed = sql.signed_amount_at(q.period.end)  # as it stood at the end of the period
        return m.Measure(
            ProjectFact,
            tuple(conds),
            Project,
            amount=signed.amount,
            joins=signed.joins,
            dims={"department": m.Dim(ProjectFact.lead_department_id), "industry": m.Dim(ProjectFact.industry_id)},
            dated=reached,
            # The rollups keep today's 签约额: an earlier period whose end
            # falls before a later agreement works it out from the facts.
            rollup=m.rolled(key, q) if not signed.joins else None,
        )

    return builder


def measure_key(view: str, step: str) -> str:
    return f"funnel.{view}.{step}"


for _key, _label, _kind, _reached in STEPS:
    m.register(measure_key("cohort", _key), ROLLED_UP)(_cohort(_key, _kind, _reached))
    m.register(measure_key("flow", _key), ROLLED_UP)(_flow(_key, _kind, _reached))


@dataclass
class FunnelStep:
    key: str
    label: str
    kind: str
    cell: m.Cell
    step_rate: Decimal | None  # of the previous step, %
    overall_rate: Decimal | None  # of 线索, %


@dataclass
class FunnelReport:
    query: ReportQuery
    view: str
    steps: list[FunnelStep]
    # department rows: (name, [cell per step])
    by_department: list[tuple[str, list[m.Cell]]]
    department_total: list[m.Cell]

    @property
    def view_label(self) -> str:
        return str(VIEWS[self.view])


def funnel_report(q: ReportQuery) -> FunnelReport:
    view = q.options.get("view", "cohort")
    steps: list[FunnelStep] = []
    measures = [m.build(measure_key(view, key), q) for key in STEP_KEYS]
    # Every step by department in one query per kind of record; a record has
    # one department, so a step's total is the sum of its rows.
    split: dict[str, dict[Any, m.Total]] = dict(zip(STEP_KEYS, m.by_many(measures, "department"), strict=True))
    first: int | None = None
    previous: int | None = None
    for key, label, kind, _reached in STEPS:
        mkey = measure_key(view, key)
        t = m.summed(split[key], with_amount=True)
        first = t.count if first is None else first
        steps.append(
            FunnelStep(
                key=key,
                label=str(label),
                kind=kind,
                cell=m.cell(mkey, t),
                step_rate=rate(t.count, previous) if previous is not None else None,
                overall_rate=rate(t.count, first) if previous is not None else None,
            )
        )
        previous = t.count
    names = department_names()
    keys = ordered_keys({k for rows in split.values() for k in rows}, names)
    rows = []
    for dept in keys:
        cells = [
            m.cell(measure_key(view, key), split[key].get(dept, m.Total(0, ZERO)), department=dept) for key in STEP_KEYS
        ]
        rows.append((name_of(dept, names), cells))
    return FunnelReport(q, view, steps, rows, [s.cell for s in steps])


def sheets(report: FunnelReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report as worksheets: (title, headers, rows) — the same numbers as
    the page."""
    from app.reports.render import pct, yi_number

    head = ["步骤", "数量", "金额（亿元）", "较上一步转化率（%）", "总转化率（%）"]
    rows = [
        [s.label, s.cell.count, yi_number(s.cell.amount), pct(s.step_rate), pct(s.overall_rate)] for s in report.steps
    ]
    dept_head = ["部门", *[str(label) for _k, label, *_r in STEPS]]
    dept_rows = [[name, *[c.count for c in cells]] for name, cells in report.by_department]
    dept_rows.append(["合计", *[c.count for c in report.department_total]])
    return [("招商漏斗", head, rows), ("漏斗-按部门", dept_head, dept_rows)]
