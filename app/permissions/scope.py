"""Roles and data scopes: the role decorator on views, and the set of
departments a user's data scope covers (every entity's rules build on it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user, login_required

from app.db import db
from app.models import DataScope, Department, Role, User

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

# 台账导入: admin and investment staff (leaders and viewers only read).
IMPORTER_ROLES = (Role.ADMIN, Role.STAFF)


def can_import_ledgers(user: User) -> bool:
    return user.role in IMPORTER_ROLES


def can_administer_system(user: User) -> bool:
    """系统管理 (users, departments, reference lists, audit log)."""
    return user.role is Role.ADMIN


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


def can_see_history(user: User) -> bool:
    """The 操作记录 (audit) tab of a record: admin and the supervisors."""
    return user.role in (Role.ADMIN, Role.VIEWER)


def can_restore_records(user: User) -> bool:
    """Restore archived records (and see them): admin only."""
    return user.role is Role.ADMIN
