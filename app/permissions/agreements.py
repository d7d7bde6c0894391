"""Who may see agreements and signing events: whoever may see the project
they belong to (an archived project hides its agreements from non-admins)."""

from __future__ import annotations

from app.models import Agreement, Role, User
from app.permissions.loading import register
from app.permissions.projects import can_edit_project, can_view_project


def can_view_agreement(user: User, agreement: Agreement) -> bool:
    project = agreement.project
    if project.archived_at is not None and user.role is not Role.ADMIN:
        return False
    return can_view_project(user, project)


def can_edit_agreement(user: User, agreement: Agreement) -> bool:
    return can_edit_project(user, agreement.project)


register(Agreement, view=can_view_agreement, edit=can_edit_agreement)
