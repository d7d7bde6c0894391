"""Approval items (审批事项, 联审联批) over the API: a project's items, adding
one, one item, and changing it — through `app.approvals.services`, with the
checks of `app.permissions.approvals` and the same gates as the item page:
the project's editors add and edit items, record 申报 and 无需办理; only the
approving department's staff (and admin) mark 办结 — anyone else who may see
the item gets 403 naming `status` (on adding an item, an 办结 by someone
else is the service's refusal: 422 on `approved_on`). The approving
department's staff see the items addressed to them even outside the
project's scope (`GET /approvals/{id}`); a project's list follows the
project."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy import orm

from app import clock
from app.api import bp
from app.api.approval_schemas import ApprovalIn, ApprovalOut, ApprovalQuery, ApprovalUpdate, approval_out
from app.api.common import forbid_unless, refused, saving
from app.api.core import ApiError, operation
from app.api.schemas import Page
from app.approvals import services
from app.approvals.rules import open_condition
from app.approvals.services import ApprovalError
from app.concurrency import check_version
from app.lookups import ref_choices
from app.models import ApprovalItem, ApprovalStatus, Project, RefKind
from app.pagination import paginate
from app.permissions import can_approve_item, can_keep_approvals, get_visible_or_404
from app.permissions.approvals import can_edit_approval
from app.refusals import StaleEdit

TAG = "联审联批"
KEEPERS_ONLY = "您没有权限修改该项目的审批事项（限管理员、项目的编辑人员）；审批部门只能标记办结。"
# Fields that go with a status move rather than an edit of the item.
MOVE_FIELDS = {
    "submitted": {"submitted_on"},
    "approved": {"approved_on"},
    "not_needed": {"not_needed_reason"},
    "pending": {"submitted_on"},
}
LOADED = (orm.joinedload(ApprovalItem.type), orm.joinedload(ApprovalItem.department))


def _unprocessable(field: str, message: str) -> ApiError:
    return ApiError(422, message, {field: message})


def _type_id(name: str | None, type_id: int | None, *, current: int | None = None) -> int | None:
    """The item type named by `item` (its exact name) and/or `item_type_id`,
    among the active types (and the item's own, kept when since disabled)."""
    if name is None and type_id is None:
        return None
    choices = ref_choices(RefKind.APPROVAL_TYPE, blank=None, include_id=current)
    if name is not None:
        by_name = {label: ident for ident, label in choices}
        if name not in by_name:
            known = "、".join(by_name)
            raise _unprocessable("item", f"没有名为『{name}』的审批事项类型，可选：{known}。")
        if type_id is not None and type_id != by_name[name]:
            raise _unprocessable("item", "item 与 item_type_id 不是同一个审批事项类型，请只提交其中一个。")
        return by_name[name]
    if type_id not in {ident for ident, _label in choices}:
        raise _unprocessable("item_type_id", "请选择审批事项类型（启用的类型）。")
    return type_id


@contextmanager
def _fields(item_sent: bool, unnamed: str | None = "status") -> Iterator[None]:
    """A refusal names a body field: the service's `type_id` is the body's
    `item`/`item_type_id`; one about a status move (already 办结, …) is
    `status` (`unnamed`)."""
    try:
        yield
    except ApprovalError as exc:
        if exc.field == "type_id":
            exc.field = "item" if item_sent else "item_type_id"
        elif exc.field is None:
            exc.field = unnamed
        raise


@operation(
    bp,
    "GET",
    "/projects/<int:project_id>/approvals",
    summary="项目的审批事项（按计划完成日期），含超期天数和督办等级",
    tag=TAG,
    query=ApprovalQuery,
    response=Page[ApprovalOut],
    errors=(404,),
)
def list_approvals(project_id: int, query: ApprovalQuery):
    project = get_visible_or_404(Project, project_id)
    stmt = sa.select(ApprovalItem).where(ApprovalItem.project_id == project.id, ApprovalItem.archived_at.is_(None))
    if query.status is not None:
        stmt = stmt.where(ApprovalItem.status == ApprovalStatus(query.status))
    if query.open:
        stmt = stmt.where(open_condition())
    stmt = stmt.options(*LOADED).order_by(ApprovalItem.due_on, ApprovalItem.id)
    page = paginate(stmt, query.page, query.per_page)
    today = clock.today()
    return Page[ApprovalOut](
        items=[approval_out(i, today) for i in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp,
    "POST",
    "/projects/<int:project_id>/approvals",
    summary="登记项目的审批事项（项目编辑人员；办结日期只能由审批部门或管理员填写）",
    tag=TAG,
    body=ApprovalIn,
    response=ApprovalOut,
    status=201,
    errors=(403, 404, 422),
)
def add_approval(project_id: int, body: ApprovalIn):
    project = get_visible_or_404(Project, project_id)
    forbid_unless(
        can_keep_approvals(current_user, project), "您没有权限为该项目登记审批事项（限管理员、项目的编辑人员）。"
    )
    if body.item is None and body.item_type_id is None:
        raise _unprocessable("item", "请填写审批事项类型：item（名称）或 item_type_id。")
    type_id = _type_id(body.item, body.item_type_id)
    status = body.status
    submitted_on, approved_on = body.submitted_on, body.approved_on
    if body.not_needed_reason is not None and status != "not_needed":
        raise _unprocessable("not_needed_reason", "无需办理的原因只随 status: not_needed 填写。")
    if status == "pending":
        for field in ("submitted_on", "approved_on"):
            if getattr(body, field) is not None:
                raise _unprocessable(field, "待申报的事项不填申报日期和办结日期。")
    elif status == "submitted":
        if approved_on is not None:
            raise _unprocessable("approved_on", "已申报的事项不填办结日期（办结为 status: approved）。")
        submitted_on = submitted_on or clock.today()
    elif status == "approved":
        approved_on = approved_on or clock.today()
    data: dict[str, Any] = {
        "type_id": type_id,
        "department_id": body.department_id,
        "due_on": body.due_on,
        "submitted_on": submitted_on,
        "approved_on": approved_on,
        "notes": body.notes,
    }
    with saving():
        with _fields(body.item is not None, unnamed=None):  # e.g. an exited project: no field of the body
            item = services.add_item(project, data, current_user)
        if status == "not_needed":
            with _fields(body.item is not None):
                services.not_needed(item, body.not_needed_reason, current_user)
    return approval_out(item, clock.today()), 201


@operation(
    bp,
    "GET",
    "/approvals/<int:approval_id>",
    summary="审批事项详情（项目可见者，及审批部门人员）",
    tag=TAG,
    response=ApprovalOut,
    errors=(404,),
)
def get_approval(approval_id: int):
    return approval_out(get_visible_or_404(ApprovalItem, approval_id, options=LOADED), clock.today())


@operation(
    bp,
    "PATCH",
    "/approvals/<int:approval_id>",
    summary="修改审批事项或变更状态：申报、办结（限审批部门和管理员，否则 403）、无需办理、撤回申报（带 version）",
    tag=TAG,
    body=ApprovalUpdate,
    response=ApprovalOut,
    errors=(403, 404, 409, 422),
)
def update_approval(approval_id: int, body: ApprovalUpdate):
    item = get_visible_or_404(ApprovalItem, approval_id, options=LOADED)
    user = current_user
    forbid_unless(can_edit_approval(user, item), "您没有权限修改该审批事项。")
    sent = {name for name in body.model_fields_set if name != "version"}
    move = body.status if body.status is not None and body.status != item.status.value else None
    if (
        move is None
        and item.status is ApprovalStatus.NOT_NEEDED
        and body.status in (None, "not_needed")
        and "not_needed_reason" in sent
        and body.not_needed_reason != item.not_needed_reason
    ):
        move = "not_needed"  # a corrected reason for an item set aside
    move_fields = MOVE_FIELDS.get(move or "", set())
    edits = sent - move_fields - {"status", "approved_on", "not_needed_reason"}
    if (edits or move in ("submitted", "not_needed", "pending")) and not can_keep_approvals(user, item.project):
        raise ApiError(403, KEEPERS_ONLY)
    if move == "approved" and not can_approve_item(user, item):
        message = f"『{item.type.name}』由{item.department.name}审批，只有该部门（或管理员）可以标记办结。"
        raise ApiError(403, message, {"status": message})
    try:  # a stale read before the checks that compare the body with the record
        check_version(item, "approval_item", body.version)
    except StaleEdit as exc:
        raise refused(exc) from None
    for field, status, message in (
        ("approved_on", "approved", "办结日期随 status: approved 提交（由审批部门标记）。"),
        ("not_needed_reason", "not_needed", "无需办理的原因随 status: not_needed 提交。"),
    ):
        # Sent back unchanged (a read record patched whole) is no change.
        if field in sent and move != status and getattr(body, field) != getattr(item, field):
            if field == "approved_on" and item.status is ApprovalStatus.APPROVED:
                message = f"『{item.type.name}』已办结，办结日期不能修改。"
            raise _unprocessable(field, message)
    if move == "pending" and body.submitted_on is not None:
        raise _unprocessable("submitted_on", "撤回申报（status: pending）不填申报日期。")
    data: dict[str, Any] = {field: getattr(body, field) for field in edits & {"department_id", "due_on", "notes"}}
    if "submitted_on" in edits:
        data["submitted_on"] = body.submitted_on
    if edits & {"item", "item_type_id"}:
        type_id = _type_id(body.item, body.item_type_id, current=item.type_id)
        if type_id is None:
            raise _unprocessable("item", "审批事项类型不能清空。")
        data["type_id"] = type_id
    with saving(), _fields("item" in edits):
        if data:
            services.update_item(item, data, user, version=body.version)
        if move == "submitted":
            services.submit(item, body.submitted_on, user)
        elif move == "approved":
            services.approve(item, body.approved_on, user)
        elif move == "not_needed":
            services.not_needed(item, body.not_needed_reason, user)
        elif move == "pending":
            if item.status is not ApprovalStatus.SUBMITTED:
                raise ApprovalError(f"『{item.type.name}』当前为「{item.status.label}」，不能改回待申报。", "status")
            services.update_item(item, {"submitted_on": None}, user, version=item.version)
    return approval_out(item, clock.today())
