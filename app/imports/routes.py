"""Import pages: template download, upload → preview (with the mapping step
for unknown 责任单位 names), commit."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.db import db
from app.imports import bp, service
from app.imports.streaming import commit_streaming
from app.imports.workbook_templates import template_workbook
from app.lookups import department_choices
from app.models import ImportBatch, User
from app.permissions import IMPORTER_ROLES, admin_required, can_administer_system, role_required
from app.views import Outcome, attempt
from app.xlsx import workbook_response

TITLES = {
    "projects": "项目台账导入",
    "leads": "线索台账导入",
    "investments": "投资月报导入",
    "approvals": "联审联批事项导入",
}


def _kind_or_404(kind: str) -> str:
    if kind not in service.KINDS:
        abort(404)
    return kind


@bp.route("/")
@role_required(*IMPORTER_ROLES)
def index():
    return render_template("imports/index.html", kinds=TITLES)


@bp.route("/<kind>/template.xlsx")
@role_required(*IMPORTER_ROLES)
def template(kind: str):
    _kind_or_404(kind)
    return workbook_response(template_workbook(kind), f"{TITLES[kind]}模板.xlsx")


@bp.route("/<kind>", methods=["GET", "POST"])
@role_required(*IMPORTER_ROLES)
def upload(kind: str):
    _kind_or_404(kind)
    if request.method == "GET":
        return render_template("imports/upload.html", kind=kind, title=TITLES[kind])
    options = service.upload_options(kind, request.form)
    outcome = attempt(
        lambda: service.upload(kind, request.files.get("file"), current_user, options), flash_refusal=False
    )
    if not outcome:
        page = render_template(
            "imports/upload.html", kind=kind, title=TITLES[kind], error=outcome.message, options=options
        )
        return page, outcome.refusal.status
    preview, batch = outcome.value
    return _preview_page(preview, batch)


def _preview_page(preview: service.Preview, batch: ImportBatch) -> str:
    return render_template(
        "imports/preview.html",
        kind=batch.kind,
        title=TITLES[batch.kind],
        preview=preview,
        batch=batch,
        departments=department_choices(blank=_("— 暂不对应 —")) if can_administer_system(current_user) else [],
    )


@bp.route("/batches/<int:batch_id>")
@role_required(*IMPORTER_ROLES)
def batch(batch_id: int):
    """What a committed import did: counts and the records, with links."""
    stored = service.own_batch_or_404(batch_id, current_user)
    return render_template("imports/result.html", batch=stored, title=TITLES[stored.kind])


@bp.route("/batches/<int:batch_id>/departments", methods=["POST"])
@admin_required
def map_departments(batch_id: int):
    """The preview's mapping step: remember what the ledger's unknown
    责任单位 names mean, then check the same file again."""
    batch = service.own_batch_or_404(batch_id, current_user)
    pairs = list(zip(request.form.getlist("name"), request.form.getlist("department_id"), strict=False))
    outcome = attempt(lambda: service.map_departments(batch, pairs, current_user))
    if outcome:
        flash(_("已记住 %(n)d 个部门名称的对应关系，并重新校验了文件。", n=outcome.value[1]), "success")
        return _preview_page(outcome.value[0], batch)
    return redirect(url_for("imports.upload", kind=batch.kind))


@bp.route("/batches/<int:batch_id>/commit", methods=["POST"])
@role_required(*IMPORTER_ROLES)
def commit(batch_id: int):
    """Write the batch while streaming a page that shows progress: a 10,000
    row ledger takes several seconds and the person sees it advance. The
    whole file is one transaction, committed only at the end."""
    batch = service.own_batch_or_404(batch_id, current_user)
    actor_id, kind, filename, rows = current_user.id, batch.kind, batch.filename, batch.rows
    confirmed = request.form.get("confirm_changes") == "1"
    reason = request.form.get("reason", "")
    done_url = url_for("imports.batch", batch_id=batch_id)
    again_url = url_for("imports.upload", kind=kind)
    page, step, finish = (get_template_attribute("imports/_progress.html", name) for name in ("page", "step", "finish"))

    def generate():
        # The streamed body runs under a fresh app context (and so a fresh
        # database session): load what it writes through that session.
        yield page(TITLES[kind], filename, rows)
        stored, actor = db.session.get(ImportBatch, batch_id), db.session.get(User, actor_id)
        for item in commit_streaming(stored, actor, confirmed=confirmed, reason=reason):
            if isinstance(item, Outcome):
                yield finish(item.ok, _finish_text(item), done_url if item else again_url)
            else:
                yield step(*item)

    response = Response(stream_with_context(generate()), mimetype="text/html")
    response.headers["X-Accel-Buffering"] = "no"  # let a reverse proxy pass progress through
    return response


def _finish_text(outcome: Outcome) -> str:
    if outcome:
        counts = outcome.value
        text = _("导入完成：新增 %(c)d 条，更新 %(u)d 条。", c=counts["created"], u=counts["updated"])
        if counts.get("unchanged"):
            text += _("另有 %(n)d 条与系统一致，未改动。", n=counts["unchanged"])
        return text
    if outcome.refusal is not None:
        return _("未导入任何数据：%(msg)s", msg=outcome.message)
    return _("导入失败，未导入任何数据（已全部撤销）。请稍后重试或联系管理员。")
