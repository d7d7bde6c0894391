"""Admin rules: user accounts, departments, reference lists and the district's
working-day overrides, each change audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.auth.passwords import hash_password, password_problem
from app.auth.sessions import end_everything, invalidate_sessions
from app.db import db
from app.models import (
    DataScope,
    Department,
    DepartmentKind,
    RefItem,
    RefKind,
    Role,
    User,
    WorkdayOverride,
)
from app.refusals import Refusal

USER_FIELDS = (
    "username",
    "name",
    "title",
    "phone",
    "role",
    "scope",
    "department_id",
    "active",
    "reviews_investment",
)
DEPARTMENT_FIELDS = ("name", "short_name", "kind", "parent_id", "sort_order", "active")
REF_FIELDS = ("name", "sort_order", "needs_note", "active")
WORKDAY_FIELDS = ("day", "is_workday", "note")


class AdminError(Refusal):
    """A refused admin change; `field` says which form field it concerns."""


def _check_username_free(username: str, exclude_id: int | None = None) -> None:
    stmt = sa.select(User.id).where(sa.func.lower(User.username) == username.lower())
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise AdminError(_("用户名已被使用。"), "username")


def _check_staff_department(role: Role, department_id: int | None) -> None:
    if role is Role.STAFF and department_id is None:
        raise AdminError(_("招商人员必须属于一个部门。"), "department_id")


def create_user(data: dict[str, Any], password: str) -> User:
    role = Role(data["role"])
    _check_username_free(data["username"])
    _check_staff_department(role, data.get("department_id"))
    problem = password_problem(password or "", data.get("username"))
    if problem:
        raise AdminError(problem, "password")
    user = User(
        username=data["username"],
        name=data["name"],
        title=data.get("title") or None,
        phone=data.get("phone") or None,
        role=role,
        scope=DataScope(data.get("scope") or DataScope.DEPARTMENT.value),
        department_id=data.get("department_id"),
        reviews_investment=bool(data.get("reviews_investment")),
        password_hash=hash_password(password),
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, changes=audit.snapshot(user, USER_FIELDS), summary=user.username)
    return user


def update_user(user: User, data: dict[str, Any], actor: User) -> User:
    role = Role(data["role"])
    _check_username_free(data["username"], exclude_id=user.id)
    _check_staff_department(role, data.get("department_id"))
    if user.id == actor.id and role is not Role.ADMIN:
        raise AdminError(_("不能取消自己的管理员角色。"), "role")
    before = audit.snapshot(user, USER_FIELDS)
    user.username = data["username"]
    user.name = data["name"]
    user.title = data.get("title") or None
    user.phone = data.get("phone") or None
    user.scope = DataScope(data.get("scope") or DataScope.DEPARTMENT.value)
    user.department_id = data.get("department_id")
    user.reviews_investment = bool(data.get("reviews_investment"))
    if user.role is not role:
        user.role = role
        invalidate_sessions(user)  # new rights take effect at the next sign-in
    changes = audit.diff(before, audit.snapshot(user, USER_FIELDS))
    if changes:
        audit.record("update", "user", user.id, changes=changes, summary=user.username)
    return user


def set_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise AdminError(_("不能停用自己的账号。"))
    if user.active == active:
        return
    user.active = active
    if not active:
        end_everything(user)
    audit.record("activate" if active else "deactivate", "user", user.id, summary=user.username)


def reset_password(user: User, password: str) -> None:
    problem = password_problem(password, user.username)
    if problem:
        raise AdminError(problem, "password")
    user.password_hash = hash_password(password)
    end_everything(user)
    audit.record("reset_password", "user", user.id, summary=user.username)


def _department_ancestors(department_id: int | None) -> set[int]:
    parents = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
    seen: set[int] = set()
    while department_id is not None and department_id not in seen:
        seen.add(department_id)
        department_id = parents.get(department_id)
    return seen


def save_department(department: Department | None, data: dict[str, Any]) -> Department:
    name = data["name"]
    clash = sa.select(Department.id).where(Department.name == name)
    if department is not None:
        clash = clash.where(Department.id != department.id)
    if db.session.scalar(clash) is not None:
        raise AdminError(_("已有同名部门。"), "name")
    parent_id = data.get("parent_id")
    if department is not None and parent_id is not None and department.id in _department_ancestors(parent_id):
        raise AdminError(_("上级部门不能是本部门或其下属部门。"), "parent_id")
    created = department is None
    department = department or Department()
    before = {} if created else audit.snapshot(department, DEPARTMENT_FIELDS)
    department.name = name
    department.short_name = data.get("short_name") or None
    department.kind = DepartmentKind(data["kind"])
    department.parent_id = parent_id
    department.sort_order = data.get("sort_order") or 0
    department.active = bool(data.get("active", True))
    if created:
        db.session.add(department)
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(department, DEPARTMENT_FIELDS))
    if changes:
        audit.record("create" if created else "update", "department", department.id, changes=changes, summary=name)
    return department


def save_ref_item(item: RefItem | None, kind: RefKind, data: dict[str, Any]) -> RefItem:
    name = data["name"]
    clash = sa.select(RefItem.id).where(RefItem.kind == kind, RefItem.name == name)
    if item is not None:
        clash = clash.where(RefItem.id != item.id)
    if db.session.scalar(clash) is not None:
        raise AdminError(_("该列表中已有同名选项。"), "name")
    created = item is None
    item = item or RefItem(kind=kind)
    before = {} if created else audit.snapshot(item, REF_FIELDS)
    item.name = name
    item.sort_order = data.get("sort_order") or 0
    item.needs_note = bool(data.get("needs_note"))
    item.active = bool(data.get("active", True))
    if created:
        db.session.add(item)
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(item, REF_FIELDS))
    if changes:
        audit.record(
            "create" if created else "update", "ref_item", item.id, changes=changes, summary=f"{kind.label}:{name}"
        )
    return item


def save_workday_override(day: dt.date, is_workday: bool, note: str) -> WorkdayOverride:
    """Set the district's own answer for `day` (上班 or 休息), replacing one it had."""
    note = (note or "").strip()
    if not note:
        raise AdminError(_("请填写说明（如：区属单位调休）。"), "note")
    row = db.session.scalar(sa.select(WorkdayOverride).where(WorkdayOverride.day == day))
    created = row is None
    row = row or WorkdayOverride(day=day)
    before = {} if created else audit.snapshot(row, WORKDAY_FIELDS)
    row.is_workday, row.note = is_workday, note
    if created:
        db.session.add(row)
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(row, WORKDAY_FIELDS))
    if changes:
        kind = _("上班") if is_workday else _("休息")
        audit.record("create" if created else "update", "workday", row.id, changes=changes, summary=f"{day} {kind}")
    return row


def remove_workday_override(day: dt.date) -> None:
    """Give `day` back to the State Council's calendar."""
    row = db.session.scalar(sa.select(WorkdayOverride).where(WorkdayOverride.day == day))
    if row is None:
        raise AdminError(_("%(day)s 没有本区的调整。", day=day.isoformat()))
    audit.record("delete", "workday", row.id, changes=audit.snapshot(row, WORKDAY_FIELDS), summary=str(day))
    db.session.delete(row)
    db.session.flush()
