"""The monthly investment reports: the month's list of key projects
(reported, awaiting review, not reported) with the bureau's bulk review; a
project's 投资月报 page (file this month, the year's months, correct, review)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import attachments
from app.delivery import bp, investments
from app.delivery.forms import ConfirmForm, CorrectionForm, PhotoForm, ReportForm
from app.delivery.investments import month_label
from app.delivery.project_panel import delivery_panel
from app.delivery.queries import STATUSES, MonthFilters, month_page
from app.lookups import department_choices, ref_choices, user_choices
from app.models import InvestmentReport, Project, ProjectLevel, RefKind, ReportStatus, Role
from app.pagination import page_args
from app.params import Params
from app.permissions import (
    can_report_investment,
    can_review_investment,
    get_editable_or_403,
    get_visible_or_404,
    require,
)
from app.security import safe_next_url
from app.views import attempt


@bp.route("/")
@login_required
def index():
    params = Params(request.args)
    filters = MonthFilters.read(params)
    params.flash_errors()
    listing = month_page(filters, current_user, *page_args())
    return render_template(
        "delivery/index.html",
        listing=listing,
        filters=filters,
        statuses=STATUSES,
        levels=ProjectLevel.choices(),
        kinds=ref_choices(RefKind.PROJECT_KIND, blank=None),
        departments=department_choices(blank=None),
        leaders=user_choices(Role.LEADER, blank=None),
        can_review=can_review_investment(current_user),
        confirm_form=ConfirmForm(),
        month_text=month_label(filters.month),
    )


@bp.route("/review", methods=["POST"])
@login_required
def review_many():
    """The bureau reviews the ticked reports of the list (only those still awaiting review)."""
    require(can_review_investment(current_user))
    back = safe_next_url(request.form.get("next")) or url_for("delivery.index")
    if not ConfirmForm().validate_on_submit():
        flash(_("页面已过期，请刷新后重试。"), "warning")
        return redirect(back)
    ids = {int(raw) for raw in request.form.getlist("report_id") if raw.isdecimal() and len(raw) < 10}
    reports = [get_visible_or_404(InvestmentReport, rid) for rid in sorted(ids)]
    pending = [r for r in reports if r.status is ReportStatus.SUBMITTED]
    if not pending:
        flash(_("请勾选待审核的月报。"), "warning")
        return redirect(back)
    if attempt(lambda: [investments.review_report(r, current_user) for r in pending]):
        flash(_("已审核 %(n)d 份月报（已锁定）。", n=len(pending)), "success")
    return redirect(back)


@bp.route("/projects/<int:project_id>", methods=["GET", "POST"])
@login_required
def project_reports(project_id: int):
    """A project's 投资月报 page; POST files a month."""
    project = get_visible_or_404(Project, project_id)
    form = ReportForm()
    if request.method == "POST":
        require(can_report_investment(current_user, project))
        if form.validate_on_submit():
            data = form.data

            def file_it() -> None:
                report = investments.file_report(
                    project, data["month"], data["completed"], data["progress"], current_user
                )
                if form.photo.data and form.photo.data.filename:
                    investments.add_photo(report, form.photo.data, current_user)

            outcome = attempt(file_it, form)
            if outcome:
                flash(_("已填报 %(month)s 月报，待审核。", month=month_label(data["month"])), "success")
                return redirect(url_for("delivery.project_reports", project_id=project.id, year=data["month"].year))
    params = Params(request.args)
    year = params.year("year", _("年度"))
    panel = delivery_panel(project, current_user, year=year)
    if request.method == "GET" and panel.next_month is not None:
        form.month.data = panel.next_month
    status = 422 if request.method == "POST" else 200
    return render_template(
        "delivery/project.html",
        project=project,
        panel=panel,
        form=form,
        confirm_form=ConfirmForm(),
        photo_form=PhotoForm(),
        accept=".jpg,.jpeg,.png",
    ), status


@bp.route("/reports/<int:report_id>/correct", methods=["GET", "POST"])
@login_required
def correct(report_id: int):
    report = get_editable_or_403(InvestmentReport, report_id)
    form = CorrectionForm()
    if request.method == "GET":
        form.completed.data, form.progress.data, form.version.data = report.completed, report.progress, report.version
    elif form.validate_on_submit():
        data = form.data
        outcome = attempt(
            lambda: investments.correct_report(
                report,
                data["completed"],
                data["progress"],
                current_user,
                reason=data["reason"],
                version=data["version"],
            ),
            form,
        )
        if outcome:
            flash(_("已更正 %(month)s 月报，待重新审核。", month=month_label(report.month)), "success")
            return redirect(url_for("delivery.project_reports", project_id=report.project_id, year=report.month.year))
    return render_template("delivery/correct.html", report=report, project=report.project, form=form), (
        422 if request.method == "POST" else 200
    )


@bp.route("/reports/<int:report_id>/photos", methods=["POST"])
@login_required
def photo_add(report_id: int):
    report = get_editable_or_403(InvestmentReport, report_id)
    form = PhotoForm()
    back = url_for("delivery.project_reports", project_id=report.project_id, year=report.month.year)
    if not form.validate_on_submit():
        flash(_("页面已过期，请刷新后重新上传。"), "danger")
    elif attempt(lambda: investments.add_photo(report, form.photo.data, current_user)):
        flash(_("已上传 %(month)s 现场照片。", month=month_label(report.month)), "success")
    return redirect(back)


@bp.route("/files/<int:attachment_id>")
@login_required
def photo(attachment_id: int):
    photo, _report = attachments.live_with_owner(attachment_id, "investment_report", InvestmentReport)
    return attachments.serve(photo)


@bp.route("/files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def photo_delete(attachment_id: int):
    photo, report = attachments.live_with_owner(attachment_id, "investment_report", InvestmentReport)
    require(can_report_investment(current_user, report.project))
    if ConfirmForm().validate_on_submit() and attempt(lambda: investments.remove_photo(report, photo, current_user)):
        flash(_("已删除照片 %(name)s（保留操作记录）。", name=photo.filename), "success")
    return redirect(url_for("delivery.project_reports", project_id=report.project_id, year=report.month.year))


@bp.route("/reports/<int:report_id>/review", methods=["POST"])
@login_required
def review(report_id: int):
    report = get_visible_or_404(InvestmentReport, report_id)
    require(can_review_investment(current_user))
    form = ConfirmForm()
    if form.validate_on_submit() and attempt(
        lambda: investments.review_report(report, current_user, version=form.version.data or None)
    ):
        flash(_("%(month)s 月报已审核（已锁定）。", month=month_label(report.month)), "success")
    return redirect(
        request.form.get("next")
        or url_for("delivery.project_reports", project_id=report.project_id, year=report.month.year)
    )
