"""The year's key-project list (年度重点项目计划): the list with each plan's
figures, a project's plan form (admin), removal, and copy-forward of last
year's list to a new year."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.delivery import bp, plans
from app.delivery.forms import ConfirmForm, CopyForwardForm, NewPlanForm, PlanForm
from app.delivery.queries_plans import PlanFilters, plan_page, year_totals
from app.lookups import department_choices, ref_choices
from app.models import AnnualPlan, Project, ProjectLevel, RefKind
from app.pagination import page_args
from app.params import Params
from app.permissions import can_manage_plans, get_editable_or_403, get_visible_or_404, require
from app.views import attempt


@bp.route("/plans")
@login_required
def plan_list():
    params = Params(request.args)
    filters = PlanFilters.read(params)
    params.flash_errors()
    totals = year_totals(filters, current_user)
    return render_template(
        "delivery/plans.html",
        listing=plan_page(filters, current_user, *page_args(), total=totals.projects),
        totals=totals,
        filters=filters,
        levels=ProjectLevel.choices(),
        kinds=ref_choices(RefKind.PROJECT_KIND, blank=None),
        departments=department_choices(blank=None),
        can_plan=can_manage_plans(current_user),
        copy_form=CopyForwardForm(year=filters.year + 1),
    )


@bp.route("/plans/copy-forward", methods=["POST"])
@login_required
def copy_forward():
    require(can_manage_plans(current_user))
    form = CopyForwardForm()
    if form.validate_on_submit():
        year = form.year.data
        outcome = attempt(lambda: plans.copy_forward(year - 1, year, current_user))
        if outcome:
            flash(
                _(
                    "已将 %(a)d 年计划结转至 %(b)d 年：新增 %(n)d 个项目，请逐一核定年度计划投资。",
                    a=year - 1,
                    b=year,
                    n=outcome.value,
                ),
                "success",
            )
            return redirect(url_for("delivery.plan_list", year=year))
    else:
        flash(_("请填写要结转到的年度。"), "warning")
    return redirect(url_for("delivery.plan_list"))


def _phasing(form: PlanForm) -> list[Decimal | None]:
    return [f.data for f in form.month_fields]


@bp.route("/projects/<int:project_id>/plans/new", methods=["GET", "POST"])
@bp.route("/projects/<int:project_id>/plans/<int:year>", methods=["GET", "POST"])
@login_required
def plan_edit(project_id: int, year: int | None = None):
    project = get_visible_or_404(Project, project_id)
    require(can_manage_plans(current_user))
    plan = plans.plan_of(project.id, year) if year is not None else None
    if year is not None and plan is None:
        return redirect(url_for("delivery.plan_edit", project_id=project.id))
    form = PlanForm() if plan is not None else NewPlanForm()
    if request.method == "GET":
        if plan is not None:
            form.process(obj=plan)
            for month in plan.months:
                form[f"m{month.month}"].data = month.planned
        else:
            form.year.data = clock.today().year
    elif form.validate_on_submit():
        target = plan.year if plan is not None else form.year.data
        data = {
            "planned_investment": form.planned_investment.data,
            "planned_start_on": form.planned_start_on.data,
            "planned_production_on": form.planned_production_on.data,
            "content": form.content.data,
            "phasing": _phasing(form),
        }
        version = form.version.data if plan is not None else None
        outcome = attempt(lambda: plans.save_plan(project, target, data, current_user, version=version or None), form)
        if outcome:
            flash(_("已保存 %(year)d 年度计划。", year=target), "success")
            return redirect(url_for("delivery.project_reports", project_id=project.id, year=target))
    return render_template(
        "delivery/plan_form.html", project=project, plan=plan, form=form, confirm_form=ConfirmForm()
    ), (422 if request.method == "POST" else 200)


@bp.route("/plans/<int:plan_id>/delete", methods=["POST"])
@login_required
def plan_delete(plan_id: int):
    plan = get_editable_or_403(AnnualPlan, plan_id)
    project_id, year = plan.project_id, plan.year
    if ConfirmForm().validate_on_submit() and attempt(lambda: plans.remove_plan(plan, current_user)):
        flash(_("已将项目移出 %(year)d 年重点项目计划（已报月报保留）。", year=year), "success")
    return redirect(url_for("delivery.project_reports", project_id=project_id))
