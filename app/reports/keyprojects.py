"""重点项目 overview, as of today: status lights by responsible leader and by
lead department, 五个一落实率, and overdue problems by escalation level (蓝 →
黄 → 红 督办). The rules are the projects' and problems' own
(`app.projects.lights`, `app.projects.five_ones`, `app.problems.rules`);
this module only counts them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models import Light, Problem, Project
from app.problems.rules import Escalation, escalation_condition
from app.projects.five_ones import complete_expression, rate_denominator
from app.projects.lights import current_light
from app.reports import measures as m
from app.reports.common import department_names, name_of, ordered_keys, rate, user_names
from app.reports.filters import ReportQuery, project_conditions

LIGHTS = [Light.RED, Light.YELLOW, Light.GREEN]
LEVELS = [Escalation.RED, Escalation.YELLOW, Escalation.BLUE]
GROUPS = {"leader": _l("按分包领导"), "department": _l("按牵头部门")}


def _project_dims() -> dict[str, m.Dim]:
    return {"leader": m.Dim(Project.responsible_leader_id), "department": m.Dim(Project.lead_department_id)}


def _key_measure(extra: Any):
    def builder(q: ReportQuery) -> m.Measure:
        conds = [*project_conditions(q.filters), rate_denominator(), extra(q)]
        return m.Measure(Project, tuple(conds), Project, amount=Project.planned_investment, dims=_project_dims())

    return builder


m.register("key.all")(_key_measure(lambda q: sa.true()))
m.register("key.complete")(_key_measure(lambda q: complete_expression(q.today)))
for _light in LIGHTS:
    m.register(f"key.light.{_light.value}")(_key_measure(lambda q, light=_light: current_light(q.today) == light.value))


def _problem_measure(level: Escalation):
    def builder(q: ReportQuery) -> m.Measure:
        projects = sa.select(Project.id).where(*project_conditions(q.filters)).correlate(None)
        conds = [escalation_condition(level, q.today), Problem.project_id.in_(projects)]
        project_join = ((Project, Problem.project_id == Project.id),)
        return m.Measure(
            Problem,
            tuple(conds),
            Problem,
            dims={
                "department": m.Dim(Problem.responsible_department_id),
                "leader": m.Dim(Project.responsible_leader_id, project_join),
            },
        )

    return builder


for _level in LEVELS:
    m.register(f"problems.overdue.{_level.key}")(_problem_measure(_level))

LIGHT_KEYS = [f"key.light.{light.value}" for light in LIGHTS]
ROW_KEYS = [*LIGHT_KEYS, "key.all", "key.complete"]
LEVEL_KEYS = [f"problems.overdue.{level.key}" for level in LEVELS]


@dataclass
class GroupRow:
    name: str
    cells: list[m.Cell]  # red, yellow, green, key projects, complete
    rate: Decimal | None  # 五个一落实率 %


@dataclass
class KeyProjectsReport:
    query: ReportQuery
    summary: GroupRow  # the whole district
    groups: dict[str, list[GroupRow]]  # by leader, by department
    problems: list[tuple[str, m.Cell]]  # per escalation level
    problems_by_department: list[tuple[str, list[m.Cell]]]
    problems_total: list[m.Cell]


def _group_rows(splits: dict[str, dict[Any, m.Total]], dim: str, names: dict[int, str]) -> list[GroupRow]:
    rows = []
    for value in ordered_keys({k for s in splits.values() for k in s}, names):
        cells = [m.cell(key, splits[key].get(value, m.Total.empty(True)), **{dim: value}) for key in ROW_KEYS]
        rows.append(GroupRow(name_of(value, names), cells, rate(cells[4].count, cells[3].count)))
    return rows


def key_projects_report(q: ReportQuery) -> KeyProjectsReport:
    """Three statements of numbers: the key projects' five measures by
    leader and by department (`measures.by_many`: one GROUP BY each), the
    overdue problems' three levels by department; the totals are the
    departments' sums (a project has one lead department, a problem one
    responsible department, 未指定 included)."""
    built = [m.build(key, q) for key in ROW_KEYS]
    by_leader = dict(zip(ROW_KEYS, m.by_many(built, "leader"), strict=True))
    by_department = dict(zip(ROW_KEYS, m.by_many(built, "department"), strict=True))
    totals = [m.cell(key, m.summed(by_department[key], True)) for key in ROW_KEYS]
    summary = GroupRow(str(_l("全区")), totals, rate(totals[4].count, totals[3].count))
    depts = department_names()
    groups = {
        "leader": _group_rows(by_leader, "leader", user_names()),
        "department": _group_rows(by_department, "department", depts),
    }
    splits = m.by_many([m.build(key, q) for key in LEVEL_KEYS], "department")
    problem_totals = [m.cell(key, m.summed(split, False)) for key, split in zip(LEVEL_KEYS, splits, strict=True)]
    by_dept = []
    for value in ordered_keys({k for s in splits for k in s}, depts):
        cells = [
            m.cell(key, split.get(value, m.Total.empty(False)), department=value)
            for key, split in zip(LEVEL_KEYS, splits, strict=True)
        ]
        by_dept.append((name_of(value, depts), cells))
    problems = [(level.label, c) for level, c in zip(LEVELS, problem_totals, strict=True)]
    return KeyProjectsReport(q, summary, groups, problems, by_dept, problem_totals)


def sheets(report: KeyProjectsReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    from app.reports.render import pct

    head = ["红灯", "黄灯", "绿灯", "重点项目数", "五个一落实", "五个一落实率（%）"]

    def rows(groups: list[GroupRow]) -> list[list[Any]]:
        return [[g.name, *[c.count for c in g.cells], pct(g.rate)] for g in groups]

    levels = [level.label for level in LEVELS]
    problems = [[name, *[c.count for c in cells]] for name, cells in report.problems_by_department]
    problems.append(["合计", *[c.count for c in report.problems_total]])
    return [
        ("重点项目-按领导", ["分包领导", *head], rows(report.groups["leader"]) + rows([report.summary])),
        ("重点项目-按部门", ["牵头部门", *head], rows(report.groups["department"]) + rows([report.summary])),
        ("逾期问题督办", ["责任部门", *levels], problems),
    ]
