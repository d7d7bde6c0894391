"""Who may see and change companies. Every signed-in user may read a
company's record (the 撞单 check must be able to name who holds it); lists of
companies in reports are limited to those behind the viewer's leads and
projects."""

from __future__ import annotations

import sqlalchemy as sa

from app.db import db
from app.models import Company, CompanyConflict, Lead, Project, Role, User
from app.permissions.leads import lead_filter
from app.permissions.loading import register
from app.permissions.projects import project_filter
from app.permissions.scope import department_ids_in_scope


def company_filter(user: User) -> sa.ColumnElement[bool]:
    """Companies the user may see in report lists: those of leads or
    projects in their scope."""
    return sa.or_(
        Company.id.in_(sa.select(Lead.company_id).where(lead_filter(user))),
        Company.id.in_(sa.select(Project.company_id).where(project_filter(user))),
    )


def can_view_company(user: User, company: Company) -> bool:
    """Any signed-in user; an archived company only when it was merged (its
    page leads on to the surviving record)."""
    return company.archived_at is None or company.merged_into_id is not None


def can_edit_company(user: User, company: Company) -> bool:
    """Admin; staff of the company's 首报 department (or, while nobody holds
    it, of the department that entered it), and its followers — staff with a
    lead on it they may see. Not any department's staff."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.STAFF or company.merged_into_id is not None:
        return False
    depts = department_ids_in_scope(user)
    if depts is None or company.created_by_id == user.id:
        return True
    holder = company.first_department_id
    if holder is None and company.created_by_id is not None:
        holder = db.session.scalar(sa.select(User.department_id).where(User.id == company.created_by_id))
    if holder is not None and holder in depts:
        return True
    return (
        db.session.scalar(sa.select(Lead.id).where(Lead.company_id == company.id, lead_filter(user)).limit(1))
        is not None
    )


def can_archive_company(user: User, company: Company) -> bool:
    """Archiving a company (it disappears from every look-up): admin only."""
    return user.role is Role.ADMIN


def can_create_company(user: User) -> bool:
    """Register a company (or a lead on one): admin and staff."""
    return user.role in (Role.ADMIN, Role.STAFF)


def can_merge_companies(user: User) -> bool:
    """Merging duplicate records and ruling on 撞单: admin only."""
    return user.role is Role.ADMIN


def can_rule_conflict(user: User, conflict: CompanyConflict) -> bool:
    """A 撞单 conflict is the admin's to see and rule on."""
    return can_merge_companies(user)


register(Company, view=can_view_company, edit=can_edit_company, hide_archived=False)
register(CompanyConflict, view=can_rule_conflict, edit=can_rule_conflict, hide_archived=False)
