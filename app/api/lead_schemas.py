"""Schemas of leads, their status moves, visits and conversion. Limits
mirror the lead forms (`app.leads.forms`); the services re-check the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from app.api.common import ConfirmAmount, MoneyIn, Version, check_plausible
from app.api.schemas import DateTimeOut, Day, Id, PageQuery, Strict
from app.leads.forms import PHONE

_STATUS = "(open|new|contacted|negotiating|converted|shelved)"
STATUS_LIST = rf"^{_STATUS}(,{_STATUS})*$"
LEAD_ACTIVITY_HELP = (
    "收集该线索的招商活动（您可查看、未归档的活动；收到日期不能早于活动开始日期）；修改时 null 为取消关联"
)
VISIT_ACTIVITY_HELP = "拜访所属的招商活动（您可查看、未归档的活动；拜访日期须在活动期间）；修改时 null 为取消关联"
LeadSort = Literal[
    "received", "-received", "last_visit", "-last_visit", "amount", "-amount", "status_age", "-status_age"
]


class LeadQuery(PageQuery):
    status: str | None = Field(None, pattern=STATUS_LIST, description="状态，逗号分隔；open = 新线索、已对接、洽谈中。")
    department_id: Id | None = Field(None, description="责任单位")
    owner_id: Id | None = Field(None, description="责任人")
    industry_id: Id | None = None
    source_id: Id | None = None
    tier_id: Id | None = Field(None, description="企业类型")
    chain_id: Id | None = Field(None, description="产业链（线索记住的产业链）")
    received_from: Day | None = None
    received_to: Day | None = None
    reached: Literal["contacted", "negotiating", "converted"] | None = Field(
        None, description="曾到达该步骤（之后搁置的也算）"
    )
    reached_from: Day | None = None
    reached_to: Day | None = None
    no_visit_days: int | None = Field(None, ge=1, le=3650)
    overdue: bool = False
    stale: bool = False
    conflict: bool = False
    q: str | None = Field(None, max_length=100, description="投资意向、企业名称（含拼音、首字母）、信用代码")
    sort: LeadSort = "-received"


class LeadOut(BaseModel):
    id: int
    title: str
    status: str
    company_id: int
    company_name: str
    credit_code: str | None
    source_id: int | None
    industry_id: int | None
    intended_investment: Decimal | None
    contact_name: str | None
    contact_phone: str | None
    intended_location: str | None
    description: str | None
    owner_department_id: int
    owner_user_id: int | None
    received_on: dt.date
    status_changed_at: DateTimeOut
    contacted_on: dt.date | None
    negotiating_on: dt.date | None
    converted_on: dt.date | None
    last_visit_on: dt.date | None
    shelve_reason_id: int | None
    activity_id: int | None = Field(description="收集该线索的招商活动")
    chain_id: int | None = Field(None, description="产业链招商：线索所属产业链")
    target_id: int | None = Field(None, description="产业链招商：线索来自的招商目标企业")
    has_conflict: bool
    overdue: Literal["first_contact", "assessment", "follow_up"] | None = Field(description="逾期的时钟")
    stale: bool = Field(description="久未拜访")
    version: int


class _LeadFields(Strict):
    """The lead form's fields (company look-up included)."""

    confirm_amount: ConfirmAmount = False
    company_id: Id | None = Field(None, description="从企业库选中的企业")
    credit_code: str | None = Field(None, max_length=30)
    company_choice: str | None = Field(
        None, pattern=r"^(new|[0-9]{1,10})$", description="撞单提示后：new（确认新建）或所选企业的 id"
    )
    hq_region: str | None = Field(None, max_length=100)
    tier_ids: list[Id] = Field(default_factory=list, max_length=20)
    source_id: Id | None = None
    industry_id: Id | None = None
    intended_investment: MoneyIn | None = None
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30, pattern=PHONE.regex.pattern)
    intended_location: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    owner_user_id: Id | None = None
    received_on: Day | None = None
    activity_id: Id | None = Field(None, description=LEAD_ACTIVITY_HELP)
    chain_id: Id | None = Field(None, description="所属产业链；修改时 null 为取消关联")
    target_id: Id | None = Field(None, description="来自的招商目标企业（产业链随之确定）；修改时 null 为取消关联")
    confirm_duplicate: bool = Field(False, description="已知悉其他部门正在跟进，仍然保存（标记撞单）")
    confirm_new_company: bool = Field(
        False, description="company_choice=new 而企业库中已有同名企业时：已核实是另一家企业，仍要新建"
    )

    _plausible = field_validator("intended_investment")(check_plausible)


class LeadIn(_LeadFields):
    company_name: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=200, description="投资意向")
    owner_department_id: Id | None = Field(None, description="责任单位；不填为本人所在部门")


class LeadUpdate(_LeadFields):
    """Only the fields sent change; `version` is the one read."""

    version: Version
    company_name: str | None = Field(None, min_length=1, max_length=200)
    title: str | None = Field(None, min_length=1, max_length=200)
    owner_department_id: Id | None = None


class LeadStatusIn(Strict):
    to: Literal["contacted", "negotiating", "shelved"]
    reason_id: Id | None = Field(None, description="搁置原因（搁置时必填）")
    note: str | None = Field(None, max_length=2000)
    version: Version


class UnshelveIn(Strict):
    note: str | None = Field(None, max_length=2000)
    version: Version


class ConvertIn(Strict):
    """Defaults come from the lead (name = 投资意向, amount, industry …)."""

    confirm_amount: ConfirmAmount = False
    version: Version
    name: str | None = Field(None, min_length=1, max_length=200)
    planned_investment: MoneyIn | None = None
    industry_id: Id | None = None
    location: str | None = Field(None, max_length=200)
    lead_department_id: Id | None = Field(None, description="牵头部门；不填为线索的责任单位")
    responsible_leader_id: Id | None = None
    is_key: bool = Field(False, description="重点项目（仅管理员可设，其他人提交的值被忽略，同页面表单）")
    note: str | None = Field(None, max_length=2000)

    _plausible = field_validator("planned_investment")(check_plausible)


class VisitOut(BaseModel):
    id: int
    lead_id: int | None
    project_id: int | None
    department_id: int
    visited_on: dt.date
    kind_id: int | None
    place: str | None
    participant_ids: list[int]
    leader_present_id: int | None
    counterpart: str | None
    summary: str
    outcome: str | None
    next_step: str | None
    follow_up_on: dt.date | None
    follow_up_done: bool
    activity_id: int | None = Field(description="所属招商活动")
    created_by_id: int | None
    created_at: DateTimeOut


class VisitIn(Strict):
    visited_on: Day
    kind_id: Id | None = None
    place: str | None = Field(None, max_length=200)
    participant_ids: list[Id] = Field(default_factory=list, max_length=50)
    leader_present_id: Id | None = None
    counterpart: str | None = Field(None, max_length=500)
    summary: str = Field(min_length=1, max_length=5000)
    outcome: str | None = Field(None, max_length=2000)
    next_step: str | None = Field(None, max_length=2000)
    follow_up_on: Day | None = None
    activity_id: Id | None = Field(None, description=VISIT_ACTIVITY_HELP)


class VisitUpdate(Strict):
    """修改拜访记录：只改提交的字段，其余保持不变（拜访记录无 version）。"""

    visited_on: Day | None = Field(None, description="拜访日期；不能清空")
    kind_id: Id | None = None
    place: str | None = Field(None, max_length=200)
    participant_ids: list[Id] | None = Field(None, max_length=50)
    leader_present_id: Id | None = None
    counterpart: str | None = Field(None, max_length=500)
    summary: str | None = Field(None, min_length=1, max_length=5000, description="对接情况；不能清空")
    outcome: str | None = Field(None, max_length=2000)
    next_step: str | None = Field(None, max_length=2000)
    follow_up_on: Day | None = None
    activity_id: Id | None = Field(None, description=VISIT_ACTIVITY_HELP)
