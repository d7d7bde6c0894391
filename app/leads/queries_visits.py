"""The visit list's query, within the viewer's scope.

Query parameters: mine=1 (visits I logged or took part in), due=1 (my
follow-ups due), department_id, kind_id, visited_from / visited_to
(YYYY-MM-DD), page, per_page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app.db import db
from app.leads import visits
from app.leads.clocks import OPEN_STATUSES
from app.models import Company, Lead, Project, User, Visit
from app.params import Params
from app.permissions import lead_filter, visit_filter


@dataclass
class VisitFilters:
    mine: bool = False
    due: bool = False
    department_id: int | None = None
    kind_id: int | None = None
    visited_from: dt.date | None = None
    visited_to: dt.date | None = None


def parse_filters(params: Params) -> VisitFilters:
    since, until = params.date_range("visited_from", "visited_to", _("拜访日期起"), _("拜访日期止"))
    return VisitFilters(
        mine=params.flag("mine"),
        due=params.flag("due"),
        department_id=params.id("department_id", _("部门")),
        kind_id=params.id("kind_id", _("拜访方式")),
        visited_from=since,
        visited_to=until,
    )


def visit_list(user: User, filters: VisitFilters, today: dt.date) -> sa.Select:
    """Newest first, with what each row shows loaded in the same statements."""
    conditions = [Visit.archived_at.is_(None), visit_filter(user)]
    if filters.mine:
        conditions.append(visits.mine_condition(user))
    if filters.due:
        conditions.append(visits.follow_ups_condition(user, today))
    if filters.department_id is not None:
        conditions.append(Visit.department_id == filters.department_id)
    if filters.kind_id is not None:
        conditions.append(Visit.kind_id == filters.kind_id)
    if filters.visited_from:
        conditions.append(Visit.visited_on >= filters.visited_from)
    if filters.visited_to:
        conditions.append(Visit.visited_on <= filters.visited_to)
    return (
        sa.select(Visit)
        .where(*conditions)
        .options(
            joinedload(Visit.lead).joinedload(Lead.company),
            joinedload(Visit.project).joinedload(Project.company),
            joinedload(Visit.kind),
            joinedload(Visit.department),
            joinedload(Visit.created_by),
            joinedload(Visit.leader_present),
            selectinload(Visit.participants),
        )
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )


PICK_LIMIT = 30


def visit_subjects(user: User, q: str, limit: int = PICK_LIMIT) -> list[Lead]:
    """The open leads `user` may log a visit on, to pick from when 记录拜访 is
    tapped without a lead (the phone home's shortcut): the user's own first,
    the longest unvisited first; `q` narrows by company name or 投资意向."""
    stmt = (
        sa.select(Lead)
        .join(Company, Company.id == Lead.company_id)
        .where(lead_filter(user), Lead.archived_at.is_(None), Lead.status.in_(OPEN_STATUSES))
        .options(joinedload(Lead.company))
        .order_by(
            sa.case((Lead.owner_user_id == user.id, 0), else_=1),
            sa.nulls_first(Lead.last_visit_on.asc()),
            Lead.id,
        )
        .limit(limit)
    )
    q = q.strip()[:50]
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(sa.or_(Company.name.ilike(pattern), Lead.title.ilike(pattern)))
    return list(db.session.scalars(stmt))
