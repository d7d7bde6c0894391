"""Reads of the company area, shared by the pages and the API.

The company list's query-string contract: `q` (name, its pinyin or initials,
credit code), `tier_id`, `industry_id`, `conflict=1` (an open 撞单 on the
company), `page`, `per_page`. Only live records are listed (not merged, not
archived). The company's page shows what hangs on it, each list filtered by
what the viewer may see; the conflicts list is the admin's 撞单 queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app.companies import services
from app.db import db
from app.models import (
    Company,
    CompanyConflict,
    ConflictStatus,
    Department,
    Lead,
    Project,
    Role,
    User,
    Visit,
    company_tier,
)
from app.params import Params
from app.permissions import lead_filter, project_filter, visit_filter
from app.search import keyword_condition

# What the company's page shows of the record itself, loaded with it.
PAGE_OPTIONS = (joinedload(Company.industry), joinedload(Company.first_department), selectinload(Company.tiers))
CONFLICT_STATUSES = ("open", "all", *(s.value for s in ConflictStatus))


@dataclass
class CompanyFilters:
    q: str = ""
    tier_id: int | None = None
    industry_id: int | None = None
    conflict: bool = False


def parse_filters(params: Params) -> CompanyFilters:
    return CompanyFilters(
        q=params.text("q"),
        tier_id=params.id("tier_id", _("企业层级")),
        industry_id=params.id("industry_id", _("产业类别")),
        conflict=params.flag("conflict"),
    )


def company_conditions(filters: CompanyFilters) -> list[sa.ColumnElement[bool]]:
    """Live companies matching `filters` (the page and the API list alike)."""
    conditions = [Company.merged_into_id.is_(None), Company.archived_at.is_(None)]
    if filters.q:
        conditions.append(keyword_condition(Company.search_text, filters.q))
    if filters.tier_id is not None:
        tiered = sa.select(company_tier.c.company_id).where(company_tier.c.tier_id == filters.tier_id)
        conditions.append(Company.id.in_(tiered))
    if filters.industry_id is not None:
        conditions.append(Company.industry_id == filters.industry_id)
    if filters.conflict:
        open_conflicts = sa.select(CompanyConflict.company_id).where(CompanyConflict.status == ConflictStatus.OPEN)
        conditions.append(Company.id.in_(open_conflicts))
    return conditions


def list_statement(filters: CompanyFilters, user: User) -> sa.Select:
    """The page's rows: each company with its leads the viewer may see and
    all its leads (so the list can say "3 of 5 visible to you")."""

    def lead_count(*where: sa.ColumnElement[bool]) -> Any:
        return (
            sa.select(sa.func.count(Lead.id))
            .where(Lead.company_id == Company.id, Lead.archived_at.is_(None), *where)
            .correlate(Company)
            .scalar_subquery()
        )

    return (
        sa.select(Company, lead_count(lead_filter(user)).label("visible_leads"), lead_count().label("all_leads"))
        .where(*company_conditions(filters))
        .options(selectinload(Company.tiers), joinedload(Company.industry), joinedload(Company.first_department))
        .order_by(Company.updated_at.desc(), Company.id.desc())
    )


def company_page(company: Company, user: User) -> dict[str, Any]:
    """Everything involving `company` that `user` may see: leads, projects,
    the latest 50 visits on them, followers, how many leads are hidden, and
    (for admin) its open conflicts."""
    leads = db.session.scalars(
        sa.select(Lead)
        .where(Lead.company_id == company.id, Lead.archived_at.is_(None), lead_filter(user))
        .options(joinedload(Lead.owner_department), joinedload(Lead.owner_user), joinedload(Lead.industry))
        .order_by(Lead.received_on.desc(), Lead.id.desc())
    ).all()
    projects = db.session.scalars(
        sa.select(Project)
        .where(Project.company_id == company.id, Project.archived_at.is_(None), project_filter(user))
        .options(joinedload(Project.lead_department), joinedload(Project.responsible_leader))
        .order_by(Project.id.desc())
    ).all()
    hidden = db.session.scalar(
        sa.select(sa.func.count(Lead.id)).where(
            Lead.company_id == company.id, Lead.archived_at.is_(None), sa.not_(lead_filter(user))
        )
    )
    return {
        "leads": leads,
        "projects": projects,
        "visits": _company_visits(company, user),
        "followers": services.followers([company.id])[company.id],
        "hidden": hidden,
        "open_conflicts": _open_conflicts(company) if user.role is Role.ADMIN else [],
    }


def _company_visits(company: Company, user: User) -> list[Visit]:
    # The company's lead and project ids as values (one query): with
    # sub-selects inside the OR the database reads every visit (500,000 of
    # them in a city) instead of looking the few up by index.
    owned = db.session.execute(
        sa.union_all(
            sa.select(sa.literal("lead").label("kind"), Lead.id).where(Lead.company_id == company.id),
            sa.select(sa.literal("project").label("kind"), Project.id).where(Project.company_id == company.id),
        )
    ).all()
    company_leads = [row.id for row in owned if row.kind == "lead"]
    company_projects = [row.id for row in owned if row.kind == "project"]
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(
                sa.or_(Visit.lead_id.in_(company_leads), Visit.project_id.in_(company_projects)),
                Visit.archived_at.is_(None),
                visit_filter(user),
            )
            .options(
                joinedload(Visit.kind),
                joinedload(Visit.department),
                joinedload(Visit.lead),
                joinedload(Visit.project),
                joinedload(Visit.leader_present),
                selectinload(Visit.participants),
            )
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
            .limit(50)
        )
    )


def _open_conflicts(company: Company) -> list[CompanyConflict]:
    return list(
        db.session.scalars(
            sa.select(CompanyConflict)
            .where(CompanyConflict.company_id == company.id, CompanyConflict.status == ConflictStatus.OPEN)
            .options(joinedload(CompanyConflict.claimant_department))
        )
    )


def conflicts_statement(status: str) -> sa.Select:
    """The 撞单 queue: `open` (default), `all`, or one status."""
    stmt = (
        sa.select(CompanyConflict)
        .options(
            joinedload(CompanyConflict.company),
            joinedload(CompanyConflict.holder_department),
            joinedload(CompanyConflict.claimant_department),
            joinedload(CompanyConflict.ruled_by),
        )
        .order_by(CompanyConflict.detected_at.desc(), CompanyConflict.id.desc())
    )
    if status == "all":
        return stmt
    return stmt.where(CompanyConflict.status == ConflictStatus(status))


def claimants(conflicts: list[CompanyConflict]) -> dict[int, Lead]:
    """The claiming leads of a page of conflicts, with their owners (one query)."""
    lead_ids = [c.lead_id for c in conflicts]
    rows = db.session.scalars(sa.select(Lead).where(Lead.id.in_(lead_ids)).options(joinedload(Lead.owner_user)))
    return {lead.id: lead for lead in rows}


def conflict_parties(conflict: CompanyConflict) -> tuple[int | None, list[tuple[int, str]], list[tuple[int, str]]]:
    """The holder department of a conflict's company, and the departments and
    active people a ruling may assign the lead to (holder and claimant)."""
    holder_id = conflict.company.first_department_id or conflict.holder_department_id
    party_ids = [i for i in (holder_id, conflict.claimant_department_id) if i]
    departments = db.session.execute(
        sa.select(Department.id, Department.name).where(Department.id.in_(party_ids))
    ).all()
    users = db.session.execute(
        sa.select(User.id, User.name, Department.name.label("dept"))
        .join(Department, Department.id == User.department_id)
        .where(User.department_id.in_(party_ids), User.active.is_(True))
        .order_by(Department.name, User.name)
    ).all()
    return holder_id, [(d.id, d.name) for d in departments], [(u.id, f"{u.name} · {u.dept}") for u in users]


def conflict_page(conflict: CompanyConflict, holder_id: int | None) -> dict[str, Any]:
    """What the ruling page shows: the claiming lead, the holder's leads on the
    company and the claimant's other open conflicts the ruling covers."""
    company = conflict.company
    holder_leads = db.session.scalars(
        sa.select(Lead)
        .where(Lead.company_id == company.id, Lead.owner_department_id == holder_id, Lead.archived_at.is_(None))
        .options(joinedload(Lead.owner_user))
        .order_by(Lead.received_on)
    ).all()
    covered = db.session.scalars(
        sa.select(Lead)
        .join(CompanyConflict, CompanyConflict.lead_id == Lead.id)
        .where(
            CompanyConflict.company_id == company.id,
            CompanyConflict.claimant_department_id == conflict.claimant_department_id,
            CompanyConflict.status == ConflictStatus.OPEN,
        )
        .options(joinedload(Lead.owner_user))
    ).all()
    return {
        "company": company,
        "lead": db.session.get(Lead, conflict.lead_id),
        "holder_leads": holder_leads,
        "covered": covered,
    }


def mergeable(survivor: Company, other_id: int | None) -> Company | None:
    """The live record `other_id` that may be merged into `survivor`, or None."""
    other = db.session.get(Company, other_id) if other_id else None
    if other is None or other.merged_into_id is not None or other.archived_at is not None or other.id == survivor.id:
        return None
    return other


def suggestions(query: str, exclude: set[int]) -> list[Company]:
    """Up to 5 live companies whose name, pinyin or initials match `query`
    (for picking a company on file while typing), none of `exclude`."""
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    rows = db.session.scalars(
        sa.select(Company)
        .where(*company_conditions(CompanyFilters(q=query)))
        .order_by(sa.func.length(Company.name), Company.id)
        .limit(8)
    )
    return [c for c in rows if c.id not in exclude][:5]
