"""Reads of the admin pages: the user list with its filters, the department
tree with member counts, a reference list, the audit log's filters and the
working-day calendar of a year."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from app import clock, workdays
from app.db import db
from app.models import AuditLog, Department, RefItem, RefKind, Role, User, WorkdayOverride


def counts() -> dict[str, int]:
    return {
        "users": db.session.scalar(sa.select(sa.func.count(User.id))) or 0,
        "departments": db.session.scalar(sa.select(sa.func.count(Department.id))) or 0,
    }


def users_query(q: str, role: Role | None) -> sa.Select:
    """Users by role then username; `q` matches username or name."""
    stmt = sa.select(User).options(sa.orm.joinedload(User.department)).order_by(User.role, User.username)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(sa.or_(User.username.ilike(like), User.name.ilike(like)))
    if role is not None:
        stmt = stmt.where(User.role == role)
    return stmt


def department_rows() -> list[Any]:
    """Each department with its parent's name and its number of members."""
    parent = sa.orm.aliased(Department)
    member_count = (
        sa.select(sa.func.count(User.id))
        .where(User.department_id == Department.id)
        .correlate(Department)
        .scalar_subquery()
    )
    return list(
        db.session.execute(
            sa.select(Department, parent.name.label("parent_name"), member_count.label("members"))
            .outerjoin(parent, Department.parent_id == parent.id)
            .order_by(Department.sort_order, Department.id)
        ).all()
    )


def ref_items(kind: RefKind) -> list[RefItem]:
    return list(
        db.session.scalars(sa.select(RefItem).where(RefItem.kind == kind).order_by(RefItem.sort_order, RefItem.id))
    )


def audit_query(data: dict[str, Any] | None) -> sa.Select:
    """The audit trail, newest first, narrowed by the filter form's `data`
    (None when the form did not validate: then nothing is listed)."""
    stmt = (
        sa.select(AuditLog).options(sa.orm.joinedload(AuditLog.user)).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    if data is None:
        return stmt.where(sa.false())
    for name, column in (
        ("user_id", AuditLog.user_id),
        ("entity", AuditLog.entity),
        ("entity_id", AuditLog.entity_id),
        ("action", AuditLog.action),
    ):
        if data[name]:
            stmt = stmt.where(column == data[name])
    if data["date_from"]:  # Beijing days, as the log shows its times
        stmt = stmt.where(AuditLog.at >= clock.start_of(data["date_from"]))
    if data["date_to"]:
        stmt = stmt.where(AuditLog.at < clock.start_of(data["date_to"] + timedelta(days=1)))
    return stmt


def workday_year(year: int) -> dict[str, Any]:
    """The admin's calendar page for `year`: the State Council's holidays and
    调休 days, and the district's own overrides, one row per date."""
    overrides = {
        row.day: row
        for row in db.session.scalars(
            sa.select(WorkdayOverride).where(
                WorkdayOverride.day >= dt.date(year, 1, 1), WorkdayOverride.day <= dt.date(year, 12, 31)
            )
        )
    }
    official = {day.day: day for day in workdays.official_exceptions(year)}
    rows = [
        {"day": day, "official": official.get(day), "override": overrides.get(day)}
        for day in sorted(official.keys() | overrides.keys())
    ]
    return {"year": year, "known": workdays.knows_year(year), "rows": rows}
