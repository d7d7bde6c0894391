"""Who may see problems and take each step of their life cycle.

A problem of a company alone (企业诉求, no project) is seen by its
responsible department, the person who raised it, admin, leaders and the
viewer (督查); it is raised by admin, leaders and staff; 交办 and 销号 are
admin's and the leaders' (there is no project leader), and the raiser's
销号 as for a project's problem."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Problem, Project, Role, User
from app.permissions.loading import register
from app.permissions.projects import (
    can_edit_project,
    can_follow_project,
    can_view_project,
    is_projects_leader,
    project_filter,
)
from app.permissions.scope import department_ids_in_scope


def problem_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL condition: problems `user` may see: those of visible projects, and
    those assigned to a department within the user's scope (or their own)."""
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


def _leads_problem(user: User, problem: Problem) -> bool:
    """The project's responsible leader; for a company's problem, any leader."""
    if problem.project is None:
        return user.role is Role.LEADER
    return is_projects_leader(user, problem.project)


def can_view_problem(user: User, problem: Problem) -> bool:
    depts = department_ids_in_scope(user)
    if depts is None or problem.raised_by_id == user.id:
        return True
    if _handles_for_department(user, problem.responsible_department_id):
        return True
    return problem.project is not None and can_view_project(user, problem.project)


def can_raise_problem(user: User, project: Project) -> bool:
    """Team members, lead department staff, the responsible leader, admin."""
    return can_follow_project(user, project)


def can_raise_company_problem(user: User) -> bool:
    """企业诉求 for a company alone: admin, leaders and staff (not the viewer)."""
    return user.role in (Role.ADMIN, Role.LEADER, Role.STAFF)


def can_assign_problem(user: User, problem: Problem) -> bool:
    """交办: admin, or the responsible leader of the problem's project (any
    leader for a company's problem)."""
    return user.role is Role.ADMIN or _leads_problem(user, problem)


def can_handle_problem(user: User, problem: Problem) -> bool:
    """办理 and 反馈: staff of the responsible department, or admin."""
    return user.role is Role.ADMIN or _handles_for_department(user, problem.responsible_department_id)


def can_accept_problem(user: User, problem: Problem) -> bool:
    """销号 or send back: the reporter, the project's leader (a leader for a
    company's problem), or admin."""
    if user.role is Role.ADMIN or _leads_problem(user, problem):
        return True
    return problem.raised_by_id == user.id and user.role is not Role.VIEWER


def can_supervise_problem(user: User, problem: Problem) -> bool:
    """督办意见 (raise the level, put it before the department again): leaders and admin."""
    return user.role in (Role.LEADER, Role.ADMIN)


def can_edit_problem(user: User, problem: Problem) -> bool:
    """Change the record itself (archive, correct it): admin, or the person
    who raised it while they may edit the project."""
    if user.role is Role.ADMIN:
        return True
    if problem.raised_by_id != user.id or user.role is Role.VIEWER:
        return False
    return problem.project is None or can_edit_project(user, problem.project)


register(Problem, view=can_view_problem, edit=can_edit_problem)
