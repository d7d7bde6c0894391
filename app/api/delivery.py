"""Project delivery over the API: a project's annual plans (年度计划, the
bureau's: admin only) and its monthly investment reports (投资月报: filed
once a month by the project's team or lead department, corrected with a
reason, reviewed and locked by a reviewer) — through `app.delivery.plans`
and `app.delivery.investments`, with the permission checks of
`app.permissions.delivery`. Seeing plans and reports follows the project."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy import orm

from app.api import bp
from app.api.common import forbid_unless, saving
from app.api.core import ApiError, operation
from app.api.delivery_schemas import (
    InvestmentIn,
    InvestmentOut,
    InvestmentQuery,
    PlanIn,
    PlanOut,
    ReviewIn,
    first_day,
    investment_out,
    plan_out,
)
from app.api.schemas import Page, PageQuery
from app.delivery import investments, plans
from app.models import AnnualPlan, InvestmentReport, Project, ReportStatus
from app.pagination import paginate
from app.permissions import (
    can_manage_plans,
    can_report_investment,
    can_review_investment,
    get_visible_or_404,
)

TAG = "年度计划与投资月报"


@operation(
    bp,
    "GET",
    "/projects/<int:project_id>/plans",
    summary="项目的年度计划（年度计划投资、累计完成、完成率），新年度在前",
    tag=TAG,
    query=PageQuery,
    response=Page[PlanOut],
    errors=(404,),
)
def list_plans(project_id: int, query: PageQuery):
    project = get_visible_or_404(Project, project_id)
    stmt = (
        sa.select(AnnualPlan)
        .where(AnnualPlan.project_id == project.id)
        .options(orm.selectinload(AnnualPlan.months))
        .order_by(AnnualPlan.year.desc())
    )
    page = paginate(stmt, query.page, query.per_page)
    return Page[PlanOut](
        items=[plan_out(p) for p in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp,
    "PUT",
    "/projects/<int:project_id>/plans/<int:year>",
    summary="列入年度重点项目计划或修改该年度计划（管理员；新建 201，修改 200 且须带 version）",
    tag=TAG,
    body=PlanIn,
    response=PlanOut,
    status=201,
    also=(200,),
    errors=(403, 404, 409, 422),
)
def put_plan(project_id: int, year: int, body: PlanIn):
    project = get_visible_or_404(Project, project_id)
    forbid_unless(can_manage_plans(current_user), "年度重点项目计划由管理员编制，您没有权限修改。")
    existing = plans.plan_of(project.id, year)
    if existing is not None and body.version is None:
        message = f"该项目已有 {year} 年度计划，修改须提交读取计划时的 version。"
        raise ApiError(422, message, {"version": message})
    data: dict[str, Any] = body.model_dump(
        include={"planned_investment", "planned_start_on", "planned_production_on", "content"}
    )
    data["phasing"] = body.phasing  # the whole plan: no phasing sent is none kept
    with saving():
        plan, created = plans.save_plan(
            project, year, data, current_user, version=body.version if existing is not None else None
        )
    return plan_out(plan), 201 if created else 200


@operation(
    bp,
    "GET",
    "/projects/<int:project_id>/investments",
    summary="项目的投资月报（按月份，含更正记录）",
    tag=TAG,
    query=InvestmentQuery,
    response=Page[InvestmentOut],
    errors=(404,),
)
def list_investments(project_id: int, query: InvestmentQuery):
    project = get_visible_or_404(Project, project_id)
    stmt = sa.select(InvestmentReport).where(InvestmentReport.project_id == project.id)
    if query.year is not None:
        stmt = stmt.where(InvestmentReport.month.between(first_day(f"{query.year}-01"), first_day(f"{query.year}-12")))
    stmt = stmt.options(orm.selectinload(InvestmentReport.revisions)).order_by(InvestmentReport.month)
    page = paginate(stmt, query.page, query.per_page)
    return Page[InvestmentOut](
        items=[investment_out(r) for r in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp,
    "POST",
    "/projects/<int:project_id>/investments",
    summary="填报投资月报（每个项目每月一份，新报 201；已报月份须写明 reason 更正，200）",
    tag=TAG,
    body=InvestmentIn,
    response=InvestmentOut,
    status=201,
    also=(200,),
    errors=(403, 404, 409, 422),
)
def post_investment(project_id: int, body: InvestmentIn):
    project = get_visible_or_404(Project, project_id)
    forbid_unless(
        can_report_investment(current_user, project),
        "您没有权限填报该项目的投资月报（限管理员、项目工作专班成员和牵头部门招商人员）。",
    )
    month = first_day(body.month)
    existing = investments.report_of(project.id, month)
    # A month already filed is corrected only with a reason; a reviewed one
    # without a reason is the correction's own refusal (422 on `reason`), an
    # unreviewed one the filing's (409: the month is reported).
    correcting = existing is not None and (bool(body.reason) or existing.status is ReportStatus.REVIEWED)
    with saving():
        if correcting:
            progress = body.progress if "progress" in body.model_fields_set else existing.progress
            report = investments.correct_report(
                existing, body.completed, progress, current_user, reason=body.reason, version=body.version
            )
        else:
            report = investments.file_report(project, month, body.completed, body.progress, current_user)
    return investment_out(report), 200 if correcting else 201


@operation(
    bp,
    "POST",
    "/investments/<int:report_id>/review",
    summary="审核投资月报（审核后该月锁定，更正须写明原因）",
    tag=TAG,
    body=ReviewIn,
    response=InvestmentOut,
    errors=(403, 404, 409, 422),
)
def review_investment(report_id: int, body: ReviewIn):
    report = get_visible_or_404(InvestmentReport, report_id)
    get_visible_or_404(Project, report.project_id)  # an archived project's reports are hidden with it
    forbid_unless(can_review_investment(current_user), "您没有审核投资月报的权限。")
    with saving():
        investments.review_report(report, current_user, version=body.version)
    return investment_out(report)
