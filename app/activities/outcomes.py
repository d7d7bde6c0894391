"""What an activity produced (成果), counted through the links visits, leads
and projects carry (`activity_id`) — the one definition the activity page,
the list, the report (`reports/activities.py`) and the API share:

- **visits** (对接走访): live visits naming the activity;
- **leads** (收集线索): live leads naming the activity;
- **companies** (考察/对接企业): distinct companies of those visits (the
  visit's lead's or project's company) and of those leads — a company met
  twice on one trip, or visited and then registered as a lead, counts once;
- **projects discussed** (对接洽谈项目): those leads that reached 洽谈
  (or were converted to a project), whatever happened to them later;
- **signed** (签约项目) and **signed amount** (签约金额, 万元): live projects
  credited to the activity that have signed (the counting rule of
  `app/counting.py`, at any date — an activity is credited with what it
  produced later). A project converted from a lead is credited to the lead's
  activity (the lead services keep `Project.activity_id` in step with its
  lead), so a signing counts once, for the activity that produced its lead;
  a project entered without a lead may name an activity itself.

An archived activity counts nowhere; its records keep their link."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.counting import signed_amount_subquery
from app.db import ZERO, db
from app.models import Lead, Project, Visit


def visit_conditions() -> list[sa.ColumnElement[bool]]:
    return [Visit.activity_id.is_not(None), Visit.archived_at.is_(None)]


def lead_conditions() -> list[sa.ColumnElement[bool]]:
    return [Lead.activity_id.is_not(None), Lead.archived_at.is_(None)]


def discussed_condition() -> sa.ColumnElement[bool]:
    return sa.or_(Lead.negotiating_on.is_not(None), Lead.converted_on.is_not(None))


# The visit's lead and project, aliased once: an alias proxies every column
# of its table, which cost a leader's home page ~4 ms a request when built
# for each statement.
_VISITED_LEAD, _VISITED_PROJECT = aliased(Lead), aliased(Project)


def companies_met(activity_ids: Any = None) -> sa.Subquery:
    """(activity_id, company_id) of every company met at an activity: through
    its visits and through the leads collected there."""
    lead, project = _VISITED_LEAD, _VISITED_PROJECT
    visited = (
        sa.select(
            Visit.activity_id.label("activity_id"),
            sa.func.coalesce(lead.company_id, project.company_id).label("company_id"),
        )
        .select_from(Visit)
        .outerjoin(lead, Visit.lead_id == lead.id)
        .outerjoin(project, Visit.project_id == project.id)
        .where(*visit_conditions())
    )
    collected = sa.select(Lead.activity_id.label("activity_id"), Lead.company_id.label("company_id")).where(
        *lead_conditions()
    )
    if activity_ids is not None:
        visited = visited.where(Visit.activity_id.in_(activity_ids))
        collected = collected.where(Lead.activity_id.in_(activity_ids))
    return sa.union(visited, collected).subquery("companies_met")


def signed_projects(activity_ids: Any = None) -> sa.Subquery:
    """(project_id, activity_id, first_signed_on, signed_amount) of the signed,
    live projects credited to an activity. Given activities, only their
    projects' agreements are read (the signed sums of every project in the
    district cost a leader's home page ~40 ms at L)."""
    credited = None
    if activity_ids is not None:
        credited = sa.select(Project.id).where(Project.activity_id.in_(activity_ids))
    signed = signed_amount_subquery(project_ids=credited)
    stmt = (
        sa.select(
            Project.id.label("project_id"),
            Project.activity_id.label("activity_id"),
            signed.c.first_signed_on,
            signed.c.signed_amount,
        )
        .join(signed, signed.c.project_id == Project.id)
        .where(Project.activity_id.is_not(None), Project.archived_at.is_(None))
    )
    if activity_ids is not None:
        stmt = stmt.where(Project.activity_id.in_(activity_ids))
    return stmt.subquery("signed_projects")


@dataclass(frozen=True)
class Outcome:
    companies: int = 0
    visits: int = 0
    leads: int = 0
    discussed: int = 0
    signed: int = 0
    signed_amount: Decimal = ZERO


def outcomes_for(activity_ids: Collection[int]) -> dict[int, Outcome]:
    """{activity id: Outcome} for the given activities (four queries)."""
    ids = sorted(set(activity_ids))
    if not ids:
        return {}
    numbers: dict[int, dict[str, Any]] = {i: {} for i in ids}
    visits = db.session.execute(
        sa.select(Visit.activity_id, sa.func.count())
        .where(*visit_conditions(), Visit.activity_id.in_(ids))
        .group_by(Visit.activity_id)
    )
    for activity_id, count in visits:
        numbers[activity_id]["visits"] = int(count)
    leads = db.session.execute(
        sa.select(Lead.activity_id, sa.func.count(), sa.func.count(sa.case((discussed_condition(), Lead.id))))
        .where(*lead_conditions(), Lead.activity_id.in_(ids))
        .group_by(Lead.activity_id)
    )
    for activity_id, count, discussed in leads:
        numbers[activity_id].update(leads=int(count), discussed=int(discussed))
    met = companies_met(ids)
    companies = db.session.execute(
        sa.select(met.c.activity_id, sa.func.count(sa.distinct(met.c.company_id)))
        .where(met.c.company_id.is_not(None))
        .group_by(met.c.activity_id)
    )
    for activity_id, count in companies:
        numbers[activity_id]["companies"] = int(count)
    signed = signed_projects(ids)
    for activity_id, count, amount in db.session.execute(
        sa.select(signed.c.activity_id, sa.func.count(), sa.func.sum(signed.c.signed_amount)).group_by(
            signed.c.activity_id
        )
    ):
        numbers[activity_id].update(signed=int(count), signed_amount=Decimal(amount or 0))
    return {i: Outcome(**values) for i, values in numbers.items()}
