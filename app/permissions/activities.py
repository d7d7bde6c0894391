"""Who may see and keep 招商活动 and the 招商计划:

- see an activity: whoever sees everything (admin, leaders, supervisors,
  the `all` scope); staff the activities their data scope covers (by the
  organising department) and the ones they led, took part in or recorded —
  an `own`-scope user only the latter;
- keep it (edit, 成果, attachments, archive): admin; staff whose scope
  covers the organising department, or who recorded it; its leading leaders
  (a leader writes up the trip he led);
- log its visits and leads (the quick visit form): its keepers and its
  participants, staff or admin (the visits themselves go onto leads they may
  keep, under the lead rules);
- create: admin and staff (the organising department within their scope);
- plans: seen like activities (by department); kept by admin and by staff
  whose scope covers the plan's department.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Activity, ActivityPlan, Role, User, activity_leader, activity_participant
from app.permissions.loading import register
from app.permissions.scope import department_ids_in_scope


def _involved(user: User) -> sa.ColumnElement[bool]:
    led = sa.select(activity_leader.c.activity_id).where(activity_leader.c.user_id == user.id)
    took_part = sa.select(activity_participant.c.activity_id).where(activity_participant.c.user_id == user.id)
    return sa.or_(Activity.id.in_(led), Activity.id.in_(took_part), Activity.created_by_id == user.id)


def activity_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL: the activities `user` may see."""
    scope = department_ids_in_scope(user)
    if scope is None:
        return sa.true()
    if scope:
        return sa.or_(Activity.department_id.in_(scope), _involved(user))
    return _involved(user)


def is_involved(user: User, activity: Activity) -> bool:
    """Led it, took part or recorded it."""
    return (
        activity.created_by_id == user.id
        or any(u.id == user.id for u in activity.leaders)
        or any(u.id == user.id for u in activity.participants)
    )


def can_view_activity(user: User, activity: Activity) -> bool:
    scope = department_ids_in_scope(user)
    return scope is None or activity.department_id in scope or is_involved(user, activity)


def can_create_activity(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.STAFF)


def activity_departments(user: User) -> set[int] | None:
    """Departments `user` may organise an activity for (None: any)."""
    if user.role is Role.ADMIN:
        return None
    scope = department_ids_in_scope(user)
    if scope is None:
        return None
    return scope | ({user.department_id} if user.department_id is not None else set())


def can_edit_activity(user: User, activity: Activity) -> bool:
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.LEADER:
        return any(u.id == user.id for u in activity.leaders)
    if user.role is not Role.STAFF:
        return False
    if activity.created_by_id == user.id:
        return True
    scope = department_ids_in_scope(user)
    return scope is None or activity.department_id in scope


def can_log_on_activity(user: User, activity: Activity) -> bool:
    """Record the activity's visits and leads (staff and admin)."""
    if activity.archived_at is not None or user.role not in (Role.ADMIN, Role.STAFF):
        return False
    return can_edit_activity(user, activity) or any(u.id == user.id for u in activity.participants)


def plan_filter(user: User) -> sa.ColumnElement[bool]:
    scope = department_ids_in_scope(user)
    if scope is None:
        return sa.true()
    return sa.or_(ActivityPlan.department_id.in_(scope), ActivityPlan.created_by_id == user.id)


def can_view_activity_plan(user: User, plan: ActivityPlan) -> bool:
    scope = department_ids_in_scope(user)
    return scope is None or plan.department_id in scope or plan.created_by_id == user.id


def can_manage_activity_plans(user: User) -> bool:
    """Add plans (for departments within `activity_departments`)."""
    return user.role in (Role.ADMIN, Role.STAFF)


def can_edit_activity_plan(user: User, plan: ActivityPlan) -> bool:
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.STAFF:
        return False
    allowed = activity_departments(user)
    return allowed is None or plan.department_id in allowed or plan.created_by_id == user.id


register(Activity, view=can_view_activity, edit=can_edit_activity)
register(ActivityPlan, view=can_view_activity_plan, edit=can_edit_activity_plan)
