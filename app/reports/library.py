"""四库 report (项目库统计): count and planned investment per library (谋划库,
招引库, 签约库, 落地库 — the current stage; exited projects are in none),
with a total row, split by department and by industry; and 三个一批: the
projects that reached 签约 / 开工 / 投产 during the period (the same measures
as the flow funnel, so the two reports agree)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.models import STAGE_LIBRARY, Library, Project, ProjectFact, RefKind, Stage
from app.reports import measures as m
from app.reports.common import department_names, name_of, ordered_keys, ref_names
from app.reports.filters import ReportQuery, project_conditions

LIBRARIES = list(Library)
THREE = [("signed", _l("签约一批")), ("construction", _l("开工一批")), ("production", _l("投产一批"))]
DIMENSIONS = {"department": _l("按部门"), "industry": _l("按产业类别")}


def _stages(library: Library | None) -> list[Stage]:
    return [s for s, lib in STAGE_LIBRARY.items() if lib is not None and (library is None or lib is library)]


def _library_measure(key: str, library: Library | None):
    def builder(q: ReportQuery) -> m.Measure:
        conds = [*project_conditions(q.filters, ProjectFact), ProjectFact.stage.in_(_stages(library))]
        return m.Measure(
            ProjectFact,
            tuple(conds),
            Project,
            amount=ProjectFact.planned_investment,
            dims={"department": m.Dim(ProjectFact.lead_department_id), "industry": m.Dim(ProjectFact.industry_id)},
            rollup=m.rolled(key, q, dated=False),  # the current stage: no period
        )

    return builder


for _lib in [*LIBRARIES, None]:
    _key = f"library.{_lib.value if _lib else 'all'}"
    m.register(_key, ("department", "industry"))(_library_measure(_key, _lib))

LIBRARY_KEYS = [f"library.{lib.value}" for lib in LIBRARIES] + ["library.all"]
THREE_KEYS = [f"funnel.flow.{key}" for key, _label in THREE]


@dataclass
class Table:
    """Rows of cells under a two-level header (group → count/amount)."""

    dimension: str
    rows: list[tuple[str, list[m.Cell]]]
    total: list[m.Cell]


@dataclass
class LibraryReport:
    query: ReportQuery
    libraries: list[tuple[str, m.Cell]]  # the four libraries then 合计
    tables: dict[str, Table]  # by department, by industry
    three: list[tuple[str, m.Cell]]
    three_by_department: Table

    @property
    def library_yi(self) -> list[float]:
        """Planned investment per library in 亿元, for the chart."""
        from app.reports.render import yi_number

        return [float(yi_number(c.amount) or 0) for _name, c in self.libraries]


def _split(q: ReportQuery, keys: list[str], dim: str, names: dict[int, str]) -> Table:
    built = [m.build(key, q) for key in keys]
    # One query for all the measures; a project has one department and one
    # industry, so the totals are the sums of the rows.
    splits = m.by_many(built, dim)
    totals = [m.summed(split, measure.amount is not None) for split, measure in zip(splits, built, strict=True)]
    rows = []
    for key_value in ordered_keys({k for s in splits for k in s}, names):
        cells = [
            m.cell(key, split.get(key_value, m.Total.empty(True)), **{dim: key_value})
            for key, split in zip(keys, splits, strict=True)
        ]
        rows.append((name_of(key_value, names), cells))
    return Table(dim, rows, [m.cell(key, t) for key, t in zip(keys, totals, strict=True)])


def library_report(q: ReportQuery) -> LibraryReport:
    dept_names = department_names()
    industry_names = ref_names(kind=RefKind.INDUSTRY)
    by_department = _split(q, LIBRARY_KEYS, "department", dept_names)
    by_industry = _split(q, LIBRARY_KEYS, "industry", industry_names)
    labels = [lib.label for lib in LIBRARIES] + [str(_l("合计"))]
    libraries = list(zip(labels, by_department.total, strict=True))
    three_table = _split(q, THREE_KEYS, "department", dept_names)
    three = [(str(label), c) for (_key, label), c in zip(THREE, three_table.total, strict=True)]
    return LibraryReport(q, libraries, {"department": by_department, "industry": by_industry}, three, three_table)


def sheets(report: LibraryReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    from app.reports.render import yi_number

    libs = [[name, c.count, yi_number(c.amount)] for name, c in report.libraries]
    result = [("四库统计", ["项目库", "项目数", "计划总投资（亿元）"], libs)]
    lib_heads = [h for lib in LIBRARIES for h in (f"{lib.label}项目数", f"{lib.label}（亿元）")] + [
        "合计项目数",
        "合计（亿元）",
    ]
    for dim, title, first in (("department", "四库-按部门", "部门"), ("industry", "四库-按产业", "产业类别")):
        table = report.tables[dim]
        rows = [[name, *_flat(cells)] for name, cells in table.rows] + [["合计", *_flat(table.total)]]
        result.append((title, [first, *lib_heads], rows))
    three_heads = [h for _k, label in THREE for h in (f"{label}项目数", f"{label}（亿元）")]
    t = report.three_by_department
    rows = [[name, *_flat(cells)] for name, cells in t.rows] + [["合计", *_flat(t.total)]]
    result.append(("三个一批", ["部门", *three_heads], rows))
    return result


def _flat(cells: list[m.Cell]) -> list[Any]:
    from app.reports.render import yi_number

    return [v for c in cells for v in (c.count, yi_number(c.amount))]
