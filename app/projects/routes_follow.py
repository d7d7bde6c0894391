"""Views for the five ones and follow-through: assigning leader, team and
plan; milestones; progress updates (the instructions, 批示, are in
routes_instructions.py). Each posts from the project page; a refused post renders
the page again with the form's errors and the user's input."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.db import db
from app.lookups import department_choices, user_choices
from app.models import Department, Milestone, Project, Role, User
from app.permissions import (
    can_assign_five_ones,
    can_follow_project,
    can_manage_milestones,
    department_ids_in_scope,
    get_visible_or_404,
    require,
)
from app.projects import assignment, bp, follow_through
from app.projects.detail import render_detail
from app.projects.forms import FiveOnesForm, MilestoneForm, ProgressForm
from app.views import attempt


def _back(project: Project, anchor: str = ""):
    return redirect(url_for("projects.detail", project_id=project.id) + (f"#{anchor}" if anchor else ""))


# --- 五个一 --------------------------------------------------------------------------


def team_choices(project: Project) -> dict[str, list[tuple[int, str]]]:
    """Active staff grouped by department (the lead department first), plus
    current members who have since been deactivated, so they can be removed."""
    rows = db.session.execute(
        sa.select(User.id, User.name, User.title, User.department_id, Department.name.label("dept"))
        .outerjoin(Department, Department.id == User.department_id)
        .where(User.role == Role.STAFF, User.active.is_(True))
        .order_by(Department.id != project.lead_department_id, Department.sort_order, Department.id, User.name)
    ).all()
    groups: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        label = f"{row.name}（{row.title}）" if row.title else row.name
        groups.setdefault(row.dept or _("未分配部门"), []).append((row.id, label))
    known = {row.id for row in rows}
    gone = [(m.id, m.name) for m in project.team if m.id not in known]
    if gone:
        groups[_("已停用")] = gone
    return groups


def _five_ones_choices(form: FiveOnesForm, project: Project) -> None:
    form.responsible_leader_id.choices = user_choices(Role.LEADER, blank=_("— 暂不明确 —"))
    departments = department_choices(blank=_("— 暂不明确 —"))
    scope = department_ids_in_scope(current_user)
    if current_user.role is not Role.ADMIN and scope is not None:
        # Lead-department staff assign within their own scope.
        allowed = scope | {project.lead_department_id, current_user.department_id}
        departments = [c for c in departments if c[0] == "" or c[0] in allowed]
    form.lead_department_id.choices = departments
    form.team_ids.choices = team_choices(project)
    if request.method == "GET":
        form.team_ids.data = sorted(m.id for m in project.team)


@bp.route("/<int:project_id>/five-ones", methods=["GET", "POST"])
@login_required
def five_ones(project_id: int):
    project = get_visible_or_404(Project, project_id)
    require(can_assign_five_ones(current_user, project))
    form = FiveOnesForm(obj=project)
    _five_ones_choices(form, project)
    if request.method == "GET":
        form.version.data = project.version
        form.handover_reason.data = ""
    if form.validate_on_submit():
        data = {
            "responsible_leader_id": form.responsible_leader_id.data,
            "handover_reason": form.handover_reason.data,
            "lead_department_id": form.lead_department_id.data,
            "team_ids": form.team_ids.data or [],
            "plan_text": form.plan_text.data,
        }
        version = form.version.data
        outcome = attempt(lambda: assignment.assign_five_ones(project, data, current_user, version=version), form)
        if outcome:
            flash(_("五个一落实情况已保存。"), "success")
            return _back(project, "five-ones")
        if outcome.stale:
            form.version.data = db.session.get(Project, project_id).version
    return render_template("projects/five_ones.html", form=form, project=project)


# --- milestones ------------------------------------------------------------------------


def _milestone(project: Project, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        abort(404)
    return milestone


@bp.route("/<int:project_id>/milestones", methods=["POST"])
@login_required
def milestone_add(project_id: int):
    project = get_visible_or_404(Project, project_id)
    require(can_manage_milestones(current_user, project))
    form = MilestoneForm()
    if form.validate() and attempt(
        lambda: follow_through.add_milestone(
            project, form.name.data, form.due_on.data, current_user, done_on=form.done_on.data
        ),
        form,
    ):
        flash(_("已添加时间节点。"), "success")
        return _back(project, "plan")
    return render_detail(project_id, 400, milestone_form=form)


@bp.route("/<int:project_id>/milestones/<int:milestone_id>", methods=["GET", "POST"])
@login_required
def milestone_edit(project_id: int, milestone_id: int):
    project = get_visible_or_404(Project, project_id)
    require(can_manage_milestones(current_user, project))
    milestone = _milestone(project, milestone_id)
    form = MilestoneForm(obj=milestone)
    if form.validate_on_submit() and attempt(
        lambda: follow_through.update_milestone(
            milestone, form.name.data, form.due_on.data, form.done_on.data, current_user
        ),
        form,
    ):
        flash(_("已保存时间节点。"), "success")
        return _back(project, "plan")
    return render_template("projects/milestone_form.html", form=form, project=project, milestone=milestone)


@bp.route("/<int:project_id>/milestones/<int:milestone_id>/done", methods=["POST"])
@login_required
def milestone_done(project_id: int, milestone_id: int):
    project = get_visible_or_404(Project, project_id)
    require(can_manage_milestones(current_user, project))
    milestone = _milestone(project, milestone_id)
    if attempt(lambda: follow_through.complete_milestone(milestone, None, current_user)):
        flash(_("节点「%(name)s」已标记完成。", name=milestone.name), "success")
    return _back(project, "plan")


@bp.route("/<int:project_id>/milestones/<int:milestone_id>/delete", methods=["POST"])
@login_required
def milestone_delete(project_id: int, milestone_id: int):
    project = get_visible_or_404(Project, project_id)
    require(can_manage_milestones(current_user, project))
    milestone = _milestone(project, milestone_id)
    name = milestone.name
    if attempt(lambda: follow_through.delete_milestone(milestone, current_user)):
        flash(_("已删除节点「%(name)s」。", name=name), "success")
    return _back(project, "plan")


# --- progress updates ------------------------------------------------------------------


@bp.route("/<int:project_id>/progress", methods=["POST"])
@login_required
def progress_add(project_id: int):
    project = get_visible_or_404(Project, project_id)
    require(can_follow_project(current_user, project))
    form = ProgressForm()
    if form.validate() and attempt(
        lambda: follow_through.add_progress(project, form.text.data, current_user, form.happened_on.data), form
    ):
        flash(_("已记录推进情况。"), "success")
        return _back(project, "progress")
    return render_detail(project_id, 400, progress_form=form)
