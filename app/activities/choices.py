"""The activity form's select choices, each list one query: the kinds, the
people (带队领导 and 参加人员: active users, leaders first), the organising
departments the user may choose and the 招商计划 they may see. An edited
activity keeps the values it has even when they have since been retired."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.activities.forms import ActivityForm
from app.db import db
from app.lookups import ref_choices
from app.models import Activity, ActivityPlan, Department, RefKind, Role, User
from app.permissions import activity_departments, plan_filter

Choice = tuple[Any, str]


def people_choices(keep: Collection[int] = ()) -> list[Choice]:
    """Active users (and `keep`), leaders (县处级) first: 姓名（职务）, or
    姓名（部门） when no title is recorded."""
    condition = User.active.is_(True)
    if keep:
        condition = sa.or_(condition, User.id.in_(keep))
    rows = db.session.execute(
        sa.select(User.id, User.name, User.title, Department.name.label("department"))
        .outerjoin(Department, Department.id == User.department_id)
        .where(condition)
        .order_by(sa.case((User.role == Role.LEADER, 0), else_=1), User.name, User.id)
    ).all()
    return [(r.id, f"{r.name}（{r.title or r.department}）" if r.title or r.department else r.name) for r in rows]


def department_choices(user: User, keep: int | None = None) -> list[Choice]:
    allowed = activity_departments(user)
    condition = Department.active.is_(True)
    if allowed is not None:
        condition = sa.and_(condition, Department.id.in_(allowed or {-1}))
    if keep is not None:
        condition = sa.or_(condition, Department.id == keep)
    rows = db.session.execute(
        sa.select(Department.id, Department.name).where(condition).order_by(Department.sort_order, Department.id)
    ).all()
    return [("", _("— 请选择 —")), *((r.id, r.name) for r in rows)]


def plan_choices(user: User, years: Collection[int], keep: int | None = None) -> list[Choice]:
    """The live plans of `years` that `user` may see (and `keep`)."""
    condition = sa.and_(plan_filter(user), ActivityPlan.archived_at.is_(None), ActivityPlan.year.in_(years))
    if keep is not None:
        condition = sa.or_(condition, ActivityPlan.id == keep)
    rows = db.session.execute(
        sa.select(ActivityPlan.id, ActivityPlan.year, ActivityPlan.quarter, ActivityPlan.title)
        .where(condition)
        .order_by(ActivityPlan.year.desc(), sa.nulls_first(ActivityPlan.quarter), ActivityPlan.title)
    ).all()

    def label(r: Any) -> str:
        when = _("%(y)d年第%(q)d季度", y=r.year, q=r.quarter) if r.quarter else _("%(y)d年", y=r.year)
        return f"{when} · {r.title}"

    return [("", _("— 不属于计划 —")), *((r.id, label(r)) for r in rows)]


def load(form: ActivityForm, user: User, activity: Activity | None, today_year: int) -> None:
    """Fill the form's choices for `user` (editing `activity`, if given)."""
    keep_people = {u.id for u in activity.leaders} | {u.id for u in activity.participants} if activity else set()
    people = people_choices(keep_people)
    form.kind_id.choices = ref_choices(
        RefKind.ACTIVITY_KIND, blank=_("— 请选择 —"), include_id=activity.kind_id if activity else None
    )
    form.leader_ids.choices = people
    form.participant_ids.choices = people
    form.department_id.choices = department_choices(user, activity.department_id if activity else None)
    years = {today_year}
    if activity is not None:
        years.add(activity.start_on.year)
    if form.start_on.data is not None:
        years.add(form.start_on.data.year)
    form.plan_id.choices = plan_choices(user, years, activity.plan_id if activity else None)
