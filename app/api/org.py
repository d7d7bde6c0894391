"""Departments and users over the API: everyone lists what they may see;
admin creates and edits, through the same admin services as the pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from app.admin import services as admin_services
from app.api import bp
from app.api.common import saving
from app.api.core import ApiError, not_found, operation
from app.api.schemas import DepartmentIn, DepartmentOut, ListQuery, Page, UserIn, UserOut, UserUpdate
from app.db import db
from app.models import Department, Role, User
from app.pagination import paginate
from app.search import keyword_condition

ADMIN = (Role.ADMIN,)


def _department_out(d: Department) -> DepartmentOut:
    return DepartmentOut(
        id=d.id, name=d.name, short_name=d.short_name, kind=d.kind.value, parent_id=d.parent_id, active=d.active
    )


def _user_out(u: User) -> UserOut:
    return UserOut(
        id=u.id,
        username=u.username,
        name=u.name,
        title=u.title,
        role=u.role.value,
        scope=u.scope.value,
        department_id=u.department_id,
        active=u.active,
    )


def _check_department(department_id: int | None) -> None:
    if department_id is not None and db.session.get(Department, department_id) is None:
        raise ApiError(422, "部门不存在。", {"department_id": "部门不存在。"})


@operation(bp, "GET", "/departments", summary="部门列表", tag="组织", query=ListQuery, response=Page[DepartmentOut])
def list_departments(query: ListQuery):
    stmt = sa.select(Department).order_by(Department.sort_order, Department.id)
    if query.q:
        stmt = stmt.where(keyword_condition(Department.name, query.q))
    page = paginate(stmt, query.page, query.per_page)
    return Page[DepartmentOut](
        items=[_department_out(d) for d in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp, "GET", "/departments/<int:department_id>", summary="部门详情", tag="组织", response=DepartmentOut, errors=(404,)
)
def get_department(department_id: int):
    department = db.session.get(Department, department_id)
    if department is None:
        raise not_found()
    return _department_out(department)


@operation(
    bp,
    "POST",
    "/departments",
    summary="新建部门（管理员）",
    tag="组织",
    body=DepartmentIn,
    response=DepartmentOut,
    status=201,
    roles=ADMIN,
    errors=(403, 422),
)
def create_department(body: DepartmentIn):
    _check_department(body.parent_id)
    with saving():
        department = admin_services.save_department(None, body.model_dump())
    return _department_out(department)


@operation(
    bp,
    "PUT",
    "/departments/<int:department_id>",
    summary="修改部门（管理员）",
    tag="组织",
    body=DepartmentIn,
    response=DepartmentOut,
    roles=ADMIN,
    errors=(403, 404, 422),
)
def update_department(department_id: int, body: DepartmentIn):
    department = db.session.get(Department, department_id)
    if department is None:
        raise not_found()
    _check_department(body.parent_id)
    with saving():
        admin_services.save_department(department, body.model_dump())
    return _department_out(department)


def _visible_users() -> sa.ColumnElement[bool]:
    """Admin sees every account; others see active colleagues (names and
    departments are needed to pick participants and leaders)."""
    if current_user.role is Role.ADMIN:
        return sa.true()
    return User.active.is_(True)


@operation(bp, "GET", "/users", summary="用户列表", tag="组织", query=ListQuery, response=Page[UserOut])
def list_users(query: ListQuery):
    stmt = sa.select(User).where(_visible_users()).order_by(User.id)
    if query.q:
        stmt = stmt.where(sa.or_(keyword_condition(User.username, query.q), keyword_condition(User.name, query.q)))
    page = paginate(stmt, query.page, query.per_page)
    return Page[UserOut](
        items=[_user_out(u) for u in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(bp, "GET", "/users/<int:user_id>", summary="用户详情", tag="组织", response=UserOut, errors=(404,))
def get_user(user_id: int):
    user = db.session.scalar(sa.select(User).where(User.id == user_id, _visible_users()))
    if user is None:
        raise not_found()
    return _user_out(user)


@operation(
    bp,
    "POST",
    "/users",
    summary="新建用户（管理员）",
    tag="组织",
    body=UserIn,
    response=UserOut,
    status=201,
    roles=ADMIN,
    errors=(403, 422),
)
def create_user(body: UserIn):
    _check_department(body.department_id)
    with saving():
        user = admin_services.create_user(body.model_dump(exclude={"password"}), body.password)
    return _user_out(user)


@operation(
    bp,
    "PATCH",
    "/users/<int:user_id>",
    summary="修改用户（管理员）",
    tag="组织",
    body=UserUpdate,
    response=UserOut,
    roles=ADMIN,
    errors=(403, 404, 422),
)
def update_user(user_id: int, body: UserUpdate):
    user = db.session.get(User, user_id)
    if user is None:
        raise not_found()
    changes = body.model_dump(exclude_unset=True)
    blank = sorted(k for k in ("username", "name", "role", "scope", "active") if k in changes and changes[k] is None)
    if blank:
        raise ApiError(422, "提交的数据有误。", dict.fromkeys(blank, "不能为空。"))
    _check_department(changes.get("department_id"))
    data = {
        "username": user.username,
        "name": user.name,
        "title": user.title,
        "phone": user.phone,
        "role": user.role.value,
        "scope": user.scope.value,
        "department_id": user.department_id,
    }
    data.update({k: v for k, v in changes.items() if k != "active"})
    with saving():
        admin_services.update_user(user, data, current_user)
        if "active" in changes and changes["active"] is not None:
            admin_services.set_active(user, changes["active"], current_user)
    return _user_out(user)
