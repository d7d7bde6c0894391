"""联审联批会: the list (everyone reads), recording a meeting and what it
decided for each item (admin, under optimistic locking), the meeting's page
and its printable (A4) record. A viewer sees only the decisions on items
they may see, and nothing about the others."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.approvals import bp, services
from app.approvals import queries_meetings as queries
from app.approvals.meeting_forms import MeetingForm, posted_decisions
from app.lookups import user_choices
from app.models import ApprovalMeeting, Role
from app.pagination import page_args, paginate
from app.permissions import can_manage_meetings, get_editable_or_403, get_visible_or_404, require
from app.views import attempt


@bp.route("/meetings")
@login_required
def meetings_index():
    page = paginate(queries.list_statement(), *page_args(default_per_page=20))
    return render_template(
        "approvals/meetings/index.html",
        page=page,
        counts=queries.decided_counts([m.id for m in page.items], current_user),
        may_manage=can_manage_meetings(current_user),
    )


def _page(meeting_id: int, template: str) -> str:
    meeting = get_visible_or_404(ApprovalMeeting, meeting_id)
    return render_template(
        template,
        meeting=meeting,
        decisions=queries.decisions(meeting, current_user),
        may_manage=can_manage_meetings(current_user),
        today=clock.today(),
    )


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    return _page(meeting_id, "approvals/meetings/detail.html")


@bp.route("/meetings/<int:meeting_id>/print")
@login_required
def meeting_print(meeting_id: int):
    return _page(meeting_id, "approvals/meetings/print.html")


def _form(record: ApprovalMeeting | None) -> MeetingForm:
    form = MeetingForm(obj=record)
    chairs = user_choices(Role.LEADER, Role.ADMIN)
    if record is not None and record.chair is not None and record.chair_id not in {c[0] for c in chairs}:
        chairs.append((record.chair_id, record.chair.name))
    form.chair_id.choices = chairs
    if request.method == "GET" and record is not None:
        form.version.data = str(record.version)
    return form


def _save(form: MeetingForm, record: ApprovalMeeting | None):
    """Validate the meeting and its decision boxes, then save; the outcome,
    or None when the form itself is refused."""
    valid = form.validate_on_submit()
    if request.method != "POST":
        return None
    decisions, errors = posted_decisions(request.form)
    unseen = set(decisions) - queries.visible_ids(decisions, current_user)
    if unseen:
        errors.append(_("所列审批事项不存在或已不可选，请刷新页面后重试。"))
    for message in errors:
        flash(message, "danger")
    if not valid or errors:
        return None
    version = form.version.data if record is not None else None
    return attempt(
        lambda: services.save_meeting(form.meeting_data(), decisions, current_user, record, version=version), form
    )


def _render_form(form: MeetingForm, record: ApprovalMeeting | None) -> str:
    posted = posted_decisions(request.form)[0] if request.method == "POST" else {}
    rows = queries.candidates(record, current_user)
    return render_template(
        "approvals/meetings/form.html",
        form=form,
        record=record,
        rows=rows,
        posted=posted,
        prefix="decision-",
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new():
    require(can_manage_meetings(current_user))
    form = _form(None)
    outcome = _save(form, None)
    if outcome:
        flash(_("已记录联审联批会「%(title)s」。", title=outcome.value.title), "success")
        return redirect(url_for("approvals.meeting", meeting_id=outcome.value.id))
    return _render_form(form, None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def meeting_edit(meeting_id: int):
    record = get_editable_or_403(ApprovalMeeting, meeting_id)
    form = _form(record)
    outcome = _save(form, record)
    if outcome:
        flash(_("已保存会议记录。"), "success")
        return redirect(url_for("approvals.meeting", meeting_id=record.id))
    if outcome is not None and outcome.stale:
        form.version.data = str(record.version)
    return _render_form(form, record)
