"""Drill-downs: the list of records behind one number of a report. The
measure is rebuilt from the same query arguments by the same function as the
number, then restricted to what the viewer may see (the one scope function
per kind of record in `app.permissions`). When the viewer sees fewer records
than the number counts (staff see district totals), the page says so."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app.db import db
from app.models import Activity, ApprovalItem, Company, Lead, LeadFact, Problem, Project, ProjectFact, User, Visit
from app.pagination import Page, paginate
from app.params import parse_id
from app.permissions import (
    activity_filter,
    approval_filter,
    company_filter,
    lead_filter,
    problem_filter,
    project_filter,
    visit_filter,
)
from app.reports import measures as m
from app.reports.filters import ReportQuery
from app.reports.periods import ReportInputError
from app.reports.sql import days_between

ENTITIES: dict[str, Any] = {
    "leads": Lead,
    "projects": Project,
    "visits": Visit,
    "companies": Company,
    "problems": Problem,
    "approvals": ApprovalItem,
    "activities": Activity,
}
DIMENSION_ARGS = ("department", "industry", "kind", "user", "leader", "level", "light", "type", "region")
TEXT_DIMENSIONS = {"region": 50}  # dimensions whose values are names, not ids (their longest)


SCOPES = {
    "leads": lead_filter,
    "projects": project_filter,
    "visits": visit_filter,
    "companies": company_filter,
    "problems": problem_filter,
    "approvals": approval_filter,
    "activities": activity_filter,
}

_LOAD = {
    "leads": (joinedload(Lead.company), joinedload(Lead.owner_department), joinedload(Lead.owner_user)),
    "projects": (
        joinedload(Project.company),
        joinedload(Project.lead_department),
        joinedload(Project.responsible_leader),
    ),
    "visits": (
        joinedload(Visit.department),
        joinedload(Visit.kind),
        joinedload(Visit.lead),
        joinedload(Visit.project),
    ),
    "companies": (joinedload(Company.industry), selectinload(Company.tiers)),
    "problems": (joinedload(Problem.project), joinedload(Problem.category), joinedload(Problem.responsible_department)),
    "approvals": (joinedload(ApprovalItem.project), joinedload(ApprovalItem.type), joinedload(ApprovalItem.department)),
    "activities": (
        joinedload(Activity.kind),
        joinedload(Activity.department),
        selectinload(Activity.leaders),
        selectinload(Activity.regions),
    ),
}
_ORDER = {
    "leads": (Lead.received_on.desc(), Lead.id.desc()),
    "projects": (Project.planned_investment.desc(), Project.id.desc()),
    "visits": (Visit.visited_on.desc(), Visit.id.desc()),
    "companies": (Company.name, Company.id),
    "problems": (Problem.deadline, Problem.id),
    "approvals": (ApprovalItem.due_on, ApprovalItem.id),
    "activities": (Activity.start_on.desc(), Activity.id.desc()),
}


@dataclass
class Drill:
    entity: str
    measure_key: str
    dims: dict[str, int | str | None]
    total: int  # the number in the report
    visible: int  # of which the viewer may see
    page: Page  # items: (record, amount) rows
    amount: Decimal | None = None  # the summed amount, when every record is visible
    days: int | None = None  # activities: their days summed (外出天数), when every one is visible


def _is_name(name: str, raw: str) -> bool:
    """A dimension value that is a word (a level, a light) or a name (a region)."""
    if name in ("level", "light"):
        return raw.isalpha() and len(raw) <= 20
    return name in TEXT_DIMENSIONS and 0 < len(raw) <= TEXT_DIMENSIONS[name] and raw.isprintable()


def parse_dims(args: Mapping[str, str]) -> dict[str, int | str | None]:
    dims: dict[str, int | str | None] = {}
    for name in DIMENSION_ARGS:
        raw = args.get(f"g_{name}")
        if raw is None:
            continue
        raw = raw.strip()
        if raw == m.NONE_KEY:
            dims[name] = None
        elif _is_name(name, raw):
            dims[name] = raw
        elif (ident := parse_id(raw)) is not None:
            dims[name] = ident
        else:
            raise ReportInputError(_("下钻条件「%(name)s」的取值无效。", name=name))
    return dims


FACT_OF = {LeadFact: Lead, ProjectFact: Project}


def drill(
    entity: str, measure_key: str, q: ReportQuery, dims: dict[str, Any], user: User, page: int, per_page: int
) -> Drill:
    model = ENTITIES.get(entity)
    # Reports scoped to the viewer (the investment report) rebuild their
    # measure over what this viewer may see; the others ignore the viewer.
    q = replace(q, viewer=user)
    measure = m.build(measure_key, q)
    if model is None or measure.listed is not model:
        raise ReportInputError(_("统计项与记录类型不符。"))
    ids = m.drill_ids(measure, dims).subquery()
    behind = model.id.in_(sa.select(ids.c[0]))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0
    # Each record with the amount the report summed for it (same joins, 1:1;
    # a measure over a record's report fact joins the fact by its id).
    over_fact = FACT_OF.get(measure.base) is model
    with_amount = measure.amount is not None and (measure.base is model or over_fact)
    columns = [model, measure.amount.label("amount")] if with_amount else [model, sa.null().label("amount")]
    stmt = sa.select(*columns).select_from(model)
    if with_amount:
        if over_fact:
            stmt = stmt.join(measure.base, measure.base.id == model.id)
        for target, onclause in measure.joins:
            stmt = stmt.outerjoin(target, onclause)
    stmt = stmt.where(behind, SCOPES[entity](user)).options(*_LOAD[entity]).order_by(*_ORDER[entity])
    result = paginate(stmt, page, per_page, scalars=False)
    amount = days = None
    if with_amount and result.total == total:
        amount = db.session.scalar(sa.select(sa.func.sum(stmt.order_by(None).subquery().c.amount)))
    if entity == "activities" and result.total == total:
        listed = stmt.order_by(None).subquery()
        days = db.session.scalar(sa.select(sa.func.sum(days_between(listed.c.end_on, listed.c.start_on) + 1))) or 0
    return Drill(entity, measure_key, dims, total, result.total, result, amount, days)
