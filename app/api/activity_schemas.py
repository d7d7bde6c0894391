"""Schemas of 招商活动 over the API and the function that turns an activity
(and what it produced) into its answer. The kind travels by its name
(`kind`, exactly as in the admin-kept list 招商活动类型) or by its id
(`kind_id`); regions as a list or as typed (上海、深圳); money through the
one parser ("3.5万", full-width digits). The services
(`app.activities.services`) re-check every rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from app.activities.outcomes import Outcome
from app.api.common import MoneyIn, Version
from app.api.schemas import Day, Id, PageQuery, Strict
from app.models import Activity

KIND_HELP = "活动类型的名称（与「招商活动类型」列表中启用的名称完全一致，如 外出招商、招商推介会）"
KIND_ID_HELP = "活动类型的 id（与 kind 二选一；都提交时须一致）"
REGIONS_HELP = "前往地区：列表，或以顿号、逗号分隔的文字（如 上海、深圳），最多 20 个"
Region = Annotated[str, Field(max_length=50)]
Regions = list[Region] | Annotated[str, Field(max_length=1000)]


class ActivityQuery(PageQuery):
    start: Day | None = Field(None, description="活动开始日期不早于（YYYY-MM-DD）")
    end: Day | None = Field(None, description="活动开始日期不晚于（YYYY-MM-DD）；活动按开始日期计入期间")
    kind: str | None = Field(None, min_length=1, max_length=100, description=KIND_HELP)
    kind_id: Id | None = Field(None, description="活动类型的 id")
    leader_id: Id | None = Field(None, description="带队领导（用户 id）")
    department_id: Id | None = Field(None, description="组织部门")
    region: str | None = Field(None, min_length=1, max_length=50, description="前往地区（完整名称，如 上海）")


class _ActivityFields(Strict):
    kind: str | None = Field(None, min_length=1, max_length=100, description=KIND_HELP)
    kind_id: Id | None = Field(None, description=KIND_ID_HELP)
    away: bool | None = Field(
        None, description="外出招商（赴区外开展，计入外出招商次数和天数）；新建时不填，填了前往地区即为 true"
    )
    regions: Regions | None = Field(None, description=REGIONS_HELP)
    participant_ids: list[Id] | None = Field(
        None, max_length=200, description="参加人员（用户 id；带队领导不重复列入）"
    )
    department_id: Id | None = Field(None, description="组织部门（您数据范围内的部门）")
    plan_id: Id | None = Field(None, description="所属招商计划（同一年度、您可查看的计划）")
    purpose: str | None = Field(None, max_length=5000, description="活动目的")
    summary: str | None = Field(None, max_length=10000, description="活动成果")
    budget: MoneyIn | None = Field(None, description="经费（万元；也可写 3.5万、12,000）")


class ActivityIn(_ActivityFields):
    """登记一次招商活动。kind 与 kind_id 填其一；end_on 不填为当天结束；
    department_id 不填为本人所在部门。"""

    title: str = Field(min_length=1, max_length=200, description="活动名称")
    start_on: Day = Field(description="开始日期（YYYY-MM-DD），不晚于一年以后")
    end_on: Day | None = Field(None, description="结束日期，不早于开始日期；不填与开始日期相同")
    leader_ids: list[Id] = Field(max_length=50, description="带队领导（用户 id），至少一名")


class ActivityUpdate(_ActivityFields):
    """修改招商活动（带 version）：只改提交的字段，其余保持不变。"""

    version: Version
    title: str | None = Field(None, min_length=1, max_length=200, description="活动名称")
    start_on: Day | None = Field(None, description="开始日期")
    end_on: Day | None = Field(None, description="结束日期")
    leader_ids: list[Id] | None = Field(None, max_length=50, description="带队领导；不能为空")


class OutcomeOut(BaseModel):
    """What the activity produced: the numbers its page shows."""

    companies: int = Field(description="考察/对接企业：走访和线索涉及的不同企业数")
    visits: int = Field(description="对接走访：关联该活动的走访记录数")
    leads: int = Field(description="收集线索：关联该活动的线索数")
    projects_discussed: int = Field(description="对接洽谈项目：其中进入洽谈或已转项目的线索数")
    signed: int = Field(description="签约项目：由该活动的线索转化（或直接关联该活动）且已签约的项目数")
    signed_amount: Decimal = Field(description="签约金额，万元（按签约统计口径）")


class ActivityOut(BaseModel):
    id: int
    kind_id: int
    kind: str = Field(description="活动类型名称")
    title: str
    start_on: dt.date
    end_on: dt.date
    days: int = Field(description="天数（含首尾）")
    away: bool = Field(description="外出招商")
    regions: list[str]
    leader_ids: list[int]
    leaders: list[str] = Field(description="带队领导姓名")
    participant_ids: list[int]
    department_id: int
    department: str = Field(description="组织部门名称")
    plan_id: int | None
    purpose: str | None
    summary: str | None
    budget: Decimal | None = Field(description="经费，万元")
    archived: bool
    outcome: OutcomeOut
    version: int


def activity_out(activity: Activity, outcome: Outcome) -> ActivityOut:
    return ActivityOut(
        id=activity.id,
        kind_id=activity.kind_id,
        kind=activity.kind.name,
        title=activity.title,
        start_on=activity.start_on,
        end_on=activity.end_on,
        days=activity.days,
        away=activity.away,
        regions=activity.region_names,
        leader_ids=[u.id for u in activity.leaders],
        leaders=[u.name for u in activity.leaders],
        participant_ids=[u.id for u in activity.participants],
        department_id=activity.department_id,
        department=activity.department.name,
        plan_id=activity.plan_id,
        purpose=activity.purpose,
        summary=activity.summary,
        budget=activity.budget,
        archived=activity.archived_at is not None,
        outcome=OutcomeOut(
            companies=outcome.companies,
            visits=outcome.visits,
            leads=outcome.leads,
            projects_discussed=outcome.discussed,
            signed=outcome.signed,
            signed_amount=outcome.signed_amount,
        ),
        version=activity.version,
    )
