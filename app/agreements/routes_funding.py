"""Funds received (资金到位) per project and month: enter, correct, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.agreements import bp
from app.agreements.forms import ConfirmForm, FundingForm
from app.agreements.funding import delete_funding, fundings_of, record_funding
from app.agreements.project_panel import project_panel
from app.models import Funding, Project
from app.permissions import can_edit_project, get_editable_or_403, get_visible_or_404, require
from app.views import attempt

# --- funds received -----------------------------------------------------------------------


@bp.route("/project/<int:project_id>/funding", methods=["GET", "POST"])
@login_required
def funding(project_id: int):
    project = get_visible_or_404(Project, project_id)
    may_edit = can_edit_project(current_user, project)
    form = FundingForm()
    if request.method == "POST":
        require(may_edit)
        if form.validate_on_submit():
            outcome = attempt(
                lambda: record_funding(project, form.month.data, form.amount.data, current_user, form.note.data), form
            )
            if outcome:
                month, created = form.month.data.strftime("%Y-%m"), outcome.value[1]
                done = _("已录入 %(month)s 到位资金。") if created else _("已更新 %(month)s 到位资金。")
                flash(done % {"month": month}, "success")
                return redirect(url_for("agreements.funding", project_id=project.id))
    elif request.args.get("month"):
        wanted = next((r for r in fundings_of(project.id) if r.month.strftime("%Y-%m") == request.args["month"]), None)
        if wanted is not None:
            form.month.data, form.amount.data, form.note.data = wanted.month, wanted.amount, wanted.note
    return render_template(
        "agreements/funding.html",
        project=project,
        form=form,
        may_edit=may_edit,
        confirm_form=ConfirmForm(),
        this_month=clock.today().strftime("%Y-%m"),
        panel=project_panel(project, current_user),
    )


@bp.route("/funding/<int:funding_id>/delete", methods=["POST"])
@login_required
def funding_delete(funding_id: int):
    row = get_editable_or_403(Funding, funding_id)
    project = get_visible_or_404(Project, row.project_id)
    if ConfirmForm().validate_on_submit():
        month = row.month.strftime("%Y-%m")
        if attempt(lambda: delete_funding(row, current_user)):
            flash(_("已删除 %(month)s 的到位资金记录。", month=month), "success")
    return redirect(url_for("agreements.funding", project_id=project.id))
