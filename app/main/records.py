"""Archive and (early) delete any business record: one pair of routes for
every kind, with the kind's own edit rule from the permissions module."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import archive
from app.db import db
from app.main import bp
from app.permissions import require
from app.security import safe_next_url
from app.views import attempt


def _load(entity: str, record_id: int):
    try:
        kind = archive.kind_of(entity)
    except archive.ArchiveError:
        abort(404)
    record = db.session.get(kind.model, record_id)
    if record is None or not _may_see(entity, record):
        abort(404)
    return kind, record


def _may_see(entity: str, record) -> bool:
    from app import permissions

    if entity == "lead":
        return permissions.can_view_lead(current_user, record)
    if entity in ("project",):
        return permissions.can_view_project(current_user, record)
    if entity in ("agreement", "problem"):
        return permissions.can_view_project(current_user, record.project)
    if entity == "visit":
        if record.lead is not None and permissions.can_view_lead(current_user, record.lead):
            return True
        return record.project is not None and permissions.can_view_project(current_user, record.project)
    return True  # companies are shared records: the company page filters what hangs on them


def _back(default: str) -> str:
    return safe_next_url(request.form.get("next")) or default


@bp.route("/records/<entity>/<int:record_id>/archive", methods=["POST"])
@login_required
def archive_record(entity: str, record_id: int):
    kind, record = _load(entity, record_id)
    require(kind.may_edit(current_user, record))
    reason = (request.form.get("reason") or "").strip()[:200] or None
    if not attempt(lambda: archive.archive(entity, record, current_user, reason)):
        return redirect(_back(url_for("main.index")))
    flash(_("已归档「%(title)s」。管理员可在“系统管理 → 归档记录”中恢复。", title=kind.title(record)), "success")
    return redirect(_back(url_for("main.index")))


@bp.route("/records/<entity>/<int:record_id>/delete", methods=["POST"])
@login_required
def delete_record(entity: str, record_id: int):
    kind, record = _load(entity, record_id)
    require(kind.may_edit(current_user, record))  # deleting is an edit: refused before any other check
    title = kind.title(record)
    if not attempt(lambda: archive.hard_delete(entity, record, current_user)):
        return redirect(_back(url_for("main.index")))
    flash(_("已删除「%(title)s」（操作已记录）。", title=title), "success")
    return redirect(_back(url_for("main.index")))
