"""Projects over the API: the 四库 list (the page's filters, within the
caller's scope), one project, create, edit (facts; the 五个一 assignment
under its own rule), stage moves and progress updates — through the same
services and permission checks as the project pages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_login import current_user

from app import clock
from app.api import bp
from app.api.common import check_choice, check_choices, forbid_unless, saving
from app.api.core import operation
from app.api.project_schemas import (
    ProgressIn,
    ProgressOut,
    ProjectIn,
    ProjectOut,
    ProjectQuery,
    ProjectUpdate,
    StageIn,
    project_out,
    project_outs,
)
from app.api.schemas import Page, PageQuery
from app.concurrency import check_version
from app.lookups import department_choices, ref_choices, user_choices
from app.models import Library, Light, ProgressUpdate, Project, ProjectLevel, RefKind, Role, Stage
from app.pagination import paginate
from app.permissions import (
    can_assign_five_ones,
    can_edit_project,
    can_follow_project,
    department_ids_in_scope,
    get_visible_or_404,
)
from app.projects import assignment, follow_through, services
from app.projects.queries import ProjectFilters, project_page

EDITORS = (Role.ADMIN, Role.STAFF)
TAG = "项目"
NOT_ALLOWED = "所选项不存在或不可选，请重新选择。"
FIVE_ONES = ("responsible_leader_id", "handover_reason", "lead_department_id", "team_ids", "plan_text")


@operation(bp, "GET", "/projects", summary="项目列表（四库）", tag=TAG, query=ProjectQuery, response=Page[ProjectOut])
def list_projects(query: ProjectQuery):
    today = clock.today()
    filters = ProjectFilters(
        library=Library(query.library) if query.library else None,
        stage=Stage(query.stage) if query.stage else None,
        department_id=query.department_id,
        leader_id=query.leader_id,
        industry_id=query.industry_id,
        level=ProjectLevel(query.level) if query.level else None,
        kind_id=query.kind_id,
        chain_id=query.chain_id,
        key=query.key,
        light=Light(query.light) if query.light else None,
        five_ones=query.five_ones,
        q=(query.q or "").strip()[:50],
        sort=query.sort,
    )
    page, _counts = project_page(filters, current_user, today, query.page, query.per_page)
    lights = {row.project.id: row.light for row in page.items}
    return Page[ProjectOut](
        items=project_outs([row.project for row in page.items], today, lights),
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@operation(bp, "GET", "/projects/<int:project_id>", summary="项目详情", tag=TAG, response=ProjectOut, errors=(404,))
def get_project(project_id: int):
    return project_out(get_visible_or_404(Project, project_id))


def _form_departments() -> list[tuple[Any, str]]:
    """The project form's lead departments: the caller's scope (and own
    department) unless admin."""
    departments = department_choices(blank=None)
    if current_user.role is not Role.ADMIN:
        scope = department_ids_in_scope(current_user)
        if scope is not None:
            allowed = set(scope) | ({current_user.department_id} if current_user.department_id else set())
            departments = [c for c in departments if c[0] in allowed]
    return departments


def _facts(body: ProjectIn | ProjectUpdate) -> dict[str, Any]:
    """The facts sent; `is_key` and `level` only from an admin (the form has
    no such fields for anyone else, so their values are ignored, as there)."""
    facts = body.model_dump(
        exclude_unset=isinstance(body, ProjectUpdate),
        include={
            "name",
            "industry_id",
            "is_key",
            "level",
            "kind_id",
            "planned_investment",
            "land_area",
            "expected_output",
            "expected_tax",
            "location",
            "description",
            "notes",
            "activity_id",
        },
    )
    if current_user.role is not Role.ADMIN or facts.get("is_key") is None:
        facts.pop("is_key", None)
    if current_user.role is not Role.ADMIN:
        facts.pop("level", None)
    elif "level" in facts:
        facts["level"] = ProjectLevel(facts["level"]) if facts["level"] else None
    return facts


@operation(
    bp,
    "POST",
    "/projects",
    summary="新建项目",
    tag=TAG,
    body=ProjectIn,
    response=ProjectOut,
    status=201,
    roles=EDITORS,
    errors=(403, 422),
)
def create_project(body: ProjectIn):
    check_choice(body.industry_id, ref_choices(RefKind.INDUSTRY, blank=None), "industry_id", NOT_ALLOWED)
    check_choice(body.kind_id, ref_choices(RefKind.PROJECT_KIND, blank=None), "kind_id", NOT_ALLOWED)
    check_choice(body.lead_department_id, _form_departments(), "lead_department_id", "只能选择您数据范围内的部门。")
    department_id = body.lead_department_id or (current_user.department_id if current_user.role is Role.STAFF else None)
    data = _facts(body)
    with saving():
        company = services.resolve_company(body.company_name, current_user, department_id)
        data["company_id"] = company.id if company else None
        data["lead_department_id"] = department_id
        project = services.create_project(
            data, current_user, stage=Stage(body.stage), note=(body.stage_note or "").strip() or None
        )
    return project_out(project), 201


def _check_five_ones(project: Project, five: dict[str, Any]) -> None:
    """The ids the 五个一 page would offer this user."""
    leader = five.get("responsible_leader_id")
    if leader is not None and leader != project.responsible_leader_id:
        check_choice(
            leader, user_choices(Role.LEADER, blank=None), "responsible_leader_id", "责任领导须为在职的领导账号。"
        )
    departments = department_choices(blank=None)
    scope = department_ids_in_scope(current_user)
    if current_user.role is not Role.ADMIN and scope is not None:
        allowed = scope | {project.lead_department_id, current_user.department_id}
        departments = [c for c in departments if c[0] in allowed]
    department = five.get("lead_department_id")
    if department is not None and department != project.lead_department_id:
        check_choice(department, departments, "lead_department_id", "只能选择您数据范围内的部门作为牵头部门。")
    team = user_choices(Role.STAFF, blank=None) + [(m.id, m.name) for m in project.team]
    check_choices(five.get("team_ids") or [], team, "team_ids", "专班成员须为在职的招商人员账号。")


@operation(
    bp,
    "PATCH",
    "/projects/<int:project_id>",
    summary="修改项目（带 version；五个一字段按五个一的权限）",
    tag=TAG,
    body=ProjectUpdate,
    response=ProjectOut,
    errors=(403, 404, 409, 422),
)
def update_project(project_id: int, body: ProjectUpdate):
    project = get_visible_or_404(Project, project_id)
    forbid_unless(can_edit_project(current_user, project), "您没有权限修改该项目。")
    facts = _facts(body)
    five = body.model_dump(exclude_unset=True, include=set(FIVE_ONES))
    if five:
        forbid_unless(
            can_assign_five_ones(current_user, project),
            "您没有权限指定该项目的责任领导、牵头部门、工作专班或推进方案（重点项目由管理员指定）。",
        )
        _check_five_ones(project, five)
    if "industry_id" in facts:
        choices = ref_choices(RefKind.INDUSTRY, blank=None, include_id=project.industry_id)
        check_choice(facts["industry_id"], choices, "industry_id", NOT_ALLOWED)
    if "kind_id" in facts:
        choices = ref_choices(RefKind.PROJECT_KIND, blank=None, include_id=project.kind_id)
        check_choice(facts["kind_id"], choices, "kind_id", NOT_ALLOWED)
    with saving():
        check_version(project, "project", body.version)
        if "company_name" in body.model_fields_set:
            company = services.resolve_company(body.company_name, current_user, project.lead_department_id)
            facts["company_id"] = company.id if company else None
        if facts:
            services.update_project(project, facts, current_user, version=project.version)
        if five:
            data = {
                "responsible_leader_id": five.get("responsible_leader_id", project.responsible_leader_id),
                "handover_reason": five.get("handover_reason"),
                "lead_department_id": five.get("lead_department_id", project.lead_department_id),
                "team_ids": (five["team_ids"] or []) if "team_ids" in five else [m.id for m in project.team],
                "plan_text": five.get("plan_text", project.plan_text),
            }
            assignment.assign_five_ones(project, data, current_user, version=project.version)
    return project_out(project)


@operation(
    bp,
    "POST",
    "/projects/<int:project_id>/stage",
    summary="变更项目阶段",
    tag=TAG,
    body=StageIn,
    response=ProjectOut,
    errors=(403, 404, 409, 422),
)
def move_project(project_id: int, body: StageIn):
    project = get_visible_or_404(Project, project_id)
    forbid_unless(can_edit_project(current_user, project), "您没有权限变更该项目的阶段。")
    check_choice(body.reason_id, ref_choices(RefKind.REASON, blank=None), "reason_id", "退出项目须选择退出原因。")
    with saving():
        if body.version is not None:
            check_version(project, "project", body.version)
        services.move_stage(project, Stage(body.to), current_user, note=body.note, reason_id=body.reason_id, on=body.on)
    return project_out(project)


def _progress_out(update: ProgressUpdate) -> ProgressOut:
    return ProgressOut(
        id=update.id,
        project_id=update.project_id,
        happened_on=update.happened_on,
        author_id=update.author_id,
        text=update.text,
        created_at=update.created_at,
    )


@operation(
    bp,
    "GET",
    "/projects/<int:project_id>/progress",
    summary="项目推进记录",
    tag=TAG,
    query=PageQuery,
    response=Page[ProgressOut],
    errors=(404,),
)
def list_progress(project_id: int, query: PageQuery):
    project = get_visible_or_404(Project, project_id)
    stmt = (
        sa.select(ProgressUpdate)
        .where(ProgressUpdate.project_id == project.id)
        .order_by(ProgressUpdate.happened_on.desc(), ProgressUpdate.id.desc())
    )
    page = paginate(stmt, query.page, query.per_page)
    return Page[ProgressOut](
        items=[_progress_out(u) for u in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp,
    "POST",
    "/projects/<int:project_id>/progress",
    summary="记录推进情况",
    tag=TAG,
    body=ProgressIn,
    response=ProgressOut,
    status=201,
    errors=(403, 404, 422),
)
def add_progress(project_id: int, body: ProgressIn):
    project = get_visible_or_404(Project, project_id)
    forbid_unless(can_follow_project(current_user, project), "您没有权限记录该项目的推进情况。")
    with saving():
        update = follow_through.add_progress(project, body.text, current_user, body.happened_on)
    return _progress_out(update), 201
