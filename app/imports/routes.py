"""Import pages: template download, upload → preview, commit."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    get_template_attribute,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.db import db
from app.imports import bp, service
from app.imports.workbook_templates import template_workbook
from app.models import ImportBatch, Role, User
from app.permissions import role_required
from app.refusals import Refusal
from app.views import attempt
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
    except Refusal as exc:  # an unreadable upload (400) or sheet (422): nothing stored
        return render_template("imports/upload.html", kind=kind, title=TITLES[kind], error=exc.message), exc.status
    batch = attempt(lambda: service.store(kind, data, filename, current_user, preview)).value
    return render_template("imports/preview.html", kind=kind, title=TITLES[kind], preview=preview, batch=batch)


@bp.route("/batches/<int:batch_id>/commit", methods=["POST"])
@role_required(*IMPORTERS)
def commit(batch_id: int):
    """Write the batch while streaming a page that shows progress: a 10,000
    row ledger takes several seconds and the person sees it advance. The
    whole file is one transaction, committed only at the end."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or (batch.uploaded_by_id != current_user.id and current_user.role is not Role.ADMIN):
        abort(404)
    actor_id, kind, filename, rows = current_user.id, batch.kind, batch.filename, batch.rows
    target = "projects.index" if kind == "projects" else "leads.index"
    done_url = url_for(target) if target in current_app.view_functions else url_for("imports.index")
    again_url = url_for("imports.upload", kind=kind)
    page = get_template_attribute("imports/_progress.html", "page")
    step = get_template_attribute("imports/_progress.html", "step")
    finish = get_template_attribute("imports/_progress.html", "finish")

    def generate():
        # The streamed body runs under a fresh app context (and so a fresh
        # database session): load what it writes through that session.
        yield page(TITLES[kind], filename, rows)
        counts: dict[str, int] = {}
        stored, actor = db.session.get(ImportBatch, batch_id), db.session.get(User, actor_id)
        try:
            for done, total in service.iter_commit_batch(stored, actor, counts):
                yield step(done, total)
            db.session.commit()
        except Refusal as exc:  # a streamed body cannot use attempt(): same rule, by hand
            db.session.rollback()
            yield finish(False, _("未导入任何数据：%(msg)s", msg=str(exc)), again_url)
            return
        except Exception:
            db.session.rollback()
            current_app.logger.exception("import %s failed", batch_id)
            yield finish(False, _("导入失败，未导入任何数据（已全部撤销）。请稍后重试或联系管理员。"), again_url)
            return
        message = _("导入完成：新增 %(c)d 条，更新 %(u)d 条。", c=counts["created"], u=counts["updated"])
        yield finish(True, message, done_url)

    response = Response(stream_with_context(generate()), mimetype="text/html")
    response.headers["X-Accel-Buffering"] = "no"  # let a reverse proxy pass progress through
    return response
