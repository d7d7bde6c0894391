"""Who may see and change projects, their five ones, milestones and
instructions: SQL conditions for lists and the matching checks on one record."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Instruction, Project, Role, User, project_team
from app.permissions.loading import register
from app.permissions.scope import department_ids_in_scope


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


def can_close_instruction(user: User, instruction: Instruction) -> bool:
    """办结 or send back an answered instruction: the leader who issued it,
    or the project's current responsible leader."""
    return (user.role is Role.LEADER and instruction.leader_id == user.id) or is_projects_leader(
        user, instruction.project
    )


def project_abilities(user: User, project: Project) -> dict[str, bool]:
    """What `user` may do on the project page (the template's `can` flags)."""
    from app.permissions.problems import can_raise_problem
    from app.permissions.scope import can_see_history

    return {
        "edit": can_edit_project(user, project),
        "move": can_edit_project(user, project),
        "reopen": user.role is Role.ADMIN,
        "assign": can_assign_five_ones(user, project),
        "milestones": can_manage_milestones(user, project),
        "progress": can_follow_project(user, project),
        "instruct": can_post_instruction(user, project),
        "acknowledge": can_acknowledge_instruction(user, project),
        "raise_problem": can_raise_problem(user, project),
        "see_history": can_see_history(user),
    }


def can_create_project(user: User) -> bool:
    """Register a project (or convert a lead): admin and staff."""
    return user.role in (Role.ADMIN, Role.STAFF)


register(Project, view=can_view_project, edit=can_edit_project)
