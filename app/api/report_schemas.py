"""Schemas of the reports over the API (`app/api/reports.py`): the query
parameters of each report and its answer. Money as decimal strings: 万元
exact, 亿元 with one decimal rounded half-up after summing (as the pages
show)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from app.api.schemas import Day, Id, Query


class ReportParams(Query):
    period: Literal["month", "quarter", "year", "h1", "custom"] | None = Field(
        None, description="统计期间；给出 start 和 end 时为 custom，否则默认本年"
    )
    year: int | None = Field(None, ge=2000, le=2100)
    start: Day | None = None
    end: Day | None = None
    department_id: Id | None = None
    industry: str | None = Field(None, max_length=50, description="产业类别：编号或名称")
    source: str | None = Field(None, max_length=50, description="招商方式：编号或名称")
    tier: str | None = Field(None, max_length=50, description="企业类型：编号或名称")
    leader_id: Id | None = Field(None, description="分包领导")
    chain_id: Id | None = Field(None, description="产业链：线索记住的产业链；项目为放在其环节上或由其线索转化的")


class FunnelParams(ReportParams):
    view: Literal["cohort", "flow"] = Field("cohort", description="cohort 批次视图；flow 流量视图")


class Amounts(BaseModel):
    key: str
    name: str
    count: int
    amount_wan: str = Field(description="万元")
    amount_yi: str = Field(description="亿元，一位小数（四舍五入）")


class PeriodOut(BaseModel):
    start: dt.date
    end: dt.date


class LibraryOut(BaseModel):
    period: PeriodOut
    libraries: list[Amounts]
    total: Amounts


class FunnelStepOut(Amounts):
    rate_from_previous: str | None = Field(description="较上一步转化率（%，一位小数）；第一步或上一步为 0 时为 null")
    rate_overall: str | None = Field(description="总转化率（%）")


class FunnelOut(BaseModel):
    view: str
    period: PeriodOut
    steps: list[FunnelStepOut]


class InvestmentParams(Query):
    year: int | None = Field(None, ge=2000, le=2100, description="年份；默认为最近一个应报月份所在的年份")
    month: int | None = Field(
        None, ge=1, le=12, description="截至月份（1–12，不能晚于本月）；默认为最近一个应报月份（过去的年份为 12 月）"
    )
    by: Literal["department", "leader", "level", "kind", "industry"] = Field(
        "department", description="分组：牵头部门、分包领导、项目级别、项目类型、产业类别"
    )
    level: Literal["province", "city", "district", "none"] | None = Field(None, description="项目级别；none 为未定级")
    department_id: Id | None = Field(None, description="牵头部门")
    leader_id: Id | None = Field(None, description="分包领导")
    industry: str | None = Field(None, max_length=50, description="产业类别：编号或名称")
    kind: str | None = Field(None, max_length=50, description="项目类型：编号或名称")


class InvestmentFigures(BaseModel):
    projects: int = Field(description="年度重点项目计划中的项目数（您有权查看、未归档）")
    annual_plan: str = Field(description="年度计划投资，万元")
    month_completed: str = Field(description="截至月份当月完成投资，万元")
    completed: str = Field(description="1 月至截至月份累计完成投资，万元")
    rate: str | None = Field(description="完成率 = completed ÷ annual_plan（%，一位小数）；年度计划为 0 时为 null")
    started: int = Field(description="当年 1 月 1 日至截至月份月末开工的项目数")
    started_rate: str | None = Field(description="开工率 = started ÷ projects（%）；无项目时为 null")
    producing: int = Field(description="当年 1 月 1 日至截至月份月末投产的项目数")
    producing_rate: str | None = Field(description="投产率 = producing ÷ projects（%）")


class InvestmentGroup(InvestmentFigures):
    key: str = Field(description="分组取值：编号、级别（province/city/district）或 none（未指定/未定级）")
    name: str


class InvestmentOut(BaseModel):
    year: int
    month: int
    by: str
    period: PeriodOut
    total: InvestmentFigures
    groups: list[InvestmentGroup]


class ApprovalsParams(Query):
    start: Day | None = Field(None, description="统计期间开始日期（含）；与 end 同时给出，默认本年")
    end: Day | None = Field(None, description="统计期间结束日期（含），不早于 start")
    department_id: Id | None = Field(None, description="项目的牵头部门（与报表页的「牵头部门」筛选相同）")
    level: Literal["province", "city", "district", "none"] | None = Field(None, description="项目级别；none 为未定级")
    by: Literal["department", "type"] = Field("department", description="分组：审批部门、审批事项类型")


class ApprovalFigures(BaseModel):
    items: int = Field(
        description="事项数：计划完成日期或办结日期在期间内、未归档且非「无需办理」的事项（您有权查看的）"
    )
    approved: int = Field(description="办结日期在期间内的事项数")
    rate: str | None = Field(description="完成率 = approved ÷ items（%，一位小数，四舍五入）；无事项时为 null")
    overdue: int = Field(
        description="逾期：截至期间末与今天中较早的一天仍未办结、且计划完成日期早于该日的事项数（含以前期间结转的）"
    )
    average_days: str | None = Field(
        description="期间内办结且有申报日期的事项，申报至办结的平均天数（一位小数）；没有这样的事项时为 null"
    )


class ApprovalGroup(ApprovalFigures):
    key: str = Field(description="分组取值：审批部门编号或审批事项类型编号")
    name: str


class ApprovalsOut(BaseModel):
    by: str
    period: PeriodOut
    total: ApprovalFigures
    groups: list[ApprovalGroup]


class ActivitiesParams(Query):
    start: Day | None = Field(None, description="统计期间开始日期（含）；与 end 同时给出，默认本年。活动按开始日期计入")
    end: Day | None = Field(None, description="统计期间结束日期（含），不早于 start")
    leader_id: Id | None = Field(None, description="带队领导（领导用户编号）：只统计其带队的活动")
    department_id: Id | None = Field(None, description="组织部门")
    group: Literal["leader", "department", "kind", "region"] = Field(
        "leader", description="分组：带队领导、组织部门、活动类型、地区"
    )


class ActivityFigures(BaseModel):
    activities: int = Field(description="活动次数：期间内开始、未归档、您有权查看的招商活动")
    away: int = Field(description="外出次数：其中外出的活动")
    days_away: int = Field(description="外出天数：外出活动自开始至结束的天数之和")
    companies: int = Field(description="考察/对接企业：这些活动的走访和线索涉及的不同企业数（组内、合计内分别去重）")
    visits: int = Field(description="对接走访：关联这些活动的走访记录数")
    leads: int = Field(description="收集线索：关联这些活动的线索数")
    projects_discussed: int = Field(description="对接洽谈项目：其中进入洽谈或已转项目的线索数")
    signed: int = Field(description="签约项目：由这些活动的线索转化（或直接关联活动）且已签约的项目数，每个项目计一次")
    signed_amount: str = Field(description="签约金额，万元（按签约统计口径）")
    signed_amount_yi: str = Field(description="签约金额，亿元，一位小数（先求和后四舍五入，与报表页相同）")


class ActivityGroup(ActivityFigures):
    key: str = Field(description="分组取值：带队领导或组织部门、活动类型的编号，地区名称；none 为未指定")
    name: str


class ActivitiesOut(BaseModel):
    group: str
    period: PeriodOut
    total: ActivityFigures
    groups: list[ActivityGroup] = Field(
        description="各组；按带队领导或地区分组时，一次活动可计入多个组，各组之和可能大于合计"
    )
