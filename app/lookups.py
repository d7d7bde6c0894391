"""Choices for select fields (departments, users, reference lists), each one
query, shared by every feature's forms."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.db import db
from app.models import Department, RefItem, RefKind, Role, User

Choice = tuple[Any, str]


def department_choices(blank: str | None = "—") -> list[Choice]:
    rows = db.session.execute(
        sa.select(Department.id, Department.name)
        .where(Department.active.is_(True))
        .order_by(Department.sort_order, Department.id)
    ).all()
    return ([("", blank)] if blank is not None else []) + [(r.id, r.name) for r in rows]


def user_choices(*roles: Role, blank: str | None = "—", department_id: int | None = None) -> list[Choice]:
    stmt = sa.select(User.id, User.name, User.title).where(User.active.is_(True))
    if roles:
        stmt = stmt.where(User.role.in_(roles))
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    rows = db.session.execute(stmt.order_by(User.name)).all()
    return ([("", blank)] if blank is not None else []) + [
        (r.id, f"{r.name}（{r.title}）" if r.title else r.name) for r in rows
    ]


def ref_choices(kind: RefKind, blank: str | None = "—", include_id: int | None = None) -> list[Choice]:
    """Active entries of a reference list (plus `include_id`, so an edited
    record keeps a value that has since been deactivated)."""
    condition = RefItem.active.is_(True)
    if include_id is not None:
        condition = sa.or_(condition, RefItem.id == include_id)
    rows = db.session.execute(
        sa.select(RefItem.id, RefItem.name)
        .where(RefItem.kind == kind, condition)
        .order_by(RefItem.sort_order, RefItem.id)
    ).all()
    return ([("", blank)] if blank is not None else []) + [(r.id, r.name) for r in rows]


def ref_id(kind: RefKind, name: str) -> int | None:
    """The id of the entry `name` in list `kind` (for seeds and imports)."""
    return db.session.scalar(sa.select(RefItem.id).where(RefItem.kind == kind, RefItem.name == name))
