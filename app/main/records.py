"""Archive and (early) delete any business record: one pair of routes for
every kind, with the kind's own edit rule (`app.archive.KINDS`)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import archive
from app.db import db
from app.main import bp
from app.permissions import can_view_lead, can_view_project, require
from app.security import safe_next_url
from app.views import attempt


def _load_editable(entity: str, record_id: int) -> tuple[archive.Kind, Any]:
    """The kind and the record, 404 unless one may see it, then 403 unless
    one may change it (archiving and deleting are edits: refused before any
    other check). Archived records stay reachable here, so that archiving
    one twice is answered "already archived" rather than 404."""
    kind = archive.KINDS.get(entity)
    if kind is None:
        abort(404)
    record = db.session.get(kind.model, record_id)
    if record is None or not _may_see(entity, record):
        abort(404)
    require(kind.may_edit(current_user, record))
    return kind, record


def _may_see(entity: str, record: Any) -> bool:
    if entity == "lead":
        return can_view_lead(current_user, record)
    if entity == "project":
        return can_view_project(current_user, record)
    if entity in ("agreement", "problem"):
        return can_view_project(current_user, record.project)
    if entity == "visit":
        if record.lead is not None and can_view_lead(current_user, record.lead):
            return True
        return record.project is not None and can_view_project(current_user, record.project)
    return True  # companies are shared records: the company page filters what hangs on them


def _back() -> str:
    return safe_next_url(request.form.get("next")) or url_for("main.index")


def _done(outcome, message: str):
    """Flash the success `message`, or the refusal as a warning (the record
    is already archived, or has records hanging on it: news, not an error)."""
    if outcome:
        flash(message, "success")
    else:
        flash(outcome.message, "warning")
    return redirect(_back())


@bp.route("/records/<entity>/<int:record_id>/archive", methods=["POST"])
@login_required
def archive_record(entity: str, record_id: int):
    kind, record = _load_editable(entity, record_id)
    reason = (request.form.get("reason") or "").strip()[:200] or None
    outcome = attempt(lambda: archive.archive(entity, record, current_user, reason), flash_refusal=False)
    title = kind.title(record)
    return _done(outcome, _("已归档「%(title)s」。管理员可在“系统管理 → 归档记录”中恢复。", title=title))


@bp.route("/records/<entity>/<int:record_id>/delete", methods=["POST"])
@login_required
def delete_record(entity: str, record_id: int):
    kind, record = _load_editable(entity, record_id)
    title = kind.title(record)
    outcome = attempt(lambda: archive.hard_delete(entity, record, current_user), flash_refusal=False)
    return _done(outcome, _("已删除「%(title)s」（操作已记录）。", title=title))
