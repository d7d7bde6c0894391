"""Industry chains (产业链) and target companies (招商目标企业) over the API:
the chains with their segments (strength counted as on the map), the target
list under the page's filters (each target with who has contacted its
company), adding and editing a target (PATCH with version: 409 when stale)
and turning one into a lead (`POST /targets/{id}/lead`: the 撞单 warning is a
409 to confirm, as for `POST /leads`) — through `app.chains.services` with
the checks of `app.permissions.chains`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy import orm

from app.api import bp
from app.api.chain_schemas import (
    ChainOut,
    SegmentOut,
    TargetIn,
    TargetLeadIn,
    TargetOut,
    TargetQuery,
    TargetUpdate,
    contact_out,
)
from app.api.common import forbid_unless, saving
from app.api.core import operation
from app.api.lead_schemas import LeadOut
from app.api.leads import _duplicate, lead_out
from app.api.schemas import Page
from app.chains import services
from app.chains.map import chain_map
from app.chains.queries import TargetFilters, contacts, target_page
from app.db import db
from app.leads.refusals import DuplicateWarning
from app.models import Chain, TargetCompany, TargetPriority, TargetStatus
from app.pagination import Page as ListPage
from app.permissions import get_visible_or_404
from app.permissions.chains import can_edit_chain, can_edit_target, can_lead_target, chain_filter

TAG = "产业链"


def chain_out(chain: Chain) -> ChainOut:
    view = chain_map(chain)
    return ChainOut(
        id=chain.id,
        name=chain.name,
        chain_leader_id=chain.chain_leader_id,
        chain_leader=chain.chain_leader.name if chain.chain_leader else None,
        department_id=chain.department_id,
        department=chain.department.name if chain.department else None,
        description=chain.description,
        version=chain.version,
        segments=[
            SegmentOut(
                id=node.segment.id,
                parent_id=node.segment.parent_id,
                name=node.segment.name,
                stage=node.segment.stage.value,
                strength=node.strength,
                local_companies=node.total.local,
                chain_masters=node.total.masters,
                projects=node.total.projects,
                signed_projects=node.total.signed,
                targets=node.own.targets,
            )
            for node in view.nodes
        ],
    )


@operation(bp, "GET", "/chains", summary="产业链（含环节及其强弱）", tag=TAG, response=Page[ChainOut])
def list_chains():
    chains = db.session.scalars(
        sa.select(Chain)
        .options(orm.joinedload(Chain.chain_leader), orm.joinedload(Chain.department))
        .where(chain_filter(current_user))
        .order_by(Chain.sort_order, Chain.id)
    ).all()
    return Page[ChainOut](items=[chain_out(c) for c in chains], page=1, per_page=max(len(chains), 1), total=len(chains))


@operation(
    bp, "GET", "/chains/<int:chain_id>", summary="产业链详情（含环节）", tag=TAG, response=ChainOut, errors=(404,)
)
def get_chain(chain_id: int):
    return chain_out(get_visible_or_404(Chain, chain_id))


def target_out(target: TargetCompany, contact: Any = None, *, look_up: bool = True) -> TargetOut:
    if contact is None and look_up:
        contact = contacts([target]).get(target.id)
    return TargetOut(
        id=target.id,
        name=target.name,
        company_id=target.company_id,
        chain_id=target.chain_id,
        chain=target.chain.name,
        segment_id=target.segment_id,
        segment=target.segment.name if target.segment else None,
        tier_id=target.tier_id,
        region=target.region,
        reason=target.reason,
        priority=target.priority.value,
        department_id=target.department_id,
        status=target.status.value,
        contact=contact_out(contact),
        version=target.version,
    )


@operation(
    bp, "GET", "/targets", summary="招商目标企业库（筛选同页面）", tag=TAG, query=TargetQuery, response=Page[TargetOut]
)
def list_targets(query: TargetQuery):
    filters = TargetFilters(
        chain_id=query.chain_id,
        segment_id=query.segment_id,
        tier_id=query.tier_id,
        region=" ".join((query.region or "").split()),
        priority=TargetPriority(query.priority) if query.priority else None,
        department_id=query.department_id,
        status=TargetStatus(query.status) if query.status else None,
        q=" ".join((query.q or "").split()),
    )
    page: ListPage = target_page(filters, current_user, query.page, query.per_page)
    found = contacts(page.items)
    return Page[TargetOut](
        items=[target_out(t, found.get(t.id), look_up=False) for t in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@operation(bp, "GET", "/targets/<int:target_id>", summary="目标企业详情", tag=TAG, response=TargetOut, errors=(404,))
def get_target(target_id: int):
    return target_out(get_visible_or_404(TargetCompany, target_id))


@operation(
    bp,
    "POST",
    "/targets",
    summary="添加目标企业（管理员、链长、产业链牵头部门人员）",
    tag=TAG,
    body=TargetIn,
    response=TargetOut,
    status=201,
    errors=(403, 404, 422),
)
def create_target(body: TargetIn):
    chain = get_visible_or_404(Chain, body.chain_id)
    forbid_unless(
        can_edit_chain(current_user, chain), "您没有权限为该产业链添加目标企业（限管理员、链长、牵头部门人员）。"
    )
    with saving():
        target = services.create_target(body.model_dump(), current_user)
    return target_out(target), 201


@operation(
    bp,
    "PATCH",
    "/targets/<int:target_id>",
    summary="修改目标企业（带 version；过期答 409）",
    tag=TAG,
    body=TargetUpdate,
    response=TargetOut,
    errors=(403, 404, 409, 422),
)
def update_target(target_id: int, body: TargetUpdate):
    target = get_visible_or_404(TargetCompany, target_id)
    forbid_unless(can_edit_target(current_user, target), "您没有权限修改该目标企业。")
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    if changes.get("chain_id") not in (None, target.chain_id):
        other = get_visible_or_404(Chain, changes["chain_id"])
        forbid_unless(can_edit_chain(current_user, other), "您没有权限把目标企业移到该产业链。")
    data = {**services.target_edit_data(target), **changes}
    with saving():
        services.update_target(target, data, current_user, version=body.version)
    return target_out(target)


@operation(
    bp,
    "POST",
    "/targets/<int:target_id>/lead",
    summary="目标企业转为线索（线索记住产业链和目标企业；撞单答 409，确认后以 confirm_duplicate 重新提交）",
    tag=TAG,
    body=TargetLeadIn,
    response=LeadOut,
    status=201,
    errors=(403, 404, 409, 422),
)
def target_to_lead(target_id: int, body: TargetLeadIn):
    target = get_visible_or_404(TargetCompany, target_id)
    forbid_unless(can_lead_target(current_user, target), "您没有权限登记线索。")
    extra: dict[str, Any] = {}
    if body.owner_department_id is not None:
        extra["owner_department_id"] = body.owner_department_id
        if body.owner_department_id != current_user.department_id:
            extra["owner_user_id"] = None
    if body.company_choice:
        extra["company_choice"] = body.company_choice
        extra["confirm_new_company"] = body.company_choice == "new"
    with saving():
        try:
            lead = services.target_to_lead(target, current_user, extra, confirm_duplicate=body.confirm_duplicate)
        except DuplicateWarning as warning:
            raise _duplicate(warning) from None
    return lead_out(lead), 201
