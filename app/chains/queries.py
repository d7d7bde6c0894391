"""The target-company list (招商目标企业库): one query-string contract for
the page, its .xlsx export and the API, and who has contacted each target.

Query parameters: `chain_id`, `segment_id` (that segment and its
sub-segments), `tier_id` (企业类型), `region` (所在地, a part of it),
`priority` (high/medium/low), `department_id` (the assigned department),
`status` (pending/following/signed/dropped), `q` (a part of the name), `sort`
(`priority` — the default: high first —, `name`, `-updated`). Bad values are
ignored and said so (Params); the export refuses them, the API answers 422.

Who has contacted a target (`contacts`): through the company record it is
linked to — the leads on it (any department: the 撞单 answer, so only their
number, the holding department 首报 and dates), and the latest visit on
those leads or on the company's projects. Two queries for a page, whatever
its rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from app.db import db
from app.models import (
    Chain,
    ChainSegment,
    Company,
    Department,
    Lead,
    Project,
    RefItem,
    TargetCompany,
    TargetPriority,
    TargetStatus,
    User,
    Visit,
)
from app.pagination import Page, paginate_keys
from app.params import Params
from app.permissions.chains import target_filter

SORTS = ("priority", "name", "-updated")
PRIORITY_ORDER = sa.case(
    {TargetPriority.HIGH.value: 0, TargetPriority.MEDIUM.value: 1, TargetPriority.LOW.value: 2},
    value=sa.cast(TargetCompany.priority, sa.String),
    else_=3,
)


@dataclass
class TargetFilters:
    chain_id: int | None = None
    segment_id: int | None = None
    tier_id: int | None = None
    region: str = ""
    priority: TargetPriority | None = None
    department_id: int | None = None
    status: TargetStatus | None = None
    q: str = ""
    sort: str = "priority"

    @classmethod
    def read(cls, params: Params) -> TargetFilters:
        return cls(
            chain_id=params.id("chain_id", _("产业链")),
            segment_id=params.id("segment_id", _("环节")),
            tier_id=params.id("tier_id", _("企业类型")),
            region=params.text("region", 50),
            priority=params.enum("priority", _("优先级"), TargetPriority),
            department_id=params.id("department_id", _("责任部门")),
            status=params.enum("status", _("状态"), TargetStatus),
            q=params.text("q", 50),
            sort=params.choice("sort", _("排序"), SORTS, default="priority") or "priority",
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "chain_id": self.chain_id,
            "segment_id": self.segment_id,
            "tier_id": self.tier_id,
            "region": self.region or None,
            "priority": self.priority.value if self.priority else None,
            "department_id": self.department_id,
            "status": self.status.value if self.status else None,
            "q": self.q or None,
            "sort": self.sort if self.sort != "priority" else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def shown(self) -> dict[str, str]:
        """The filters in words (an export's title row)."""
        names = {
            _("产业链"): _name(Chain, self.chain_id),
            _("环节"): _name(ChainSegment, self.segment_id),
            _("企业类型"): _name(RefItem, self.tier_id),
            _("所在地"): self.region,
            _("优先级"): self.priority.label if self.priority else "",
            _("责任部门"): _name(Department, self.department_id),
            _("状态"): self.status.label if self.status else "",
            _("关键词"): self.q,
        }
        return {label: value for label, value in names.items() if value}

    def conditions(self, user: User) -> list[sa.ColumnElement[bool]]:
        conditions: list[sa.ColumnElement[bool]] = [target_filter(user)]
        if self.chain_id:
            conditions.append(TargetCompany.chain_id == self.chain_id)
        if self.segment_id:
            conditions.append(TargetCompany.segment_id.in_(subtree_ids(self.segment_id)))
        if self.tier_id:
            conditions.append(TargetCompany.tier_id == self.tier_id)
        if self.region:
            conditions.append(TargetCompany.region.contains(self.region, autoescape=True))
        if self.priority:
            conditions.append(TargetCompany.priority == self.priority)
        if self.department_id:
            conditions.append(TargetCompany.department_id == self.department_id)
        if self.status:
            conditions.append(TargetCompany.status == self.status)
        if self.q:
            conditions.append(TargetCompany.name.contains(self.q, autoescape=True))
        return conditions


def _name(model: Any, ident: int | None) -> str:
    record = db.session.get(model, ident) if ident else None
    return record.name if record is not None else ""


def subtree_ids(segment_id: int) -> list[int]:
    """`segment_id` and every segment below it (one query over its chain)."""
    chain_id = sa.select(ChainSegment.chain_id).where(ChainSegment.id == segment_id).scalar_subquery()
    rows = db.session.execute(
        sa.select(ChainSegment.id, ChainSegment.parent_id).where(ChainSegment.chain_id == chain_id)
    ).all()
    children: dict[int, list[int]] = {}
    for ident, parent in rows:
        if parent is not None:
            children.setdefault(parent, []).append(ident)
    found, stack = [segment_id], [segment_id]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _target_order(sort: str) -> tuple[Any, ...]:
    if sort == "name":
        return (TargetCompany.name, TargetCompany.id)
    if sort == "-updated":
        return (TargetCompany.updated_at.desc(), TargetCompany.id.desc())
    return (
        PRIORITY_ORDER,
        TargetCompany.chain_id,
        TargetCompany.segment_id,
        TargetCompany.name,
        TargetCompany.id,
    )


def _with_loads(stmt: sa.Select) -> sa.Select:
    return stmt.options(
        orm.joinedload(TargetCompany.chain),
        orm.joinedload(TargetCompany.segment),
        orm.joinedload(TargetCompany.tier),
        orm.joinedload(TargetCompany.department),
    )


def target_statement(filters: TargetFilters, user: User) -> sa.Select:
    """The targets with chain, segment, tier and department loaded, in the
    list's order."""
    return _with_loads(sa.select(TargetCompany)).where(*filters.conditions(user)).order_by(*_target_order(filters.sort))


def target_page(filters: TargetFilters, user: User, page: int, per_page: int) -> Page:
    """One page of targets by a deferred join (`paginate_keys`): the page's
    ids sorted over the target table alone, then only those rows joined to
    their chain, segment, tier and department — sorting 10,000 joined rows
    to keep 20 cost ten times more."""
    conditions = filters.conditions(user)
    order = _target_order(filters.sort)
    keys = sa.select(TargetCompany.id).where(*conditions).order_by(*order)
    count = sa.select(sa.func.count(TargetCompany.id)).where(*conditions)
    return paginate_keys(
        keys,
        lambda ids: _with_loads(sa.select(TargetCompany)).where(TargetCompany.id.in_(ids)).order_by(*order),
        page,
        per_page,
        count=count,
    )


@dataclass(frozen=True)
class Contact:
    """Whether anyone has contacted a target's company (the 撞单 answer)."""

    leads: int
    first_department: str | None  # 首报: the department holding the company
    first_on: dt.date | None
    last_visit_on: dt.date | None


def contacts(targets: Iterable[TargetCompany]) -> dict[int, Contact]:
    """{target id: Contact} for the targets whose company someone has
    contacted (a lead, or a visit on its projects); two queries."""
    by_company: dict[int, list[int]] = {}
    for target in targets:
        if target.company_id:
            by_company.setdefault(target.company_id, []).append(target.id)
    if not by_company:
        return {}
    ids = list(by_company)
    lead_visits = (
        sa.select(Lead.company_id.label("company_id"), sa.func.max(Visit.visited_on).label("day"))
        .join(Visit, Visit.lead_id == Lead.id)
        .where(Lead.company_id.in_(ids), Visit.archived_at.is_(None), Lead.archived_at.is_(None))
        .group_by(Lead.company_id)
    )
    project_visits = (
        sa.select(Project.company_id.label("company_id"), sa.func.max(Visit.visited_on).label("day"))
        .join(Visit, Visit.project_id == Project.id)
        .where(Project.company_id.in_(ids), Visit.archived_at.is_(None), Project.archived_at.is_(None))
        .group_by(Project.company_id)
    )
    last_visit: dict[int, dt.date] = {}
    for company_id, day in db.session.execute(sa.union_all(lead_visits, project_visits)):
        if day is not None and (company_id not in last_visit or day > last_visit[company_id]):
            last_visit[company_id] = day
    rows = db.session.execute(
        sa.select(Company.id, Department.name, Company.first_reported_on, sa.func.count(Lead.id))
        .outerjoin(Department, Department.id == Company.first_department_id)
        .outerjoin(Lead, sa.and_(Lead.company_id == Company.id, Lead.archived_at.is_(None)))
        .where(Company.id.in_(ids))
        .group_by(Company.id, Department.name, Company.first_reported_on)
    ).all()
    found: dict[int, Contact] = {}
    for company_id, department, first_on, leads in rows:
        if not leads and company_id not in last_visit:
            continue
        contact = Contact(leads, department, first_on, last_visit.get(company_id))
        for target_id in by_company[company_id]:
            found[target_id] = contact
    return found
