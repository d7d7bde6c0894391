"""Who may see and act on inspections (营商环境督办).

Decision (issue 22): the `viewer` role (督查/只读) *is* the supervision office,
so it gains one right and only this one: it records inspections and closes
them (销号) or sends an answer back (退回). No new role: a `supervisor` role
would have to repeat the viewer's read-everything rights everywhere, and the
viewer still changes nothing else. Admin may do the same.

- who sees an inspection: admin, leaders and the viewer all of them; staff
  those whose responsible department or unit inspected is within their data
  scope (their own department at least) — never another department's;
- who answers (整改情况): staff of the responsible department (or a
  department their scope covers), and admin.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Inspection, Role, User
from app.permissions.loading import register
from app.permissions.scope import department_ids_in_scope

SUPERVISOR_ROLES = (Role.VIEWER, Role.ADMIN)


def _departments(user: User) -> set[int] | None:
    """None: every inspection; else the departments whose inspections `user` sees."""
    if user.role is not Role.STAFF:
        return None if user.role in (Role.ADMIN, Role.LEADER, Role.VIEWER) else set()
    scope = department_ids_in_scope(user)
    own = {user.department_id} if user.department_id is not None else set()
    return own if scope is None else own | set(scope)


def inspection_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL: the inspections `user` may see (lists, exports, report, API)."""
    departments = _departments(user)
    if departments is None:
        return sa.true()
    if not departments:
        return sa.false()
    return sa.or_(Inspection.responsible_department_id.in_(departments), Inspection.department_id.in_(departments))


def can_view_inspection(user: User, inspection: Inspection) -> bool:
    departments = _departments(user)
    return departments is None or bool({inspection.responsible_department_id, inspection.department_id} & departments)


def can_record_inspection(user: User) -> bool:
    """督查 records inspections: the viewer (supervision office) and admin."""
    return user.role in SUPERVISOR_ROLES


def can_close_inspection(user: User, inspection: Inspection) -> bool:
    """销号 or 退回: the viewer (supervision office) and admin."""
    return user.role in SUPERVISOR_ROLES


def can_answer_inspection(user: User, inspection: Inspection) -> bool:
    """整改情况: staff of the responsible department (or their scope), and admin."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.STAFF:
        return False
    departments = _departments(user)
    return departments is None or inspection.responsible_department_id in departments


def can_edit_inspection(user: User, inspection: Inspection) -> bool:
    return can_close_inspection(user, inspection) or can_answer_inspection(user, inspection)


register(Inspection, view=can_view_inspection, edit=can_edit_inspection)
