"""招商活动 pages: the list (filters, outcomes per row), the month calendar,
the .xlsx ledger, recording and editing an activity (optimistic locking),
archiving it, its page, and its trip report (upload, download, delete). A
refused save shows the form again with the message next to its field and
what was typed kept."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import attachments, clock
from app.activities import bp, choices, exports, month_grid, services
from app.activities.detail import OWNER, detail_context
from app.activities.forms import ActivityForm, ArchiveForm, ConfirmForm, UploadForm
from app.activities.queries import ActivityFilters, activity_page, filter_choices, month_activities
from app.lookups import ref_id
from app.models import Activity, RefKind
from app.pagination import page_args
from app.params import Params
from app.permissions import (
    can_create_activity,
    can_edit_activity,
    get_editable_or_403,
    get_visible_or_404,
    require,
)
from app.views import attempt

# --- the list, the calendar, the ledger ---------------------------------------------------


@bp.route("/")
@login_required
def index():
    params = Params(request.args)
    filters = ActivityFilters.read(params, current_user)
    params.flash_errors()
    listing = activity_page(filters, current_user, *page_args())
    return render_template(
        "activities/list.html",
        listing=listing,
        filters=filters,
        choices=filter_choices(current_user),
        may_create=can_create_activity(current_user),
    )


@bp.route("/calendar")
@login_required
def calendar():
    params = Params(request.args)
    filters = ActivityFilters.read(params, current_user)
    params.flash_errors()
    month = filters.month or clock.today().replace(day=1)
    weeks = month_grid.grid_days(month)
    activities = month_activities(filters, current_user, weeks[0][0], weeks[-1][-1])
    return render_template(
        "activities/calendar.html",
        filters=filters,
        month=month,
        weeks=month_grid.month_weeks(month, activities),
        days=month_grid.day_list(month, activities),
        weekdays=month_grid.WEEKDAYS,
        prev_month=month_grid.shift_month(month, -1),
        next_month=month_grid.shift_month(month, 1),
        choices=filter_choices(current_user),
        may_create=can_create_activity(current_user),
    )


@bp.route("/export.xlsx")
@login_required
def export():
    """The list's filters → 招商活动台账-YYYY-MM-DD.xlsx; a filter that cannot
    be read → 400 naming it."""
    params = Params(request.args)
    filters = ActivityFilters.read(params, current_user)
    params.refuse_errors()
    return exports.ledger_export(filters, current_user)


# --- recording and editing ------------------------------------------------------------------


def _keepable(activity_id: int) -> Activity:
    """The activity, for a change: 404 / 403 as `get_editable_or_403`, and
    403 once archived (an admin restores it first)."""
    activity = get_editable_or_403(Activity, activity_id)
    require(activity.archived_at is None, _("该活动已归档，恢复后才能修改。"))
    return activity


def _form_page(form: ActivityForm, activity: Activity | None):
    status = 422 if request.method == "POST" else 200
    return render_template("activities/form.html", form=form, activity=activity), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(can_create_activity(current_user))
    if request.method == "GET":
        form = ActivityForm(
            formdata=None,
            kind_id=ref_id(RefKind.ACTIVITY_KIND, "外出招商"),
            away=True,
            start_on=clock.today(),
            department_id=current_user.department_id,
        )
    else:
        form = ActivityForm()
    choices.load(form, current_user, None, clock.today().year)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.create_activity(form.activity_data(), current_user), form)
        if outcome:
            flash(_("已登记招商活动「%(title)s」。", title=outcome.value.title), "success")
            return redirect(url_for("activities.detail", activity_id=outcome.value.id))
    return _form_page(form, None)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    activity = _keepable(activity_id)
    if request.method == "GET":
        data = services.edit_data(activity)
        form = ActivityForm(formdata=None, data={**data, "regions": "、".join(data["regions"])})
        form.version.data = str(activity.version)
    else:
        form = ActivityForm()
    choices.load(form, current_user, activity, clock.today().year)
    if form.validate_on_submit():
        version = form.version.data
        outcome = attempt(
            lambda: services.update_activity(activity, form.activity_data(), current_user, version=version), form
        )
        if outcome:
            flash(_("已保存。"), "success")
            return redirect(url_for("activities.detail", activity_id=activity.id))
        if outcome.stale:
            form.version.data = str(activity.version)
    return _form_page(form, activity)


@bp.route("/<int:activity_id>/archive", methods=["POST"])
@login_required
def archive(activity_id: int):
    activity = _keepable(activity_id)
    form = ArchiveForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请刷新后重试。"), "danger")
    elif attempt(lambda: services.archive_activity(activity, current_user, version=form.version.data)):
        flash(_("已归档招商活动「%(title)s」（管理员可恢复）。", title=activity.title), "success")
        return redirect(url_for("activities.index"))
    return redirect(url_for("activities.detail", activity_id=activity_id))


# --- the activity's page and its trip report ------------------------------------------------------


@bp.route("/<int:activity_id>")
@login_required
def detail(activity_id: int):
    activity = get_visible_or_404(Activity, activity_id)
    return render_template("activities/detail.html", **detail_context(activity, current_user))


@bp.route("/<int:activity_id>/files", methods=["POST"])
@login_required
def upload(activity_id: int):
    activity = _keepable(activity_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请刷新后重新上传。"), "danger")
        return redirect(url_for("activities.detail", activity_id=activity.id))
    outcome = attempt(lambda: attachments.store(OWNER, activity.id, form.file.data, current_user), form)
    if outcome:
        flash(_("已上传 %(name)s。", name=outcome.value.filename), "success")
        return redirect(url_for("activities.detail", activity_id=activity.id) + "#files")
    context = detail_context(activity, current_user, upload_form=form)
    return render_template("activities/detail.html", **context), 422


@bp.route("/files/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment, _activity = attachments.live_with_owner(attachment_id, OWNER, Activity)
    return attachments.serve(attachment)


@bp.route("/files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_file(attachment_id: int):
    attachment, activity = attachments.live_with_owner(attachment_id, OWNER, Activity)
    require(can_edit_activity(current_user, activity) and activity.archived_at is None)
    if ConfirmForm().validate_on_submit() and attempt(lambda: attachments.soft_delete(attachment, current_user)):
        flash(_("已删除附件 %(name)s（保留操作记录）。", name=attachment.filename), "success")
    return redirect(url_for("activities.detail", activity_id=activity.id) + "#files")
