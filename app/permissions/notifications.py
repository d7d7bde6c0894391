"""Notifications: one's own inbox only; channels and failed deliveries for
admin; and whether a person may (still) see the record a notification points
to — the same rules that guard the record's own page (`register(...)`), for
one record, and as one query for a page of the inbox."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from app.db import db
from app.models import (
    ApprovalItem,
    CompanyConflict,
    ImportBatch,
    Inspection,
    Lead,
    Notification,
    Problem,
    Project,
    Role,
    User,
)
from app.permissions.approvals import approval_filter
from app.permissions.inspections import inspection_filter
from app.permissions.leads import lead_filter
from app.permissions.loading import _rules, register
from app.permissions.problems import problem_filter
from app.permissions.projects import project_filter


def can_view_notification(user: User, notification: Notification) -> bool:
    return notification.user_id == user.id


def can_manage_channels(user: User) -> bool:
    """Robots, e-mail channels and the failed deliveries: admin."""
    return user.role is Role.ADMIN


def _import_visible(user: User, batch: ImportBatch) -> bool:
    return user.role is Role.ADMIN or batch.uploaded_by_id == user.id


def can_view_record(user: User, obj: Any) -> bool:
    """May `user` see `obj` now: the record's registered view rule (archived
    records only for admin); the desk for its leader alone."""
    if obj is None:
        return False
    if isinstance(obj, User):
        return obj.id == user.id and user.role is Role.LEADER
    if isinstance(obj, ImportBatch):
        return _import_visible(user, obj)
    try:
        rules = _rules(type(obj))
    except LookupError:
        rules = None
    if rules is None:
        return user.role is Role.ADMIN
    if rules.hide_archived and getattr(obj, "archived_at", None) is not None and user.role is not Role.ADMIN:
        return False
    return bool(rules.view(user, obj))


def _conditions(user: User) -> dict[str, tuple[Any, sa.ColumnElement[bool]]]:
    """(model, SQL condition of what `user` may see) per record kind."""
    admin = user.role is Role.ADMIN
    return {
        "project": (Project, project_filter(user)),
        "problem": (Problem, problem_filter(user)),
        "lead": (Lead, lead_filter(user)),
        "approval_item": (ApprovalItem, approval_filter(user)),
        "conflict": (CompanyConflict, sa.true() if admin else sa.false()),
        "import_batch": (ImportBatch, sa.true() if admin else ImportBatch.uploaded_by_id == user.id),
        "inspection": (Inspection, inspection_filter(user)),
        "desk": (User, sa.and_(User.id == user.id, sa.literal(user.role is Role.LEADER))),
    }


def visible_records(user: User, refs: Iterable[tuple[str | None, int | None]]) -> set[tuple[str, int]]:
    """Of the (record kind, id) pairs, those `user` may see now — one query
    for them all (a UNION of each kind's scope condition)."""
    wanted: dict[str, set[int]] = {}
    for kind, ident in refs:
        if kind and ident:
            wanted.setdefault(kind, set()).add(ident)
    if not wanted:
        return set()
    conditions = _conditions(user)
    selects = []
    for kind, ids in wanted.items():
        if kind not in conditions:
            continue
        model, condition = conditions[kind]
        parts = [model.id.in_(sorted(ids)), condition]
        if hasattr(model, "archived_at") and user.role is not Role.ADMIN:
            parts.append(model.archived_at.is_(None))
        selects.append(sa.select(sa.literal(kind).label("kind"), model.id.label("id")).where(*parts))
    if not selects:
        return set()
    statement = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    return {(kind, ident) for kind, ident in db.session.execute(statement).all()}


register(Notification, view=can_view_notification, edit=can_view_notification, hide_archived=False)
