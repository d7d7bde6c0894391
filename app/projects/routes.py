"""项目库 views: the list with its 四库 tabs, the kanban board, the project
page, creating and editing a project and moving it between stages. Thin:
parse, load with the permission check, call one service, commit, redirect."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.activity_links import activity_choices
from app.db import db
from app.lookups import department_choices, ref_choices
from app.models import STAGE_ORDER, Library, Light, Project, ProjectLevel, RefKind, Role, Stage
from app.pagination import page_args
from app.permissions import (
    can_create_project,
    can_edit_project,
    department_ids_in_scope,
    get_editable_or_403,
    get_visible_or_404,
    project_edit_filter,
    role_required,
)
from app.projects import bp, exports, five_ones, services
from app.projects.detail import render_detail
from app.projects.forms import ProjectForm, StageMoveForm
from app.projects.queries import (
    SORTS,
    ProjectFilters,
    kanban_cards,
    leader_choices,
    project_page,
    stage_counts,
)
from app.security import safe_next_url
from app.views import attempt, form_error_message, wants_json

KANBAN_PER_COLUMN = 30


def _filter_choices() -> dict:
    return {
        "departments": department_choices(blank=None),
        "leaders": leader_choices(),
        "industries": ref_choices(RefKind.INDUSTRY, blank=None),
        "kinds": ref_choices(RefKind.PROJECT_KIND, blank=None),
        "levels": ProjectLevel.choices(),
    }


# --- list, kanban, export ------------------------------------------------------


@bp.route("/")
@login_required
def index():
    today = clock.today()
    filters = ProjectFilters.from_args(request.args)
    page_no, per_page = page_args()
    page, counts = project_page(filters, current_user, today, page_no, per_page)
    rate = five_ones.implementation_rate(today=today)
    return render_template(
        "projects/list.html",
        page=page,
        counts=counts,
        filters=filters,
        rate=rate,
        libraries=list(Library),
        stages=[*STAGE_ORDER, Stage.EXITED],
        lights=list(Light),
        sorts=SORTS,
        as_of=today,
        can_create=can_create_project(current_user),
        **_filter_choices(),
    )


@bp.route("/kanban")
@login_required
def kanban():
    today = clock.today()
    filters = ProjectFilters.from_args(request.args)
    conditions = filters.conditions(current_user, today)
    counts = stage_counts(conditions)
    columns = kanban_cards(conditions, today, KANBAN_PER_COLUMN)
    card_ids = [row.project.id for rows in columns.values() for row in rows]
    editable = (
        set(
            db.session.scalars(sa.select(Project.id).where(Project.id.in_(card_ids), project_edit_filter(current_user)))
        )
        if card_ids
        else set()
    )
    return render_template(
        "projects/kanban.html",
        counts=counts,
        columns=columns,
        filters=filters,
        stages=STAGE_ORDER,
        lights=list(Light),
        per_column=KANBAN_PER_COLUMN,
        editable=editable,
        stage_index={stage.value: i for i, stage in enumerate(STAGE_ORDER)},
        **_filter_choices(),
    )


@bp.route("/export.xlsx")
@login_required
def export():
    """The current filter as a ledger (台账), all pages."""
    return exports.project_export(current_user, ProjectFilters.from_args(request.args), clock.today())


# --- create and edit -------------------------------------------------------------


def _project_form_choices(form: ProjectForm, project: Project | None) -> None:
    form.industry_id.choices = ref_choices(
        RefKind.INDUSTRY, blank=_("— 请选择 —"), include_id=project.industry_id if project else None
    )
    form.kind_id.choices = ref_choices(
        RefKind.PROJECT_KIND, blank=_("— 请选择 —"), include_id=project.kind_id if project else None
    )
    departments = department_choices(blank=_("— 请选择 —"))
    if current_user.role is not Role.ADMIN:
        scope = department_ids_in_scope(current_user)
        allowed = scope if scope is not None else None
        if allowed is not None:
            allowed = set(allowed) | ({current_user.department_id} if current_user.department_id else set())
            departments = [c for c in departments if c[0] == "" or c[0] in allowed]
    form.lead_department_id.choices = departments
    if project is not None and project.lead_id is not None:
        del form.activity_id  # credited to its lead's activity: changed on the lead
    else:
        form.activity_id.choices = activity_choices(current_user, project.activity_id if project else None)
    if current_user.role is not Role.ADMIN:
        del form.is_key
        del form.level


def _project_data(form: ProjectForm, department_id: int | None) -> dict:
    data = {
        name: form[name].data
        for name in (
            "name",
            "industry_id",
            "kind_id",
            "planned_investment",
            "land_area",
            "expected_output",
            "expected_tax",
            "location",
            "description",
            "notes",
        )
    }
    if "activity_id" in form:
        data["activity_id"] = form.activity_id.data
    if "is_key" in form:
        data["is_key"] = bool(form.is_key.data)
    if "level" in form:
        level = (form.level.data or "").strip()
        data["level"] = ProjectLevel(level) if level else None
    company = services.resolve_company(form.company_name.data, current_user, department_id)
    data["company_id"] = company.id if company else None
    return data


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.STAFF)
def new():
    form = ProjectForm()
    _project_form_choices(form, None)
    del form.version
    if request.method == "GET" and current_user.department_id:
        form.lead_department_id.data = current_user.department_id
    if form.validate_on_submit():
        department_id = form.lead_department_id.data or (
            current_user.department_id if current_user.role is Role.STAFF else None
        )
        created: list[Project] = []

        def create() -> None:
            data = _project_data(form, department_id)
            data["lead_department_id"] = department_id
            created.append(
                services.create_project(
                    data, current_user, stage=Stage(form.stage.data), note=form.stage_note.data or None
                )
            )

        if attempt(create, form):
            flash(_("已建立项目「%(name)s」。", name=created[0].name), "success")
            return redirect(url_for("projects.detail", project_id=created[0].id))
    return render_template("projects/form.html", form=form, project=None)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = get_editable_or_403(Project, project_id)
    form = ProjectForm(obj=project)
    _project_form_choices(form, project)
    for name in ("stage", "stage_note", "lead_department_id"):
        del form[name]
    if request.method == "GET":
        form.company_name.data = project.company.name if project.company else ""
        form.version.data = project.version
        if "level" in form:
            form.level.data = project.level.value if project.level else ""
    if form.validate_on_submit():
        version = form.version.data

        def save() -> None:
            services.update_project(
                project, _project_data(form, project.lead_department_id), current_user, version=version
            )

        outcome = attempt(save, form)
        if outcome:
            flash(_("已保存。"), "success")
            return redirect(url_for("projects.detail", project_id=project.id))
        if outcome.stale:
            form.version.data = db.session.get(Project, project_id).version
    return render_template("projects/form.html", form=form, project=project)


# --- the project page --------------------------------------------------------------


@bp.route("/<int:project_id>")
@login_required
def detail(project_id: int):
    get_visible_or_404(Project, project_id)
    return render_detail(project_id)


# --- stage moves ---------------------------------------------------------------------


@bp.route("/<int:project_id>/stage", methods=["POST"])
@login_required
def move(project_id: int):
    """Move a project between stages: the project page's form and the
    kanban board's drag both post here; the rules are the service's."""
    project = get_visible_or_404(Project, project_id)
    if not can_edit_project(current_user, project):
        if wants_json():
            return jsonify(ok=False, message=_("您没有权限变更该项目的阶段。")), 403
        abort(403)
    form = StageMoveForm()
    form.reason_id.choices = ref_choices(RefKind.REASON)
    back = safe_next_url(form.next.data) or url_for("projects.detail", project_id=project.id)
    if not form.validate():
        message = form_error_message(form)
        if wants_json():
            return jsonify(ok=False, message=message), 400
        flash(message, "danger")
        return redirect(back)
    target = Stage(form.to.data)
    before = project.stage

    def change() -> None:
        services.move_stage(
            project, target, current_user, note=form.note.data, reason_id=form.reason_id.data, on=form.on.data
        )

    outcome = attempt(change)
    if wants_json():
        if outcome:
            return jsonify(ok=True, stage=target.value, message=_("已变更为「%(stage)s」。", stage=target.label))
        return jsonify(ok=False, message=outcome.message, field=outcome.field), 400
    if outcome:
        flash(_("阶段已由「%(a)s」变更为「%(b)s」。", a=before.label, b=target.label), "success")
    return redirect(back)
