"""Schemas of approval items (审批事项, 联审联批) over the API and the function
that turns an item into its answer. The item type travels by its name
(`item`, exactly as in the admin-kept list 审批事项类型) or by its id
(`item_type_id`); statuses by their keys. The services
(`app.approvals.services`) re-check every rule."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from app.api.common import Version
from app.api.schemas import Day, Id, PageQuery, Strict
from app.approvals.rules import days_overdue, escalation_of
from app.models import ApprovalItem

Status = Literal["pending", "submitted", "approved", "not_needed"]
STATUS_HELP = "pending 待申报；submitted 已申报；approved 已办结；not_needed 无需办理"
ITEM_HELP = "审批事项类型的名称（与「审批事项类型」列表中启用的名称完全一致，如 施工许可）"
ITEM_TYPE_HELP = "审批事项类型的 id（与 item 二选一；都提交时须一致）"


class ApprovalQuery(PageQuery):
    status: Status | None = Field(None, description=STATUS_HELP)
    open: bool = Field(False, description="只看未办结（待申报、已申报）")


class ApprovalIn(Strict):
    """项目的一项审批事项。status 不填时按日期：有办结日期为已办结，有申报
    日期为已申报，否则待申报。办结只能由审批部门（或管理员）标记，其他人提交
    办结日期或 status: approved 答 422 并指明 approved_on。"""

    item: str | None = Field(None, min_length=1, max_length=100, description=ITEM_HELP)
    item_type_id: Id | None = Field(None, description=ITEM_TYPE_HELP)
    department_id: Id = Field(description="审批部门（启用的部门）")
    due_on: Day = Field(description="计划完成日期（YYYY-MM-DD）")
    submitted_on: Day | None = Field(None, description="申报日期，不能晚于今天；status 为 submitted 而未填时为今天")
    approved_on: Day | None = Field(
        None, description="办结日期，不能晚于今天、不能早于申报日期；status 为 approved 而未填时为今天"
    )
    status: Status | None = Field(None, description=STATUS_HELP)
    not_needed_reason: str | None = Field(
        None, max_length=500, description="无需办理的原因：status 为 not_needed 时必填，其他状态不能填"
    )
    notes: str | None = Field(None, max_length=5000, description="备注")


class ApprovalUpdate(Strict):
    """修改审批事项（带 version）。status 与当前状态不同即为状态变更：
    submitted 申报（submitted_on，默认今天；限项目编辑人员）、approved 办结
    （approved_on，默认今天；限审批部门人员和管理员，其他人答 403）、
    not_needed 无需办理（须写 not_needed_reason；限项目编辑人员）、pending 撤回
    申报（限项目编辑人员）。其余字段（item/item_type_id、department_id、due_on、
    notes，以及不随状态变更提交的 submitted_on）为修改事项本身，限项目编辑人员。
    都在同一事务中：任何一项被拒绝，什么都不写。"""

    version: Version
    item: str | None = Field(None, min_length=1, max_length=100, description=ITEM_HELP)
    item_type_id: Id | None = Field(None, description=ITEM_TYPE_HELP)
    department_id: Id | None = Field(None, description="审批部门（已办结的事项不能更换）")
    due_on: Day | None = Field(None, description="计划完成日期；不能清空")
    submitted_on: Day | None = Field(
        None, description="申报日期（随 status: submitted 为申报日期，否则为更正；null 撤回申报）"
    )
    approved_on: Day | None = Field(None, description="办结日期：随 status: approved 提交")
    status: Status | None = Field(None, description=STATUS_HELP)
    not_needed_reason: str | None = Field(
        None, max_length=500, description="无需办理的原因：随 status: not_needed 提交"
    )
    notes: str | None = Field(None, max_length=5000, description="备注；null 为清空")


class ApprovalOut(BaseModel):
    id: int
    project_id: int
    item_type_id: int = Field(description="审批事项类型 id")
    item: str = Field(description="审批事项类型名称")
    department_id: int = Field(description="审批部门 id")
    department: str = Field(description="审批部门名称")
    due_on: dt.date = Field(description="计划完成日期")
    submitted_on: dt.date | None = Field(description="申报日期")
    approved_on: dt.date | None = Field(description="办结日期")
    status: Status = Field(description=STATUS_HELP)
    not_needed_reason: str | None = Field(description="无需办理的原因")
    notes: str | None = Field(description="备注")
    days_overdue: int = Field(description="超过计划完成日期的天数（未办结的事项；否则为 0）")
    escalation: Literal["none", "blue", "yellow", "red"] = Field(
        description="督办等级：超期一周内 blue，两周内 yellow，更久 red"
    )
    version: int


def approval_out(item: ApprovalItem, today: dt.date) -> ApprovalOut:
    return ApprovalOut(
        id=item.id,
        project_id=item.project_id,
        item_type_id=item.type_id,
        item=item.type.name,
        department_id=item.department_id,
        department=item.department.name,
        due_on=item.due_on,
        submitted_on=item.submitted_on,
        approved_on=item.approved_on,
        status=item.status.value,
        not_needed_reason=item.not_needed_reason,
        notes=item.notes,
        days_overdue=days_overdue(item, today),
        escalation=escalation_of(item, today).key,
        version=item.version,
    )
