"""Who may see agreements and signing events: whoever may see the project
they belong to (an archived project hides its agreements from non-admins)."""

from __future__ import annotations

from app.db import db
from app.models import Agreement, Funding, Project, Role, SigningEvent, User
from app.permissions.loading import register
from app.permissions.projects import can_edit_project, can_view_project


def can_view_agreement(user: User, agreement: Agreement) -> bool:
    project = agreement.project
    if project.archived_at is not None and user.role is not Role.ADMIN:
        return False
    return can_view_project(user, project)


def can_edit_agreement(user: User, agreement: Agreement) -> bool:
    return can_edit_project(user, agreement.project)


def can_manage_signing_event(user: User, event: SigningEvent | None = None) -> bool:
    """Admin manages every signing event; staff create events and edit their own."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.STAFF:
        return False
    return event is None or event.created_by_id == user.id


register(Agreement, view=can_view_agreement, edit=can_edit_agreement)


def can_view_signing_event(user: User, event: SigningEvent) -> bool:
    """Signing events are public within the district (their agreements are
    filtered by project scope)."""
    return True


def _funding_project(user: User, funding: Funding) -> Project | None:
    """The project of a funding row, None when it is archived (non-admins)."""
    project = db.session.get(Project, funding.project_id)
    if project is None or (project.archived_at is not None and user.role is not Role.ADMIN):
        return None
    return project


def can_view_funding(user: User, funding: Funding) -> bool:
    project = _funding_project(user, funding)
    return project is not None and can_view_project(user, project)


def can_edit_funding(user: User, funding: Funding) -> bool:
    project = _funding_project(user, funding)
    return project is not None and can_edit_project(user, project)


register(SigningEvent, view=can_view_signing_event, edit=can_manage_signing_event, hide_archived=False)
register(Funding, view=can_view_funding, edit=can_edit_funding)
