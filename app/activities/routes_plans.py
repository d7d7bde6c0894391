"""招商计划 pages: the year's plans (filters: see queries_plans.py) with the
activities that realised them, a plan's page, adding and editing a plan
(under optimistic locking) and archiving one entered by mistake."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.activities import bp, services
from app.activities.forms_plans import ArchivePlanForm, PlanForm
from app.activities.queries_plans import PlanFilters, plan_page, plan_view, realised_by
from app.db import db
from app.lookups import department_choices, ref_choices, user_choices
from app.models import ActivityPlan, RefKind
from app.pagination import page_args
from app.params import Params
from app.permissions import (
    activity_departments,
    can_edit_activity_plan,
    can_manage_activity_plans,
    get_editable_or_403,
    get_visible_or_404,
    require,
)
from app.views import attempt


@bp.route("/plans")
@login_required
def plans():
    params = Params(request.args)
    filters = PlanFilters.read(params, clock.today().year)
    params.flash_errors()
    page = plan_page(current_user, filters, *page_args())
    return render_template(
        "activities/plans.html",
        page=page,
        realised=realised_by([p.id for p in page.items], current_user),
        filters=filters,
        departments=department_choices(blank=None),
        may_create=can_manage_activity_plans(current_user),
    )


@bp.route("/plans/<int:plan_id>")
@login_required
def plan_detail(plan_id: int):
    plan = get_visible_or_404(ActivityPlan, plan_id)
    may_edit = can_edit_activity_plan(current_user, plan) and plan.archived_at is None
    return render_template(
        "activities/plan_detail.html",
        view=plan_view(plan, current_user),
        can={"edit": may_edit, "archive": may_edit},
        archive_form=ArchivePlanForm(version=plan.version),
    )


def _setup(form: PlanForm, plan: ActivityPlan | None) -> None:
    allowed = activity_departments(current_user)
    current = plan.department_id if plan else None
    form.department_id.choices = [("", _("请选择"))] + [
        (value, name)
        for value, name in department_choices(blank=None)
        if allowed is None or value in allowed or value == current
    ]
    form.kind_id.choices = ref_choices(RefKind.ACTIVITY_KIND, include_id=plan.kind_id if plan else None)
    industries = ref_choices(RefKind.INDUSTRY, blank=None)
    shown = {value for value, _name in industries}
    kept = [(i.id, i.name) for i in (plan.industries if plan else []) if i.id not in shown]
    form.industry_ids.choices = industries + kept
    leaders = user_choices()
    if plan and plan.leader and plan.leader_id not in {value for value, _name in leaders}:
        leaders.append((plan.leader_id, plan.leader.name))
    form.leader_id.choices = leaders


@bp.route("/plans/new", methods=["GET", "POST"])
@login_required
def plan_new():
    require(can_manage_activity_plans(current_user))
    form = PlanForm()
    _setup(form, None)
    if request.method == "GET":
        form.year.data = clock.today().year
        if current_user.department_id in {value for value, _name in form.department_id.choices}:
            form.department_id.data = current_user.department_id
    if form.validate_on_submit():
        outcome = attempt(lambda: services.create_plan(form.plan_data(), current_user), form)
        if outcome:
            flash(_("已添加招商计划「%(title)s」。", title=outcome.value.title), "success")
            return redirect(url_for("activities.plan_detail", plan_id=outcome.value.id))
    return render_template("activities/plan_form.html", form=form, plan=None), (422 if form.errors else 200)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def plan_edit(plan_id: int):
    plan = get_editable_or_403(ActivityPlan, plan_id)
    form = PlanForm(obj=plan if request.method == "GET" else None)
    _setup(form, plan)
    if request.method == "GET":
        form.quarter.data = str(plan.quarter or "")
        form.industry_ids.data = [i.id for i in plan.industries]
        form.version.data = str(plan.version)
    if form.validate_on_submit():
        data, version = form.plan_data(), form.version.data
        outcome = attempt(lambda: services.update_plan(plan, data, current_user, version=version), form)
        if outcome:
            flash(_("招商计划已保存。"), "success")
            return redirect(url_for("activities.plan_detail", plan_id=plan.id))
        if outcome.stale:  # the input is kept; saving it again is a deliberate choice
            form.version.data = str(db.session.get(ActivityPlan, plan_id).version)
            return render_template("activities/plan_form.html", form=form, plan=plan), 409
    return render_template("activities/plan_form.html", form=form, plan=plan), (422 if form.errors else 200)


@bp.route("/plans/<int:plan_id>/archive", methods=["POST"])
@login_required
def plan_archive(plan_id: int):
    plan = get_editable_or_403(ActivityPlan, plan_id)
    form = ArchivePlanForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请刷新后重试。"), "danger")
    elif attempt(lambda: services.archive_plan(plan, current_user, version=form.version.data)):
        flash(_("招商计划已归档（已实施的活动保留，不再关联显示）。"), "success")
        return redirect(url_for("activities.plans", year=plan.year))
    return redirect(url_for("activities.plan_detail", plan_id=plan_id))
