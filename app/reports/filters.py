"""Report filters (department, industry, source, company tier, leader, 产业链,
and for projects their level and kind): parsed and checked once, then turned
into SQL conditions per kind of record. Reports and their drill-downs build
their WHERE clauses from these same functions, so a number and the list
behind it cannot disagree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.db import db
from app.models import (
    Chain,
    Department,
    Lead,
    Project,
    ProjectLevel,
    RefItem,
    RefKind,
    Role,
    User,
    Visit,
    company_tier,
)
from app.models.chain import chain_project_ids
from app.params import parse_id
from app.reports.periods import Period, ReportInputError, parse_period

# query argument → (reference kind or model, label for captions)
ID_ARGS = ("department_id", "industry_id", "source_id", "tier_id", "leader_id", "kind_id", "chain_id")
FILTER_ARGS = (*ID_ARGS, "level")
_REF_KIND = {
    "industry_id": RefKind.INDUSTRY,
    "source_id": RefKind.SOURCE,
    "tier_id": RefKind.TIER,
    "kind_id": RefKind.PROJECT_KIND,
}
FILTER_LABELS = {
    "department_id": "部门",
    "industry_id": "产业类别",
    "source_id": "招商方式",
    "tier_id": "企业类型",
    "leader_id": "分包领导",
    "kind_id": "项目类型",
    "level": "项目级别",
    "chain_id": "产业链",
}
# The `level` filter: a ProjectLevel value, or this for projects without one.
UNRATED = "none"
UNRATED_LABEL = "未定级"


@dataclass(frozen=True)
class Filters:
    department_id: int | None = None
    industry_id: int | None = None
    source_id: int | None = None
    tier_id: int | None = None
    leader_id: int | None = None
    # Projects only (level and kind are a project's): leads and visits ignore them.
    kind_id: int | None = None
    level: str | None = None  # a ProjectLevel value or UNRATED
    # 产业链: leads that remember it; projects placed on its segments or converted from such a lead.
    chain_id: int | None = None
    # id → display name of each chosen value, for captions and headings.
    names: dict[str, str] = field(default_factory=dict, compare=False)

    def args(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in FILTER_ARGS if getattr(self, name) is not None}

    def describe(self) -> dict[str, str]:
        return {FILTER_LABELS[name]: self.names.get(name, "") for name in FILTER_ARGS if getattr(self, name)}


@dataclass(frozen=True)
class ReportQuery:
    """Everything a report's numbers depend on: period, filters, report
    options (view, metric …) and the day they are computed for."""

    period: Period
    filters: Filters
    today: dt.date
    options: dict[str, str] = field(default_factory=dict)
    # Whose view: reports over what the viewer may see (the investment report)
    # scope their measures by it; the district-wide ones ignore it. None: no
    # scope (the CLI, tests). The drill-down always sets it.
    viewer: User | None = field(default=None, compare=False, repr=False)

    def args(self) -> dict[str, str]:
        return {**self.period.args(), **self.filters.args(), **self.options}

    def caption_filters(self) -> dict[str, str]:
        return {"统计期间": self.period.label, **self.filters.describe()}


def _parse_id(raw: Any, name: str) -> int | None:
    """A filter's id (`app.params.parse_id`); a report refuses a bad one
    rather than ignoring it, since its numbers would silently mean more."""
    if raw in (None, ""):
        return None
    ident = parse_id(raw)
    if ident is None:
        raise ReportInputError(_("筛选条件「%(what)s」的取值无效。", what=FILTER_LABELS[name]), name)
    return ident


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Check every filter value: an integer id of an existing record of the
    right kind; anything else is refused with a message naming the filter."""
    values: dict[str, int | None] = {}
    names: dict[str, str] = {}
    for name in ID_ARGS:
        values[name] = _parse_id(args.get(name), name)
    if values["department_id"] is not None:
        dept = db.session.get(Department, values["department_id"])
        if dept is None:
            raise ReportInputError(_("所选部门不存在（编号 %(id)d）。", id=values["department_id"]), "department_id")
        names["department_id"] = dept.name
    for name, kind in _REF_KIND.items():
        if values[name] is not None:
            item = db.session.get(RefItem, values[name])
            if item is None or item.kind is not kind:
                raise ReportInputError(
                    _("所选%(what)s不存在（编号 %(id)d）。", what=FILTER_LABELS[name], id=values[name]), name
                )
            names[name] = item.name
    if values["leader_id"] is not None:
        leader = db.session.get(User, values["leader_id"])
        if leader is None or leader.role is not Role.LEADER:
            raise ReportInputError(_("所选分包领导不存在（编号 %(id)d）。", id=values["leader_id"]), "leader_id")
        names["leader_id"] = leader.display
    if values["chain_id"] is not None:
        chain = db.session.get(Chain, values["chain_id"])
        if chain is None:
            raise ReportInputError(_("所选产业链不存在（编号 %(id)d）。", id=values["chain_id"]), "chain_id")
        names["chain_id"] = chain.name
    level = _parse_level(args.get("level"))
    if level is not None:
        names["level"] = UNRATED_LABEL if level == UNRATED else ProjectLevel(level).label
    return Filters(**values, level=level, names=names)


def _parse_level(raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    value = str(raw).strip()
    if value != UNRATED and value not in {level.value for level in ProjectLevel}:
        raise ReportInputError(_("筛选条件「%(what)s」的取值无效。", what=FILTER_LABELS["level"]), "level")
    return value


def parse_query(
    args: Mapping[str, str], today: dt.date, *, options: dict[str, str] | None = None, default_period: str = "year"
) -> ReportQuery:
    return ReportQuery(
        period=parse_period(args, today, default_period),
        filters=parse_filters(args),
        today=today,
        options=options or {},
    )


def choice(args: Mapping[str, str], name: str, allowed: Mapping[str, Any] | list[str], default: str) -> str:
    """An option that must be one of `allowed`."""
    value = (args.get(name) or default).strip()
    if value not in allowed:
        raise ReportInputError(_("参数「%(name)s」的取值无效。", name=name))
    return value


# --- SQL conditions per kind of record ---------------------------------------


def in_period(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return column.between(period.start, period.end)


def _has_tier(company_id: Any, tier_id: int) -> sa.ColumnElement[bool]:
    return sa.exists().where(company_tier.c.company_id == company_id, company_tier.c.tier_id == tier_id)


def report_lead_conditions(f: Filters, lead: Any = Lead) -> list[sa.ColumnElement[bool]]:
    """Leads matching the filters. A leader "has" a lead when they took part
    in one of its visits or lead the project it became. `lead`: `Lead` or its
    report fact (`LeadFact`, the same column names)."""
    conds: list[sa.ColumnElement[bool]] = [lead.archived_at.is_(None)]
    if f.department_id is not None:
        conds.append(lead.owner_department_id == f.department_id)
    if f.industry_id is not None:
        conds.append(lead.industry_id == f.industry_id)
    if f.source_id is not None:
        conds.append(lead.source_id == f.source_id)
    if f.tier_id is not None:
        conds.append(_has_tier(lead.company_id, f.tier_id))
    if f.chain_id is not None:
        conds.append(lead.chain_id == f.chain_id)
    if f.leader_id is not None:
        conds.append(
            sa.or_(
                lead.id.in_(sa.select(Visit.lead_id).where(Visit.leader_present_id == f.leader_id).correlate(None)),
                lead.id.in_(
                    sa.select(Project.lead_id).where(Project.responsible_leader_id == f.leader_id).correlate(None)
                ),
            )
        )
    return conds


def project_conditions(f: Filters, project: Any = Project) -> list[sa.ColumnElement[bool]]:
    """Projects matching the filters; the source is the origin lead's (a
    project without a lead has none, so a source filter leaves it out).
    `project`: `Project` or its report fact (`ProjectFact`)."""
    conds: list[sa.ColumnElement[bool]] = [project.archived_at.is_(None)]
    if f.department_id is not None:
        conds.append(project.lead_department_id == f.department_id)
    if f.industry_id is not None:
        conds.append(project.industry_id == f.industry_id)
    if f.source_id is not None:
        conds.append(project.lead_id.in_(sa.select(Lead.id).where(Lead.source_id == f.source_id).correlate(None)))
    if f.tier_id is not None:
        conds.append(_has_tier(project.company_id, f.tier_id))
    if f.leader_id is not None:
        conds.append(project.responsible_leader_id == f.leader_id)
    if f.kind_id is not None:
        conds.append(project.kind_id == f.kind_id)
    if f.chain_id is not None:
        conds.append(project.id.in_(chain_project_ids(f.chain_id)))
    if f.level == UNRATED:
        conds.append(project.level.is_(None))
    elif f.level is not None:
        conds.append(project.level == ProjectLevel(f.level))
    return conds


def visit_conditions(f: Filters) -> list[sa.ColumnElement[bool]]:
    """Visits matching the filters: the visit's own department and leader
    present; industry, source and tier through its lead or project."""
    conds: list[sa.ColumnElement[bool]] = [Visit.archived_at.is_(None)]
    if f.department_id is not None:
        conds.append(Visit.department_id == f.department_id)
    if f.leader_id is not None:
        conds.append(Visit.leader_present_id == f.leader_id)
    subject: list[sa.ColumnElement[bool]] = []
    if f.industry_id is not None:
        subject.append(
            sa.or_(
                Visit.lead_id.in_(sa.select(Lead.id).where(Lead.industry_id == f.industry_id).correlate(None)),
                Visit.project_id.in_(sa.select(Project.id).where(Project.industry_id == f.industry_id).correlate(None)),
            )
        )
    if f.source_id is not None:
        subject.append(
            sa.or_(
                Visit.lead_id.in_(sa.select(Lead.id).where(Lead.source_id == f.source_id).correlate(None)),
                Visit.project_id.in_(
                    sa.select(Project.id)
                    .join(Lead, Project.lead_id == Lead.id)
                    .where(Lead.source_id == f.source_id)
                    .correlate(None)
                ),
            )
        )
    if f.tier_id is not None:
        subject.append(
            sa.or_(
                Visit.lead_id.in_(sa.select(Lead.id).where(_has_tier(Lead.company_id, f.tier_id)).correlate(None)),
                Visit.project_id.in_(
                    sa.select(Project.id).where(_has_tier(Project.company_id, f.tier_id)).correlate(None)
                ),
            )
        )
    if f.chain_id is not None:
        subject.append(
            sa.or_(
                Visit.lead_id.in_(sa.select(Lead.id).where(Lead.chain_id == f.chain_id).correlate(None)),
                Visit.project_id.in_(chain_project_ids(f.chain_id)),
            )
        )
    return conds + subject
