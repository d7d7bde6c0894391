"""Agreements on a project: record (with an optional new signing event and
the scanned agreement), view, edit under optimistic locking, archive and
restore; attachments: upload, download, delete."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import attachments, clock
from app.agreements import bp, services
from app.agreements.forms import AgreementForm, ArchiveForm, ConfirmForm, UploadForm
from app.agreements.project_panel import project_panel
from app.agreements.view_helpers import (
    agreement_file_or_404,
    event_choices,
    event_id_from,
    render_agreement_form,
)
from app.errors import render_error
from app.models import Agreement, Project, Role
from app.permissions import (
    can_edit_agreement,
    can_edit_project,
    can_restore_records,
    get_editable_or_403,
    get_visible_or_404,
    require,
)
from app.views import attempt

# --- agreements on a project ---------------------------------------------------------


@bp.route("/project/<int:project_id>")
@login_required
def project(project_id: int):
    project = get_visible_or_404(Project, project_id)
    return render_template("agreements/project.html", project=project, panel=project_panel(project, current_user))


def _record(project: Project, form: AgreementForm) -> Agreement:
    """The agreement (and its new signing event and scan) in one unit of work."""
    agreement = services.record_agreement(project, form.agreement_data(event_id_from(form)), current_user)
    if form.file.data and form.file.data.filename:
        attachments.store("agreement", agreement.id, form.file.data, current_user)
    return agreement


@bp.route("/project/<int:project_id>/new", methods=["GET", "POST"])
@login_required
def agreement_new(project_id: int):
    project = get_editable_or_403(Project, project_id)
    form = AgreementForm()
    form.signing_event.choices = event_choices()
    if request.method == "GET":
        form.signed_on.data = clock.today()
        if project.agreements:
            form.kind.data = "investment"
    if form.validate_on_submit():
        outcome = attempt(lambda: _record(project, form), form)
        if outcome:
            agreement = outcome.value
            flash(_("已录入%(kind)s。", kind=agreement.kind.label), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return render_agreement_form(form, project, None)


@bp.route("/<int:agreement_id>")
@login_required
def detail(agreement_id: int):
    agreement = get_visible_or_404(Agreement, agreement_id)
    files = attachments.for_owners("agreement", [agreement.id])[agreement.id]
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        project=agreement.project,
        files=files,
        can_edit=can_edit_agreement(current_user, agreement),
        can_restore=can_restore_records(current_user),
        upload_form=UploadForm(),
        archive_form=ArchiveForm(),
        confirm_form=ConfirmForm(),
        accept=attachments.ACCEPT,
        max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"],
    )


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int):
    agreement = get_visible_or_404(Agreement, agreement_id)
    project = agreement.project
    require(can_edit_project(current_user, project) and agreement.archived_at is None)
    form = AgreementForm(obj=agreement)
    form.signing_event.choices = event_choices(agreement.signing_event_id)
    if request.method == "GET":
        form.kind.data = agreement.kind.value
        form.signing_event.data = str(agreement.signing_event_id or "")
        form.version.data = str(agreement.version)
    if form.validate_on_submit():
        outcome = attempt(
            lambda: services.update_agreement(
                agreement, form.agreement_data(event_id_from(form)), current_user, form.version.data
            ),
            form,
        )
        if outcome:
            flash(_("已保存协议。"), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
        if outcome.stale:
            form.version.data = str(agreement.version)
    return render_agreement_form(form, project, agreement)


@bp.route("/<int:agreement_id>/archive", methods=["POST"])
@login_required
def archive(agreement_id: int):
    agreement = get_visible_or_404(Agreement, agreement_id)
    require(can_edit_project(current_user, agreement.project))
    form = ArchiveForm()
    if not form.validate_on_submit():
        flash(_("归档须填写原因。"), "danger")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    if not attempt(lambda: services.archive_agreement(agreement, current_user, form.reason.data)):
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    flash(_("协议已归档，不再计入签约统计；项目阶段未作改变。管理员可恢复。"), "success")
    return redirect(url_for("projects.detail", project_id=agreement.project_id))


@bp.route("/<int:agreement_id>/restore", methods=["POST"])
@login_required
def restore(agreement_id: int):
    require(current_user.role is Role.ADMIN)
    agreement = get_visible_or_404(Agreement, agreement_id)
    if ConfirmForm().validate_on_submit():
        outcome = attempt(lambda: services.restore_agreement(agreement, current_user))
        if outcome:
            flash(_("协议已恢复。"), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


# --- attachments -----------------------------------------------------------------------


@bp.route("/<int:agreement_id>/attachments", methods=["POST"])
@login_required
def upload(agreement_id: int):
    agreement = get_visible_or_404(Agreement, agreement_id)
    require(can_edit_project(current_user, agreement.project) and agreement.archived_at is None)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请刷新后重新上传。"), "danger")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    outcome = attempt(lambda: attachments.store("agreement", agreement.id, form.file.data, current_user))
    if outcome:
        attachment = outcome.value
        flash(_("已上传 %(name)s。", name=attachment.filename), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


@bp.route("/files/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment, _agreement_row = agreement_file_or_404(attachment_id)
    response = attachments.download_response(attachment)
    if response is None:
        return render_error(404, _("附件文件已丢失，请联系管理员。"))
    return response


@bp.route("/files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_file(attachment_id: int):
    attachment, agreement = agreement_file_or_404(attachment_id)
    require(can_edit_project(current_user, agreement.project))
    if ConfirmForm().validate_on_submit() and attempt(lambda: attachments.soft_delete(attachment, current_user)):
        flash(_("已删除附件 %(name)s（保留操作记录）。", name=attachment.filename), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))
