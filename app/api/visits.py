"""A lead's visits (拜访/对接记录) over the API: the list, logging one and
changing one, through `app.leads.visits` (the first visit moves a new lead
to 已对接; a visit may name the 招商活动 it was made during)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.api import bp
from app.api.common import check_choice, check_choices, forbid_unless, saving
from app.api.core import ApiError, operation
from app.api.lead_schemas import VisitIn, VisitOut, VisitUpdate
from app.api.leads import NOT_ALLOWED
from app.api.schemas import Page, PageQuery
from app.leads import choices, visits
from app.models import Lead, RefKind, Visit
from app.pagination import paginate
from app.permissions import can_log_on_lead, get_editable_or_403, get_visible_or_404

TAG = "线索"


def visit_out(v: Visit) -> VisitOut:
    return VisitOut(
        id=v.id,
        lead_id=v.lead_id,
        project_id=v.project_id,
        department_id=v.department_id,
        visited_on=v.visited_on,
        kind_id=v.kind_id,
        place=v.place,
        participant_ids=sorted(u.id for u in v.participants),
        leader_present_id=v.leader_present_id,
        counterpart=v.counterpart,
        summary=v.summary,
        outcome=v.outcome,
        next_step=v.next_step,
        follow_up_on=v.follow_up_on,
        follow_up_done=v.follow_up_done,
        activity_id=v.activity_id,
        created_by_id=v.created_by_id,
        created_at=v.created_at,
    )


@operation(
    bp,
    "GET",
    "/leads/<int:lead_id>/visits",
    summary="线索的拜访记录",
    tag=TAG,
    query=PageQuery,
    response=Page[VisitOut],
    errors=(404,),
)
def list_lead_visits(lead_id: int, query: PageQuery):
    lead = get_visible_or_404(Lead, lead_id)
    stmt = (
        sa.select(Visit)
        .where(Visit.lead_id == lead.id, Visit.archived_at.is_(None))
        .options(selectinload(Visit.participants))
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    page = paginate(stmt, query.page, query.per_page)
    return Page[VisitOut](
        items=[visit_out(v) for v in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp,
    "POST",
    "/leads/<int:lead_id>/visits",
    summary="记录拜访（首次拜访使新线索转为已对接）",
    tag=TAG,
    body=VisitIn,
    response=VisitOut,
    status=201,
    errors=(403, 404, 422),
)
def create_lead_visit(lead_id: int, body: VisitIn):
    lead = get_visible_or_404(Lead, lead_id)
    forbid_unless(can_log_on_lead(current_user, lead), "您没有权限为该线索记录拜访。")
    data = body.model_dump()
    _check_visit_choices(data, None)
    with saving():
        visit = visits.log_visit(data, current_user, lead=lead)
    return visit_out(visit), 201


def _check_visit_choices(data: dict[str, Any], visit: Visit | None) -> None:
    """The ids the visit form would offer (its select lists; an edited
    visit keeps the values it has)."""
    include = {visit.kind_id} if visit and visit.kind_id else set()
    kinds = choices.ref_lists(RefKind.VISIT_KIND, include=include)[RefKind.VISIT_KIND]
    check_choice(data.get("kind_id"), kinds, "kind_id", NOT_ALLOWED)
    check_choices(
        data.get("participant_ids") or [],
        choices.participant_choices(current_user, {u.id for u in visit.participants} if visit else set()),
        "participant_ids",
        "所选参与人员不存在或已停用，请重新选择。",
    )
    leaders = choices.leader_choices(visit.leader_present_id if visit else None)
    check_choice(data.get("leader_present_id"), leaders, "leader_present_id", "出席领导须为系统中的领导。")


@operation(
    bp,
    "PATCH",
    "/visits/<int:visit_id>",
    summary="修改拜访记录（只改提交的字段；如关联或取消关联招商活动）",
    tag=TAG,
    body=VisitUpdate,
    response=VisitOut,
    errors=(403, 404, 422),
)
def update_visit(visit_id: int, body: VisitUpdate):
    visit = get_editable_or_403(
        Visit, visit_id, options=(selectinload(Visit.participants),), message="您没有权限修改该拜访记录。"
    )
    current: dict[str, Any] = {name: getattr(visit, name) for name in visits.VISIT_FIELDS}
    data = {**current, **body.model_dump(exclude_unset=True)}
    for name in ("visited_on", "summary"):
        if data[name] is None:
            message = "拜访日期不能清空。" if name == "visited_on" else "对接情况不能清空。"
            raise ApiError(422, message, {name: message})
    _check_visit_choices(data, visit)
    with saving():
        visits.update_visit(visit, data, current_user)
    return visit_out(visit)
