"""Approval items (审批事项): add one to a project, the item page (facts,
the approval document, the meetings that discussed it, its history), edit
under optimistic locking, and one POST per status move — 申报, 办结 (the
approving department's), 无需办理; the approval document (批复文件): upload,
download, delete. A refused action shows the item page again with the
message next to its field and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import orm

from app import attachments, clock
from app.approvals import bp, services
from app.approvals.forms import (
    ApproveForm,
    ConfirmForm,
    ItemForm,
    NewItemForm,
    NotNeededForm,
    SubmitForm,
    UploadForm,
)
from app.approvals.rules import days_overdue, escalation_of
from app.db import db
from app.lookups import department_choices, ref_choices
from app.models import ApprovalDecision, ApprovalItem, ApprovalMeeting, ApprovalStatus, Project, RefKind
from app.permissions import (
    can_approve_item,
    can_keep_approvals,
    can_see_history,
    can_view_project,
    get_editable_or_403,
    get_visible_or_404,
    require,
)
from app.permissions.approvals import can_edit_approval
from app.views import attempt

OWNER = "approval_item"

# --- adding and editing ----------------------------------------------------------------


def _choices(form: ItemForm, item: ApprovalItem | None = None) -> None:
    form.type_id.choices = ref_choices(
        RefKind.APPROVAL_TYPE, blank=_("— 请选择 —"), include_id=item.type_id if item else None
    )
    form.department_id.choices = department_choices(blank=_("— 请选择 —"))


@bp.route("/projects/<int:project_id>/new", methods=["GET", "POST"])
@login_required
def item_new(project_id: int):
    project = get_visible_or_404(Project, project_id)
    require(can_keep_approvals(current_user, project))
    form = NewItemForm()
    _choices(form)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.add_item(project, form.item_data(), current_user), form)
        if outcome:
            flash(_("已添加审批事项『%(type)s』。", type=services.item_label(outcome.value)), "success")
            return redirect(url_for("approvals.item", item_id=outcome.value.id))
    status = 422 if request.method == "POST" else 200
    return render_template("approvals/form.html", form=form, project=project, item=None), status


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def item_edit(item_id: int):
    item = get_visible_or_404(ApprovalItem, item_id)
    require(can_keep_approvals(current_user, item.project))
    form = ItemForm(obj=item if request.method == "GET" else None)
    _choices(form, item)
    if request.method == "GET":
        form.version.data = str(item.version)
    elif form.validate_on_submit():
        outcome = attempt(
            lambda: services.update_item(item, form.item_data(), current_user, version=form.version.data), form
        )
        if outcome:
            flash(_("已保存审批事项。"), "success")
            return redirect(url_for("approvals.item", item_id=item.id))
        if outcome.stale:
            form.version.data = str(item.version)
    status = 422 if request.method == "POST" else 200
    return render_template("approvals/form.html", form=form, project=item.project, item=item), status


# --- the item page and its actions --------------------------------------------------------


def _page(item_id: int, status: int = 200, **forms: Any):
    today = clock.today()
    item = db.session.scalars(
        sa.select(ApprovalItem)
        .where(ApprovalItem.id == item_id)
        .options(
            orm.joinedload(ApprovalItem.project).joinedload(Project.lead_department),
            orm.joinedload(ApprovalItem.type),
            orm.joinedload(ApprovalItem.department),
        )
    ).one()
    decisions = db.session.execute(
        sa.select(ApprovalDecision, ApprovalMeeting)
        .join(ApprovalMeeting, ApprovalMeeting.id == ApprovalDecision.meeting_id)
        .where(ApprovalDecision.item_id == item.id)
        .order_by(ApprovalMeeting.held_on.desc(), ApprovalMeeting.id.desc())
    ).all()
    user = current_user
    can = {
        "keep": can_keep_approvals(user, item.project),
        "approve": can_approve_item(user, item),
        "files": can_edit_approval(user, item),
        "see_history": can_see_history(user),
        # The approving department may see the item without seeing its project.
        "see_project": can_view_project(user, item.project),
    }
    html = render_template(
        "approvals/detail.html",
        item=item,
        project=item.project,
        level=escalation_of(item, today),
        overdue_days=days_overdue(item, today),
        decisions=decisions,
        files=attachments.for_owners(OWNER, [item.id])[item.id],
        can=can,
        Status=ApprovalStatus,
        as_of=today,
        submit_form=forms.get("submit_form") or SubmitForm(formdata=None, submitted_on=today),
        approve_form=forms.get("approve_form") or ApproveForm(formdata=None, approved_on=today, version=item.version),
        not_needed_form=forms.get("not_needed_form") or NotNeededForm(formdata=None),
        upload_form=forms.get("upload_form") or UploadForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
        accept=attachments.ACCEPT,
        max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"],
    )
    return html, status


@bp.route("/items/<int:item_id>")
@login_required
def item(item_id: int):
    return _page(get_visible_or_404(ApprovalItem, item_id).id)


def _act(
    item_id: int,
    allowed: Callable[..., bool],
    form: Any,
    form_name: str,
    action: Callable[[ApprovalItem, Any], Any],
    success: str,
):
    """One status move: the gate (403), the form, the service through
    `attempt`; a refusal shows the page again with the message on its field."""
    item = get_visible_or_404(ApprovalItem, item_id)
    require(allowed(current_user, item))
    if form.validate_on_submit():
        outcome = attempt(lambda: action(item, form), form)
        if outcome:
            flash(success, "success")
            return redirect(url_for("approvals.item", item_id=item_id))
        if outcome.stale and "version" in form:
            form.version.data = str(item.version)
    return _page(item_id, 422, **{form_name: form})


def _keeps(user: Any, item: ApprovalItem) -> bool:
    return can_keep_approvals(user, item.project)


@bp.route("/items/<int:item_id>/submit", methods=["POST"])
@login_required
def submit(item_id: int):
    return _act(
        item_id,
        _keeps,
        SubmitForm(),
        "submit_form",
        lambda item, form: services.submit(item, form.submitted_on.data, current_user),
        _("已申报。"),
    )


@bp.route("/items/<int:item_id>/approve", methods=["POST"])
@login_required
def approve(item_id: int):
    return _act(
        item_id,
        can_approve_item,
        ApproveForm(),
        "approve_form",
        lambda item, form: services.approve(item, form.approved_on.data, current_user, version=form.version.data),
        _("已办结。"),
    )


@bp.route("/items/<int:item_id>/not-needed", methods=["POST"])
@login_required
def not_needed(item_id: int):
    return _act(
        item_id,
        _keeps,
        NotNeededForm(),
        "not_needed_form",
        lambda item, form: services.not_needed(item, form.not_needed_reason.data, current_user),
        _("已标记为无需办理。"),
    )


# --- the approval document (批复文件) ------------------------------------------------------


@bp.route("/items/<int:item_id>/files", methods=["POST"])
@login_required
def upload(item_id: int):
    item = get_editable_or_403(ApprovalItem, item_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请刷新后重新上传。"), "danger")
        return redirect(url_for("approvals.item", item_id=item.id))
    outcome = attempt(lambda: attachments.store(OWNER, item.id, form.file.data, current_user), form)
    if outcome:
        flash(_("已上传 %(name)s。", name=outcome.value.filename), "success")
        return redirect(url_for("approvals.item", item_id=item.id))
    return _page(item_id, 422, upload_form=form)


@bp.route("/files/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment, _item = attachments.live_with_owner(attachment_id, OWNER, ApprovalItem)
    return attachments.serve(attachment)


@bp.route("/files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_file(attachment_id: int):
    attachment, item = attachments.live_with_owner(attachment_id, OWNER, ApprovalItem)
    require(can_edit_approval(current_user, item))
    if ConfirmForm().validate_on_submit() and attempt(lambda: attachments.soft_delete(attachment, current_user)):
        flash(_("已删除附件 %(name)s（保留操作记录）。", name=attachment.filename), "success")
    return redirect(url_for("approvals.item", item_id=item.id))
