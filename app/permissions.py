"""Roles and data scopes: the one place that decides who may see and change
what. Lists, pages, search, exports and drill-downs all filter with the same
functions, so they cannot disagree.

- `role_required(...)` guards views by role.
- `department_ids_in_scope(user)` is the set of departments a staff member's
  data scope covers (None means "all").
- `lead_filter` / `project_filter` are SQL conditions for list queries;
  `can_view_*` / `can_edit_*` are the matching checks on one object;
  `get_visible_or_404` loads an object or answers 404 (no existence leak).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user, login_required

from app.db import db
from app.models import DataScope, Department, Lead, Project, Role, User, Visit, project_team

F = TypeVar("F", bound=Callable[..., Any])

SEE_ALL_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.VIEWER})


def role_required(*roles: Role) -> Callable[[F], F]:
    """Sign-in required, and the user's role must be one of `roles` (else 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


admin_required = role_required(Role.ADMIN)


def _department_tree(root_id: int) -> set[int]:
    """`root_id` and all departments below it (one query, cached per request)."""
    cache = g.setdefault("_dept_parents", None)
    if cache is None:
        cache = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
        g._dept_parents = cache
    children: dict[int, list[int]] = {}
    for dept_id, parent_id in cache.items():
        if parent_id is not None:
            children.setdefault(parent_id, []).append(dept_id)
    found, stack = {root_id}, [root_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def sees_everything(user: User) -> bool:
    return user.role in SEE_ALL_ROLES or user.scope is DataScope.ALL


def department_ids_in_scope(user: User) -> set[int] | None:
    """Departments whose records `user` may see; None means all of them.
    For the `own` scope this is the empty set (only own records count)."""
    if sees_everything(user):
        return None
    if user.department_id is None or user.scope is DataScope.OWN:
        return set()
    if user.scope is DataScope.DEPARTMENT_TREE:
        return _department_tree(user.department_id)
    return {user.department_id}


# --- leads and visits -------------------------------------------------------


def lead_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL condition: the leads `user` may see."""
    depts = department_ids_in_scope(user)
    if depts is None:
        return sa.true()
    own = sa.or_(Lead.owner_user_id == user.id, Lead.created_by_id == user.id)
    if not depts:
        return own
    return sa.or_(Lead.owner_department_id.in_(depts), own)


def can_view_lead(user: User, lead: Lead) -> bool:
    depts = department_ids_in_scope(user)
    if depts is None:
        return True
    if user.id in (lead.owner_user_id, lead.created_by_id):
        return True
    return lead.owner_department_id in depts


def can_edit_lead(user: User, lead: Lead) -> bool:
    """Admin edits everything; staff edit leads within their scope."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.STAFF:
        return False
    depts = department_ids_in_scope(user)
    if depts is None or user.id in (lead.owner_user_id, lead.created_by_id):
        return True
    return lead.owner_department_id in depts


def visit_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL condition: visits `user` may see (by the lead's or project's scope,
    or because they took part)."""
    depts = department_ids_in_scope(user)
    if depts is None:
        return sa.true()
    visible_leads = sa.select(Lead.id).where(lead_filter(user))
    visible_projects = sa.select(Project.id).where(project_filter(user))
    return sa.or_(
        Visit.department_id.in_(depts) if depts else sa.false(),
        Visit.created_by_id == user.id,
        Visit.lead_id.in_(visible_leads),
        Visit.project_id.in_(visible_projects),
    )


# --- projects ---------------------------------------------------------------


def project_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL condition: the projects `user` may see (scope, or team member)."""
    depts = department_ids_in_scope(user)
    if depts is None:
        return sa.true()
    on_team = Project.id.in_(sa.select(project_team.c.project_id).where(project_team.c.user_id == user.id))
    conditions = [on_team, Project.created_by_id == user.id]
    if depts:
        conditions.append(Project.lead_department_id.in_(depts))
    return sa.or_(*conditions)


def is_on_team(user: User, project: Project) -> bool:
    return any(member.id == user.id for member in project.team)


def can_view_project(user: User, project: Project) -> bool:
    depts = department_ids_in_scope(user)
    if depts is None:
        return True
    if project.created_by_id == user.id or is_on_team(user, project):
        return True
    return project.lead_department_id in depts


def can_edit_project(user: User, project: Project) -> bool:
    """Admin; staff of the lead department (within scope) or on the team."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.STAFF:
        return False
    if is_on_team(user, project) or project.created_by_id == user.id:
        return True
    depts = department_ids_in_scope(user)
    return depts is None or project.lead_department_id in depts


def is_projects_leader(user: User, project: Project) -> bool:
    return user.role is Role.LEADER and project.responsible_leader_id == user.id


def can_follow_project(user: User, project: Project) -> bool:
    """May add progress, raise problems: editors plus the responsible leader."""
    return can_edit_project(user, project) or is_projects_leader(user, project)


# --- projects: the five ones, follow-through, problems ----------------------


def is_lead_department_staff(user: User, project: Project) -> bool:
    """Staff whose data scope covers the project's lead department."""
    if user.role is not Role.STAFF or project.lead_department_id is None:
        return False
    depts = department_ids_in_scope(user)
    return depts is None or project.lead_department_id in depts


def can_assign_five_ones(user: User, project: Project) -> bool:
    """Leader, lead department, team and plan: admin for every project; the
    lead department's staff for non-key projects (and for a new project that
    has no lead department yet, its creator)."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.STAFF or project.is_key:
        return False
    if project.lead_department_id is None:
        return project.created_by_id == user.id
    return is_lead_department_staff(user, project)


def project_edit_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL twin of `can_edit_project` (e.g. which kanban cards may be dragged)."""
    if user.role is Role.ADMIN:
        return sa.true()
    if user.role is not Role.STAFF:
        return sa.false()
    depts = department_ids_in_scope(user)
    if depts is None:
        return sa.true()
    on_team = Project.id.in_(sa.select(project_team.c.project_id).where(project_team.c.user_id == user.id))
    conditions = [on_team, Project.created_by_id == user.id]
    if depts:
        conditions.append(Project.lead_department_id.in_(depts))
    return sa.or_(*conditions)


def can_manage_milestones(user: User, project: Project) -> bool:
    """Milestones and their done dates: editors and the responsible leader."""
    return can_follow_project(user, project)


def can_post_instruction(user: User, project: Project) -> bool:
    """批示: only the project's own responsible leader."""
    return is_projects_leader(user, project)


def can_acknowledge_instruction(user: User, project: Project) -> bool:
    """The working team acknowledges: staff on the team or of the lead
    department (within scope)."""
    return user.role is Role.STAFF and (is_on_team(user, project) or is_lead_department_staff(user, project))


def problem_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL condition: problems `user` may see: those of visible projects, and
    those assigned to a department within the user's scope (or their own)."""
    from app.models import Problem

    depts = department_ids_in_scope(user)
    if depts is None:
        return sa.true()
    own_depts = set(depts)
    if user.department_id is not None:
        own_depts.add(user.department_id)
    visible_projects = sa.select(Project.id).where(project_filter(user))
    conditions = [Problem.project_id.in_(visible_projects), Problem.raised_by_id == user.id]
    if own_depts:
        conditions.append(Problem.responsible_department_id.in_(own_depts))
    return sa.or_(*conditions)


def _handles_for_department(user: User, department_id: int | None) -> bool:
    if user.role is not Role.STAFF or department_id is None:
        return False
    if user.department_id == department_id:
        return True
    depts = department_ids_in_scope(user)
    return depts is None or department_id in depts


def can_view_problem(user: User, problem: Any) -> bool:
    depts = department_ids_in_scope(user)
    if depts is None or problem.raised_by_id == user.id:
        return True
    if _handles_for_department(user, problem.responsible_department_id):
        return True
    return can_view_project(user, problem.project)


def can_raise_problem(user: User, project: Project) -> bool:
    """Team members, lead department staff, the responsible leader, admin."""
    return can_follow_project(user, project)


def can_assign_problem(user: User, problem: Any) -> bool:
    """交办: admin, or the responsible leader of the problem's project."""
    return user.role is Role.ADMIN or is_projects_leader(user, problem.project)


def can_handle_problem(user: User, problem: Any) -> bool:
    """办理 and 反馈: staff of the responsible department, or admin."""
    return user.role is Role.ADMIN or _handles_for_department(user, problem.responsible_department_id)


def can_accept_problem(user: User, problem: Any) -> bool:
    """销号 or send back: the reporter, the project's leader, or admin."""
    if user.role is Role.ADMIN or is_projects_leader(user, problem.project):
        return True
    return problem.raised_by_id == user.id and user.role is not Role.VIEWER


# --- loading ----------------------------------------------------------------


def get_visible_or_404(model: type, ident: Any, may_see: Callable[[User, Any], bool]) -> Any:
    """Load `model` by id, or 404 when it is missing, archived (for non-admins)
    or not visible to the current user."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None or not may_see(current_user, obj):
        abort(404)
    if getattr(obj, "archived_at", None) is not None and current_user.role is not Role.ADMIN:
        abort(404)
    return obj


def require(condition: bool) -> None:
    """403 unless `condition` (for actions on a record one may see)."""
    if not condition:
        abort(403)
