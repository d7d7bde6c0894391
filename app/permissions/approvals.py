"""Who may see and change approval items (审批事项): the project's people see
and keep them (the team records and updates its items); the approving
department's staff see the items addressed to their department and alone
mark them 已办结 (admin too); meetings are the admin's."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import ApprovalItem, ApprovalMeeting, Project, Role, User
from app.permissions.loading import register
from app.permissions.projects import can_edit_project, can_view_project, project_filter
from app.permissions.scope import department_ids_in_scope


def _approving_departments(user: User) -> set[int] | None:
    """Departments whose items `user` approves: admin all (None); staff their
    own department and those their scope covers below it."""
    if user.role is Role.ADMIN:
        return None
    if user.role is not Role.STAFF or user.department_id is None:
        return set()
    scope = department_ids_in_scope(user)
    own = {user.department_id}
    return own if scope is None else own | set(scope)


def approval_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL: items of projects `user` may see, and items addressed to the
    departments `user` approves for."""
    approving = _approving_departments(user)
    if approving is None:
        return sa.true()
    visible_projects = sa.select(Project.id).where(project_filter(user))
    conditions = [ApprovalItem.project_id.in_(visible_projects)]
    if approving:
        conditions.append(ApprovalItem.department_id.in_(approving))
    return sa.or_(*conditions)


def can_view_approval(user: User, item: ApprovalItem) -> bool:
    if can_view_project(user, item.project):
        return True
    approving = _approving_departments(user)
    return approving is None or item.department_id in approving


def can_keep_approvals(user: User, project: Project) -> bool:
    """Add items, edit them, record 申报 and 无需办理: the project's editors."""
    return can_edit_project(user, project)


def can_approve_item(user: User, item: ApprovalItem) -> bool:
    """Mark 已办结: admin, or staff of the approving department."""
    approving = _approving_departments(user)
    return approving is None or item.department_id in approving


def can_edit_approval(user: User, item: ApprovalItem) -> bool:
    return can_keep_approvals(user, item.project) or can_approve_item(user, item)


def can_manage_meetings(user: User) -> bool:
    return user.role is Role.ADMIN


register(ApprovalItem, view=can_view_approval, edit=can_edit_approval)
register(ApprovalMeeting, view=lambda user, meeting: True, edit=lambda user, meeting: can_manage_meetings(user))
