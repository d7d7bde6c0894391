"""Visit pages: quick entry on a lead's page, the full form for a lead or a
project, edit / withdraw, marking a follow-up done, the visit list, and the
template globals the project page uses for its visit panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.activity_links import activity_links, offered_activity
from app.db import db
from app.leads import bp, choices, queries_visits, visits
from app.leads.detail import detail_context
from app.leads.forms import VisitForm
from app.models import Activity, Lead, Project, RefKind, Visit
from app.pagination import page_args, paginate
from app.params import Params
from app.permissions import (
    can_create_lead,
    can_edit_visit,
    can_log_on_lead,
    can_log_on_project,
    get_editable_or_403,
    get_visible_or_404,
    require,
)
from app.security import safe_next_url
from app.views import attempt


def _visit_data(form: VisitForm) -> dict[str, Any]:
    return {name: form[name].data for name in (*visits.VISIT_FIELDS, "participant_ids") if name in form}


def _day_within(activity: Activity, today: dt.date) -> dt.date:
    """The date a visit logged for `activity` starts with: today during the
    activity, its last day once it is over."""
    return min(today, activity.end_on) if today >= activity.start_on else today


def _subject_url(lead: Lead | None, project: Project | None) -> str:
    """Where to go after saving a visit: its lead's page, else its project's."""
    if lead is not None:
        return url_for("leads.detail", lead_id=lead.id)
    if project is not None:
        return url_for("projects.detail", project_id=project.id)
    return url_for("leads.visits_list")


@bp.route("/<int:lead_id>/visits", methods=["POST"])
@login_required
def quick_visit(lead_id: int):
    """The one-form quick entry on the lead's page."""
    lead = get_visible_or_404(Lead, lead_id)
    require(can_log_on_lead(current_user, lead))
    form = VisitForm()
    choices.setup_visit_form(form, None, current_user)
    if form.validate():
        outcome = attempt(lambda: visits.log_visit(_visit_data(form), current_user, lead=lead), form)
        if outcome:
            flash(_("拜访记录已保存。"), "success")
            return redirect(url_for("leads.detail", lead_id=lead.id) + "#visits")
    flash(_("拜访记录未保存，请根据提示修改。"), "danger")
    return render_template("leads/detail.html", **detail_context(lead, form), open_visit_form=True), 400


@bp.route("/visits/new", methods=["GET", "POST"])
@login_required
def visit_new():
    """The full visit form for a lead (?lead_id=) or a project (?project_id=);
    without either, staff pick the lead first (the phone home's 记录拜访)."""
    lead = project = None
    if request.args.get("lead_id"):
        lead = get_visible_or_404(Lead, request.args["lead_id"])
        require(can_log_on_lead(current_user, lead))
    elif request.args.get("project_id"):
        project = get_visible_or_404(Project, request.args["project_id"])
        require(can_log_on_project(current_user, project))
    elif can_create_lead(current_user):
        q = Params(request.args).text("q", 50)  # clean: no NUL or control characters
        return render_template("leads/visit_pick.html", leads=queries_visits.visit_subjects(current_user, q), q=q)
    else:
        abort(404)
    form = VisitForm()
    # Opened from an activity's page: its activity offered and chosen.
    offered = offered_activity(current_user, request.args.get("activity_id"))
    choices.setup_visit_form(form, None, current_user, offered)
    if request.method == "GET":
        form.participant_ids.data = [current_user.id]
        if offered is not None:
            form.activity_id.data = offered
            form.visited_on.data = _day_within(db.session.get(Activity, offered), clock.today())
    if form.validate_on_submit():
        outcome = attempt(lambda: visits.log_visit(_visit_data(form), current_user, lead=lead, project=project), form)
        if outcome:
            flash(_("拜访记录已保存。"), "success")
            return redirect(_subject_url(lead, project))
    return render_template("leads/visit_form.html", form=form, lead=lead, project=project, visit=None)


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def visit_edit(visit_id: int):
    visit = get_editable_or_403(Visit, visit_id)
    form = VisitForm(obj=visit if request.method == "GET" else None)
    choices.setup_visit_form(form, visit, current_user)
    if request.method == "GET":
        form.participant_ids.data = [u.id for u in visit.participants]
    if form.validate_on_submit():
        outcome = attempt(lambda: visits.update_visit(visit, _visit_data(form), current_user), form)
        if outcome:
            flash(_("拜访记录已保存。"), "success")
            return redirect(_subject_url(visit.lead, visit.project))
    return render_template("leads/visit_form.html", form=form, lead=visit.lead, project=visit.project, visit=visit)


@bp.route("/visits/<int:visit_id>/delete", methods=["POST"])
@login_required
def visit_delete(visit_id: int):
    visit = get_editable_or_403(Visit, visit_id)
    lead, project = visit.lead, visit.project
    if attempt(lambda: visits.withdraw_visit(visit, current_user)):
        flash(_("拜访记录已删除。"), "success")
    return redirect(_subject_url(lead, project))


@bp.route("/visits/<int:visit_id>/done", methods=["POST"])
@login_required
def visit_done(visit_id: int):
    visit = get_visible_or_404(Visit, visit_id)
    require(can_edit_visit(current_user, visit) or current_user in visit.participants)
    if attempt(lambda: visits.mark_follow_up_done(visit, current_user)):
        flash(_("已标记为已跟进。"), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))


@bp.route("/visits")
@login_required
def visits_list():
    """Visits within the viewer's scope (filters: see leads/queries_visits.py)."""
    params = Params(request.args)
    stmt = queries_visits.visit_list(current_user, queries_visits.parse_filters(params), clock.today())
    params.flash_errors()
    page = paginate(stmt, *page_args())
    return render_template(
        "leads/visits.html",
        page=page,
        activity_links=activity_links(current_user, [v.activity_id for v in page.items]),
        kinds=choices.ref_lists(RefKind.VISIT_KIND)[RefKind.VISIT_KIND],
        departments=choices.filter_department_choices(current_user),
    )
