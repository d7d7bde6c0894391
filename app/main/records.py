"""Archive and (early) delete any business record: one pair of routes for
every kind, loaded through the permissions loader with the kind's own edit
rule (`app.archive.KINDS`)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import archive
from app.main import bp
from app.permissions import get_visible_or_404, require
from app.security import safe_next_url
from app.views import attempt


def _load_editable(entity: str, record_id: int) -> tuple[archive.Kind, Any]:
    """The kind and the record, 404 unless one may see it, then 403 unless
    one may change it (archiving and deleting are edits: refused before any
    other check)."""
    kind = archive.KINDS.get(entity)
    if kind is None:
        abort(404)
    record = get_visible_or_404(kind.model, record_id)
    require(kind.may_edit(current_user, record))
    return kind, record


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
