"""Who may see and change leads and visits: SQL conditions for lists and
the matching checks on one record."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Lead, Project, Role, User, Visit
from app.permissions.loading import register
from app.permissions.projects import can_follow_project, can_view_project, project_filter
from app.permissions.scope import department_ids_in_scope


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


def can_create_lead(user: User) -> bool:
    """Register a lead: admin and staff (the owner department is then limited
    to the user's scope by the form)."""
    return user.role in (Role.ADMIN, Role.STAFF)


def can_log_on_lead(user: User, lead: Lead) -> bool:
    """Log a visit on the lead: its editors, while it is not archived."""
    return lead.archived_at is None and can_edit_lead(user, lead)


def can_log_on_project(user: User, project: Project) -> bool:
    """Log a visit on the project: whoever follows it, while it is not archived."""
    return project.archived_at is None and can_follow_project(user, project)


def can_view_visit(user: User, visit: Visit) -> bool:
    """A visit is seen with its lead or project, or by whoever logged it;
    an archived visit is gone for everyone (admin included)."""
    if visit.archived_at is not None:
        return False
    if department_ids_in_scope(user) is None or visit.created_by_id == user.id:
        return True
    if visit.lead is not None and can_view_lead(user, visit.lead):
        return True
    if visit.project is not None and can_view_project(user, visit.project):
        return True
    depts = department_ids_in_scope(user) or set()
    return visit.department_id in depts


def can_edit_visit(user: User, visit: Visit) -> bool:
    """Admin; the person who logged it; whoever may log on its lead/project."""
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.VIEWER:
        return False
    if visit.created_by_id == user.id:
        return True
    if visit.lead is not None and can_edit_lead(user, visit.lead):
        return True
    return visit.project is not None and can_follow_project(user, visit.project)


register(Lead, view=can_view_lead, edit=can_edit_lead)
register(Visit, view=can_view_visit, edit=can_edit_visit)
