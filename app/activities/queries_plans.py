"""招商计划 reads: the list and one plan's page, within the viewer's scope
(`plan_filter`; the activities shown under a plan are those the viewer may
see, `activity_filter`).

The list's query string:

- `year` — the plan year (default: this year, by `app.clock`);
- `quarter` — 1–4: the plans of that quarter (a plan of the whole year has
  no quarter and shows without this filter);
- `department` — the planning department's id.

A plan is 已实施 (realised) once a live activity names it (`Activity.plan_id`).
The page sends the same statements whatever the number of plans: the count,
the page with its department, leader and kind, the industries, the
activities."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app.activities.outcomes import Outcome, companies_met, outcomes_for
from app.db import db
from app.models import Activity, ActivityPlan, User
from app.pagination import Page, paginate
from app.params import Params
from app.permissions import activity_filter, plan_filter


@dataclass
class PlanFilters:
    year: int
    quarter: int | None = None
    department_id: int | None = None

    @classmethod
    def read(cls, params: Params, this_year: int) -> PlanFilters:
        return cls(
            year=params.year("year", _("年度"), this_year) or this_year,
            quarter=params.int("quarter", _("季度"), 1, 4),
            department_id=params.id("department", _("部门")),
        )

    def conditions(self, user: User) -> list[sa.ColumnElement[bool]]:
        conditions = [ActivityPlan.archived_at.is_(None), plan_filter(user), ActivityPlan.year == self.year]
        if self.quarter is not None:
            conditions.append(ActivityPlan.quarter == self.quarter)
        if self.department_id is not None:
            conditions.append(ActivityPlan.department_id == self.department_id)
        return conditions


def plan_page(user: User, filters: PlanFilters, page: int, per_page: int) -> Page:
    stmt = (
        sa.select(ActivityPlan)
        .where(*filters.conditions(user))
        .options(
            joinedload(ActivityPlan.department),
            joinedload(ActivityPlan.leader),
            joinedload(ActivityPlan.kind),
            selectinload(ActivityPlan.industries),
        )
        .order_by(ActivityPlan.quarter.is_not(None), ActivityPlan.quarter, ActivityPlan.department_id, ActivityPlan.id)
    )
    count = sa.select(sa.func.count(ActivityPlan.id)).where(*filters.conditions(user))
    return paginate(stmt, page, per_page, count=count)


def realised_by(plan_ids: list[int], user: User) -> dict[int, list[Activity]]:
    """{plan id: the live activities realising it that `user` may see}, in
    one query, each plan's by start date."""
    found: dict[int, list[Activity]] = defaultdict(list)
    if not plan_ids:
        return found
    activities = db.session.scalars(
        sa.select(Activity)
        .where(Activity.plan_id.in_(plan_ids), Activity.archived_at.is_(None), activity_filter(user))
        .order_by(Activity.start_on, Activity.id)
    )
    for activity in activities:
        found[activity.plan_id].append(activity)  # type: ignore[index]
    return found


@dataclass
class PlanView:
    """One plan's page: the activities that realised it, what each produced
    and the totals."""

    plan: ActivityPlan
    activities: list[Activity]
    outcomes: dict[int, Outcome]
    total: Outcome

    @property
    def days(self) -> int:
        return sum(activity.days for activity in self.activities)


def plan_view(plan: ActivityPlan, user: User) -> PlanView:
    activities = db.session.scalars(
        sa.select(Activity)
        .where(Activity.plan_id == plan.id, Activity.archived_at.is_(None), activity_filter(user))
        .options(joinedload(Activity.kind), selectinload(Activity.leaders), selectinload(Activity.regions))
        .order_by(Activity.start_on, Activity.id)
    ).all()
    ids = [a.id for a in activities]
    outcomes = outcomes_for(ids)
    fields = ("visits", "leads", "discussed", "signed", "signed_amount")
    total = Outcome(
        companies=_distinct_companies(ids),
        **{name: sum((getattr(o, name) for o in outcomes.values()), start=0) for name in fields},
    )
    return PlanView(plan, list(activities), outcomes, total)


def _distinct_companies(activity_ids: list[int]) -> int:
    """A company met on two of the plan's trips counts once."""
    if not activity_ids:
        return 0
    met = companies_met(activity_ids)
    return (
        db.session.scalar(sa.select(sa.func.count(sa.distinct(met.c.company_id))).where(met.c.company_id.is_not(None)))
        or 0
    )
