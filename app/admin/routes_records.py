"""Admin pages over the records' history: the audit log (read only) and the
archived records an admin can restore."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import archive
from app.admin import bp, queries
from app.admin.forms import AuditFilterForm
from app.db import db
from app.lookups import user_choices
from app.pagination import page_args, paginate
from app.permissions import admin_required
from app.views import attempt


@bp.route("/audit")
@admin_required
def audit_log():
    """Browse the audit trail; read only (no route edits or deletes it)."""
    form = AuditFilterForm(request.args, meta={"csrf": False})
    form.user_id.choices = user_choices(blank=_("全部人员"))
    stmt = queries.audit_query(form.data if form.validate() else None)
    return render_template("admin/audit.html", page=paginate(stmt, *page_args(50)), form=form)


@bp.route("/archive")
@admin_required
def archived():
    entity = request.args.get("entity", "lead")
    if entity not in archive.KINDS:
        abort(404)
    page = paginate(archive.archived_page_query(entity), *page_args())
    return render_template("admin/archive.html", page=page, entity=entity, kinds=archive.KINDS)


@bp.route("/archive/<entity>/<int:record_id>/restore", methods=["POST"])
@admin_required
def restore(entity: str, record_id: int):
    if entity not in archive.KINDS:
        abort(404)
    kind = archive.KINDS[entity]
    record = db.get_or_404(kind.model, record_id)
    outcome = attempt(lambda: archive.restore(entity, record, current_user), flash_refusal=False)
    if outcome:
        flash(_("已恢复「%(title)s」。", title=kind.title(record)), "success")
    else:
        flash(outcome.message, "warning")  # "already restored" is news, not an error
    return redirect(url_for("admin.archived", entity=entity))
