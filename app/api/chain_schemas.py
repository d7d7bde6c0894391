"""Schemas of industry chains (产业链, with their segments) and target
companies (招商目标企业) over the API. Statuses, priorities and segment
positions travel by their keys; the services (`app.chains.services`)
re-check every rule."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from app.api.common import Version
from app.api.schemas import Id, PageQuery, Strict
from app.chains.queries import Contact

Priority = Literal["high", "medium", "low"]
TargetStatusKey = Literal["pending", "following", "signed", "dropped"]
PRIORITY_HELP = "high 高；medium 中；low 低"
STATUS_HELP = "pending 未对接；following 跟进中；signed 已签约；dropped 已放弃"


class SegmentOut(BaseModel):
    id: int
    parent_id: int | None = Field(description="上级环节")
    name: str
    stage: Literal["upstream", "midstream", "downstream"] = Field(
        description="upstream 上游；midstream 中游；downstream 下游"
    )
    strength: Literal["gap", "weak", "strong"] = Field(
        description="gap 缺链（无本地企业且无已签约项目）；weak 弱链（1–2）；strong 强链（≥3 或有链主企业）；含下级环节"
    )
    local_companies: int = Field(description="本地企业（含下级环节）")
    chain_masters: int = Field(description="链主企业（含下级环节）")
    projects: int = Field(description="项目（含下级环节，不含退出）")
    signed_projects: int = Field(description="已签约项目（含下级环节）")
    targets: int = Field(description="目标企业（本环节）")


class ChainOut(BaseModel):
    id: int
    name: str
    chain_leader_id: int | None = Field(description="链长")
    chain_leader: str | None
    department_id: int | None = Field(description="牵头部门")
    department: str | None
    description: str | None
    version: int
    segments: list[SegmentOut] = Field(description="环节（父环节在其下级之前）")


class TargetQuery(PageQuery):
    chain_id: Id | None = Field(None, description="产业链")
    segment_id: Id | None = Field(None, description="环节（含其下级环节）")
    tier_id: Id | None = Field(None, description="企业类型")
    region: str | None = Field(None, max_length=50, description="所在地（包含该文字）")
    priority: Priority | None = Field(None, description=PRIORITY_HELP)
    department_id: Id | None = Field(None, description="责任部门")
    status: TargetStatusKey | None = Field(None, description=STATUS_HELP)
    q: str | None = Field(None, max_length=50, description="企业名称（包含该文字）")


class TargetIn(Strict):
    name: str = Field(min_length=1, max_length=200, description="目标企业名称")
    chain_id: Id = Field(description="产业链")
    segment_id: Id | None = Field(None, description="环节（所选产业链的环节）")
    company_id: Id | None = Field(None, description="企业库中的企业；不填时按名称自动关联同名企业")
    tier_id: Id | None = Field(None, description="企业类型")
    region: str | None = Field(None, max_length=100, description="所在地")
    reason: str | None = Field(None, max_length=2000, description="引进理由")
    priority: Priority = Field("medium", description=PRIORITY_HELP)
    department_id: Id | None = Field(None, description="责任部门")
    status: TargetStatusKey = Field("pending", description=STATUS_HELP)


class TargetUpdate(Strict):
    """只改提交的字段（带 version）；null 为清空（名称、产业链不能清空）。"""

    version: Version
    name: str | None = Field(None, min_length=1, max_length=200)
    chain_id: Id | None = None
    segment_id: Id | None = None
    company_id: Id | None = None
    tier_id: Id | None = None
    region: str | None = Field(None, max_length=100)
    reason: str | None = Field(None, max_length=2000)
    priority: Priority | None = Field(None, description=PRIORITY_HELP)
    department_id: Id | None = None
    status: TargetStatusKey | None = Field(None, description=STATUS_HELP)


class TargetLeadIn(Strict):
    """目标企业转为线索：责任单位默认为本人所在部门（无部门时为目标企业的责任部门）。"""

    owner_department_id: Id | None = Field(None, description="责任单位；不填为本人所在部门")
    company_choice: str | None = Field(
        None, pattern=r"^(new|[0-9]{1,10})$", description="撞单提示后：new（确认新建）或所选企业的 id"
    )
    confirm_duplicate: bool = Field(False, description="已知悉其他部门正在跟进，仍然转为线索（标记撞单）")


class ContactOut(BaseModel):
    leads: int = Field(description="该企业的线索数（各部门）")
    first_department: str | None = Field(description="首报部门")
    first_on: dt.date | None = Field(description="首报日期")
    last_visit_on: dt.date | None = Field(description="最近拜访日期")


class TargetOut(BaseModel):
    id: int
    name: str
    company_id: int | None
    chain_id: int
    chain: str
    segment_id: int | None
    segment: str | None
    tier_id: int | None
    region: str | None
    reason: str | None
    priority: Priority
    department_id: int | None
    status: TargetStatusKey
    contact: ContactOut | None = Field(description="是否已有部门对接过该企业（撞单口径：只给部门和日期）")
    version: int


def contact_out(contact: Contact | None) -> ContactOut | None:
    if contact is None:
        return None
    return ContactOut(
        leads=contact.leads,
        first_department=contact.first_department,
        first_on=contact.first_on,
        last_visit_on=contact.last_visit_on,
    )
