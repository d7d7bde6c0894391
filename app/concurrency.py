"""Optimistic locking for edit forms: the form carries the version it was
read at; saving against a newer version is refused with who changed the
record and when, and the user's input stays in the form."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.db import db
from app.models import AuditLog, User
from app.refusals import StaleEdit
from app.templating import fmt_date


def check_version(obj: Any, entity: str, submitted: Any) -> None:
    """Raise StaleEdit when `submitted` is not the record's current version."""
    try:
        submitted_version = int(submitted)
    except (TypeError, ValueError):
        submitted_version = None
    if submitted_version == obj.version:
        return
    last = db.session.execute(
        sa.select(AuditLog.at, User.name)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.entity == entity, AuditLog.entity_id == obj.id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(1)
    ).first()
    if last is not None:
        message = _(
            "该记录已于 %(at)s 被 %(name)s 修改，您的修改尚未保存。请核对最新内容后重新提交（您的输入已保留）。",
            at=fmt_date(last.at),
            name=last.name or _("他人"),
        )
    else:
        message = None  # the one stale-edit message
    raise StaleEdit(message)
