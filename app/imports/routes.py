"""Import pages: template download, upload → preview, commit."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.db import db
from app.imports import bp, service
from app.imports.commit import ImportRefusedError
from app.imports.sheets import SheetError
from app.imports.templates import template_workbook
from app.models import ImportBatch, Role
from app.permissions import role_required
from app.xlsx import workbook_response

IMPORTERS = (Role.ADMIN, Role.STAFF)
TITLES = {"projects": "项目台账导入", "leads": "线索台账导入"}


def _kind_or_404(kind: str) -> str:
    if kind not in service.KINDS:
        abort(404)
    return kind


@bp.route("/")
@role_required(*IMPORTERS)
def index():
    return render_template("imports/index.html", kinds=TITLES)


@bp.route("/<kind>/template.xlsx")
@role_required(*IMPORTERS)
def template(kind: str):
    _kind_or_404(kind)
    return workbook_response(template_workbook(kind), f"{TITLES[kind]}模板.xlsx")


@bp.route("/<kind>", methods=["GET", "POST"])
@role_required(*IMPORTERS)
def upload(kind: str):
    _kind_or_404(kind)
    if request.method == "GET":
        return render_template("imports/upload.html", kind=kind, title=TITLES[kind])
    try:
        data, filename = service.read_upload(request.files.get("file"))
        preview = service.preview_upload(kind, data, current_user)
    except service.UploadError as exc:
        return render_template("imports/upload.html", kind=kind, title=TITLES[kind], error=str(exc)), exc.status
    except SheetError as exc:
        return render_template("imports/upload.html", kind=kind, title=TITLES[kind], error=str(exc)), 422
    batch = service.store(kind, data, filename, current_user, preview)
    db.session.commit()
    return render_template("imports/preview.html", kind=kind, title=TITLES[kind], preview=preview, batch=batch)


@bp.route("/batches/<int:batch_id>/commit", methods=["POST"])
@role_required(*IMPORTERS)
def commit(batch_id: int):
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or (batch.uploaded_by_id != current_user.id and current_user.role is not Role.ADMIN):
        abort(404)
    try:
        counts = service.commit_batch(batch, current_user)
    except (ImportRefusedError, SheetError) as exc:
        db.session.rollback()
        flash(_("未导入任何数据：%(msg)s", msg=str(exc)), "danger")
        return redirect(url_for("imports.upload", kind=batch.kind))
    db.session.commit()
    flash(_("导入完成：新增 %(c)d 条，更新 %(u)d 条。", c=counts["created"], u=counts["updated"]), "success")
    target = "projects.index" if batch.kind == "projects" else "leads.index"
    return redirect(url_for(target) if target in current_app.view_functions else url_for("imports.index"))
