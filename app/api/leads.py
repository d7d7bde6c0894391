"""Leads over the API: the list (the page's filters, always within the
caller's data scope), one lead, create and edit (撞单 warning as a 409 to
confirm), status moves and conversion to a project — through the same
services and permission checks as the lead pages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_login import current_user

from app import clock
from app.api import bp
from app.api.common import check_choice, check_choices, saving
from app.api.core import ApiError, operation
from app.api.lead_schemas import ConvertIn, LeadIn, LeadOut, LeadQuery, LeadStatusIn, LeadUpdate, UnshelveIn
from app.api.project_schemas import ProjectOut, project_out
from app.api.schemas import Page
from app.companies.services import Follower, Match
from app.concurrency import check_version
from app.db import db
from app.leads import choices, pipeline, services
from app.leads.clocks import overdue_expr, stale_expr
from app.leads.queries import OPEN, LeadFilters, lead_query
from app.leads.refusals import DuplicateWarning
from app.models import Lead, LeadStatus, RefKind, Role
from app.pagination import paginate
from app.permissions import get_editable_or_403, get_visible_or_404

EDITORS = (Role.ADMIN, Role.STAFF)
TAG = "线索"
NOT_ALLOWED = "所选项不存在或不可选，请重新选择。"


def lead_out(lead: Lead, overdue: str | None = None, stale: bool | None = None) -> LeadOut:
    if stale is None:  # one lead: its clocks in one query
        today = clock.today()
        overdue, stale = db.session.execute(
            sa.select(overdue_expr(today), stale_expr(today)).where(Lead.id == lead.id)
        ).one()
    company = lead.company
    return LeadOut(
        id=lead.id,
        title=lead.title,
        status=lead.status.value,
        company_id=lead.company_id,
        company_name=company.name,
        credit_code=company.credit_code,
        source_id=lead.source_id,
        industry_id=lead.industry_id,
        intended_investment=lead.intended_investment,
        contact_name=lead.contact_name,
        contact_phone=lead.contact_phone,
        intended_location=lead.intended_location,
        description=lead.description,
        owner_department_id=lead.owner_department_id,
        owner_user_id=lead.owner_user_id,
        received_on=lead.received_on,
        status_changed_at=lead.status_changed_at,
        contacted_on=lead.contacted_on,
        negotiating_on=lead.negotiating_on,
        converted_on=lead.converted_on,
        last_visit_on=lead.last_visit_on,
        shelve_reason_id=lead.shelve_reason_id,
        activity_id=lead.activity_id,
        chain_id=lead.chain_id,
        target_id=lead.target_id,
        has_conflict=lead.has_conflict,
        overdue=overdue,
        stale=bool(stale),
        version=lead.version,
    )


def _statuses(raw: str | None) -> list[LeadStatus]:
    statuses: list[LeadStatus] = []
    for part in (raw or "").split(","):
        wanted = OPEN if part == "open" else (LeadStatus(part),) if part else ()
        statuses.extend(s for s in wanted if s not in statuses)
    return statuses


@operation(bp, "GET", "/leads", summary="线索列表", tag=TAG, query=LeadQuery, response=Page[LeadOut])
def list_leads(query: LeadQuery):
    for start, end, name in (
        (query.received_from, query.received_to, "received_to"),
        (query.reached_from, query.reached_to, "reached_to"),
    ):
        if start and end and start > end:
            raise ApiError(422, "结束日期不能早于开始日期。", {name: "结束日期不能早于开始日期。"})
    filters = LeadFilters(
        statuses=_statuses(query.status),
        department_id=query.department_id,
        owner_id=query.owner_id,
        industry_id=query.industry_id,
        source_id=query.source_id,
        tier_id=query.tier_id,
        chain_id=query.chain_id,
        received_from=query.received_from,
        received_to=query.received_to,
        reached=query.reached,
        reached_from=query.reached_from,
        reached_to=query.reached_to,
        no_visit_days=query.no_visit_days,
        overdue=query.overdue,
        stale=query.stale,
        conflict=query.conflict,
        q=" ".join((query.q or "").split())[:100],
        sort=query.sort,
    )
    stmt = lead_query(current_user, filters, clock.today())
    page = paginate(stmt, query.page, query.per_page, scalars=False)
    return Page[LeadOut](
        items=[lead_out(lead, overdue, stale) for lead, overdue, stale in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@operation(bp, "GET", "/leads/<int:lead_id>", summary="线索详情", tag=TAG, response=LeadOut, errors=(404,))
def get_lead(lead_id: int):
    return lead_out(get_visible_or_404(Lead, lead_id))


def _check_lead_choices(data: dict[str, Any], lead: Lead | None) -> None:
    """The ids the lead form would offer this user (its select lists)."""
    current = {i for i in (lead.source_id, lead.industry_id) if i is not None} if lead else set()
    refs = choices.ref_lists(RefKind.SOURCE, RefKind.INDUSTRY, RefKind.TIER, include=current)
    check_choice(data.get("source_id"), refs[RefKind.SOURCE], "source_id", NOT_ALLOWED)
    check_choice(data.get("industry_id"), refs[RefKind.INDUSTRY], "industry_id", NOT_ALLOWED)
    check_choices(data.get("tier_ids") or [], refs[RefKind.TIER], "tier_ids", NOT_ALLOWED)
    departments = choices.owner_department_choices(current_user, lead.owner_department_id if lead else None)
    check_choice(
        data.get("owner_department_id"),
        departments,
        "owner_department_id",
        "只能将线索登记在您的数据范围内的部门。",
    )
    owners = choices.owner_user_choices(current_user, lead.owner_user_id if lead else None)
    check_choice(data.get("owner_user_id"), owners, "owner_user_id", "责任人须为责任单位的在岗人员。")


def _followed_by(followers: list[Follower]) -> str:
    return "、".join(f"{f.department_name}（{f.since.isoformat() if f.since else '日期不详'} 起）" for f in followers)


def _match_text(match: Match, followers: list[Follower]) -> str:
    who = f"，跟进部门：{_followed_by(followers)}" if followers else ""
    return f"#{match.company.id} {match.company.name}（{match.reason_label}{who}）"


def _duplicate(warning: DuplicateWarning) -> ApiError:
    """The 撞单 warning as a 409: what the person must choose or confirm
    (other departments by name and date only, never their records)."""
    if warning.kind == "choose":
        found = "；".join(_match_text(m, warning.followers.get(m.company.id, [])) for m in warning.matches)
        confirm = "（同名企业还须 confirm_new_company=true）" if any(m.identical for m in warning.matches) else ""
        message = f"{warning}{found}。请以 company_choice 指定企业 id，或 company_choice=new 确认新建{confirm}。"
    else:
        followers = warning.followers.get(warning.company.id, []) if warning.company else []
        message = f"{warning}跟进部门：{_followed_by(followers)}。确认后请以 confirm_duplicate=true 重新提交。"
    return ApiError(409, message, {"company_name": message})


@operation(
    bp,
    "POST",
    "/leads",
    summary="新建线索",
    tag=TAG,
    body=LeadIn,
    response=LeadOut,
    status=201,
    roles=EDITORS,
    errors=(403, 409, 422),
)
def create_lead(body: LeadIn):
    data = body.model_dump(exclude={"confirm_duplicate"})
    if data["owner_department_id"] is None:
        data["owner_department_id"] = current_user.department_id
    if (
        "owner_user_id" not in body.model_fields_set
        and current_user.role is Role.STAFF
        and data["owner_department_id"] == current_user.department_id
    ):
        data["owner_user_id"] = current_user.id  # as the form pre-fills it
    _check_lead_choices(data, None)
    with saving():
        try:
            lead = services.create_lead(data, current_user, confirm_duplicate=body.confirm_duplicate)
        except DuplicateWarning as warning:
            raise _duplicate(warning) from None
    return lead_out(lead), 201


@operation(
    bp,
    "PATCH",
    "/leads/<int:lead_id>",
    summary="修改线索（带 version）",
    tag=TAG,
    body=LeadUpdate,
    response=LeadOut,
    errors=(403, 404, 409, 422),
)
def update_lead(lead_id: int, body: LeadUpdate):
    lead = get_editable_or_403(Lead, lead_id, message="您没有权限修改该线索。")
    changes = body.model_dump(exclude_unset=True, exclude={"version", "confirm_duplicate"})
    data = {**services.edit_data(lead), **changes}
    if {"company_id", "company_name", "company_choice"} & set(changes):
        # Another company: its own credit code, and the pick wins over the
        # old name.
        if "credit_code" not in changes:
            data["credit_code"] = None
        if "company_id" in changes and "company_name" not in changes:
            data["company_name"] = None
    _check_lead_choices(data, lead)
    with saving():
        try:
            services.update_lead(
                lead, data, current_user, version=body.version, confirm_duplicate=body.confirm_duplicate
            )
        except DuplicateWarning as warning:
            raise _duplicate(warning) from None
    return lead_out(lead)


@operation(
    bp,
    "POST",
    "/leads/<int:lead_id>/status",
    summary="线索状态：已对接、洽谈中或搁置（带 version）",
    tag=TAG,
    body=LeadStatusIn,
    response=LeadOut,
    errors=(403, 404, 409, 422),
)
def move_lead(lead_id: int, body: LeadStatusIn):
    lead = get_editable_or_403(Lead, lead_id, message="您没有权限修改该线索。")
    with saving():
        check_version(lead, "lead", body.version)
        if body.to == "shelved":
            check_choice(
                body.reason_id,
                choices.ref_lists(RefKind.REASON)[RefKind.REASON],
                "reason_id",
                "搁置线索须选择搁置原因。",
            )
            pipeline.shelve(lead, current_user, reason_id=body.reason_id, note=body.note)
        else:
            pipeline.advance(lead, LeadStatus(body.to), current_user, note=body.note)
    return lead_out(lead)


@operation(
    bp,
    "POST",
    "/leads/<int:lead_id>/unshelve",
    summary="恢复跟进已搁置的线索（带 version）",
    tag=TAG,
    body=UnshelveIn,
    response=LeadOut,
    errors=(403, 404, 409, 422),
)
def unshelve_lead(lead_id: int, body: UnshelveIn):
    lead = get_editable_or_403(Lead, lead_id, message="您没有权限修改该线索。")
    with saving():
        check_version(lead, "lead", body.version)
        pipeline.unshelve(lead, current_user, note=body.note)
    return lead_out(lead)


@operation(
    bp,
    "POST",
    "/leads/<int:lead_id>/convert",
    summary="线索转为项目（进入招引库，带 version）",
    tag=TAG,
    body=ConvertIn,
    response=ProjectOut,
    status=201,
    errors=(403, 404, 409, 422),
)
def convert_lead(lead_id: int, body: ConvertIn):
    lead = get_editable_or_403(Lead, lead_id, message="您没有权限修改该线索。")
    industries = choices.ref_lists(RefKind.INDUSTRY, include={lead.industry_id} if lead.industry_id else set())
    check_choice(body.industry_id, industries[RefKind.INDUSTRY], "industry_id", NOT_ALLOWED)
    check_choice(
        body.lead_department_id,
        choices.owner_department_choices(current_user, lead.owner_department_id),
        "lead_department_id",
        "只能选择您数据范围内的部门作为牵头部门。",
    )
    check_choice(
        body.responsible_leader_id, choices.leader_choices(), "responsible_leader_id", "责任领导须为在岗的领导。"
    )
    data = body.model_dump(exclude={"version"})
    with saving():
        check_version(lead, "lead", body.version)
        project = pipeline.convert_lead(lead, current_user, data)
    return project_out(project), 201
