"""Schemas of annual plans (年度计划) and monthly investment reports (投资月报)
over the API, and the functions that turn the records into them. Months
travel as YYYY-MM; amounts are 万元, read by the one money parser
(`MoneyIn`: "3.5亿", "3500万", numbers). The services
(`app.delivery.plans`, `app.delivery.investments`) re-check every rule."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from app.api.common import MoneyIn, Version
from app.api.schemas import DateTimeOut, Day, PageQuery, Strict
from app.delivery.schedule import rate
from app.models import AnnualPlan, InvestmentReport, InvestmentRevision

MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
MONTH_MESSAGE = "请输入有效的月份（YYYY-MM），如 2026-03。"


def _month(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(MONTH_PATTERN, value.strip()):
        return value.strip()
    raise PydanticCustomError("month_format", MONTH_MESSAGE)


# An input month: YYYY-MM.
MonthIn = Annotated[str, Field(pattern=MONTH_PATTERN, examples=["2026-03"]), BeforeValidator(_month)]


def first_day(month: str) -> dt.date:
    """ "2026-03" → 2026-03-01 (the month as the reports store it)."""
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)


def month_text(month: dt.date | None) -> str | None:
    return month.strftime("%Y-%m") if month else None


# --- annual plans ------------------------------------------------------------------


class PlanIn(Strict):
    """项目某一年度的计划，整体提交：修改时未提交的字段（日期、建设内容、分月计划）清空。"""

    planned_investment: MoneyIn = Field(description="年度计划投资（万元），可写 3.5亿、3500万")
    planned_start_on: Day | None = Field(None, description="计划开工日期（须在该年度内）")
    planned_production_on: Day | None = Field(None, description="计划投产日期（须在该年度内，且不早于计划开工）")
    content: str | None = Field(None, max_length=5000, description="年度建设内容")
    phasing: list[MoneyIn | None] | None = Field(
        None,
        min_length=12,
        max_length=12,
        description="分月计划：1–12 月各月计划投资（万元），合计须等于年度计划投资；"
        "不提交或 null 为不分月（序时进度按时间均摊）",
    )
    version: Version | None = Field(None, description="修改已有计划时必填：读取计划时的 version（乐观锁）；新建时不填")

    @field_validator("phasing", mode="before")
    @classmethod
    def _twelve_months(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) != 12:
            raise PydanticCustomError("phasing_length", "分月计划须填写 1–12 月共 12 个月。")
        return value


class PlanOut(BaseModel):
    id: int
    project_id: int
    year: int = Field(description="计划年度")
    planned_investment: Decimal = Field(description="年度计划投资（万元）")
    planned_start_on: dt.date | None = Field(description="计划开工日期")
    planned_production_on: dt.date | None = Field(description="计划投产日期")
    content: str | None = Field(description="年度建设内容")
    completed: Decimal = Field(description="年度累计完成投资（万元）：该年度已报各月之和")
    rate: Decimal | None = Field(description="年度投资完成率（%，一位小数）；计划投资为 0 时为 null")
    reported_through: str | None = Field(description="已报至月份（YYYY-MM）；未报为 null")
    phasing: list[Decimal] | None = Field(description="分月计划：1–12 月各月计划投资（万元）；未分月为 null")
    version: int


def plan_out(plan: AnnualPlan) -> PlanOut:
    return PlanOut(
        id=plan.id,
        project_id=plan.project_id,
        year=plan.year,
        planned_investment=plan.planned_investment,
        planned_start_on=plan.planned_start_on,
        planned_production_on=plan.planned_production_on,
        content=plan.content,
        completed=plan.completed,
        rate=rate(plan.completed, plan.planned_investment),
        reported_through=month_text(plan.reported_through),
        phasing=[m.planned for m in plan.months] or None,
        version=plan.version,
    )


# --- monthly investment reports ------------------------------------------------------


class InvestmentQuery(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100, description="只列该年度的月报")


class InvestmentIn(Strict):
    """项目某月的投资月报。未报的月份为新报；已报的月份只能写明 reason 更正
    （不写原因：未审核的答 409 该月已填报，已审核锁定的答 422 并指明 reason）。"""

    month: MonthIn = Field(description="月份（YYYY-MM），不能晚于本月，且该年度须已列入年度计划")
    completed: MoneyIn = Field(description="本月完成投资（万元），可写 3.5亿、3500万；不能为负数")
    progress: str | None = Field(
        None, max_length=5000, description="形象进度；更正时不提交则保留原来的形象进度，null 为清空"
    )
    reason: str | None = Field(
        None,
        max_length=1000,
        description="更正原因：更正已报月份时必填（已审核的月份更正后形成修订记录并重新审核）；新报月份不用",
    )
    version: Version | None = Field(None, description="更正时可带该月月报的 version（乐观锁）")


class RevisionOut(BaseModel):
    revision: int = Field(description="修订号")
    previous_completed: Decimal = Field(description="更正前本月完成投资（万元）")
    completed: Decimal = Field(description="更正后本月完成投资（万元）")
    previous_progress: str | None = Field(description="更正前形象进度")
    progress: str | None = Field(description="更正后形象进度")
    reason: str = Field(description="更正原因")
    changed_by_id: int | None = Field(description="更正人")
    changed_at: DateTimeOut


class InvestmentOut(BaseModel):
    id: int
    project_id: int
    month: str = Field(description="月份（YYYY-MM）")
    completed: Decimal = Field(description="本月完成投资（万元）")
    progress: str | None = Field(description="形象进度")
    status: Literal["submitted", "reviewed"] = Field(description="submitted 已报待审核；reviewed 已审核（锁定）")
    revision: int = Field(description="修订次数：审核后每更正一次加一")
    reported_by_id: int | None = Field(description="填报人（最近一次填报或更正）")
    reported_at: DateTimeOut
    reviewed_by_id: int | None = Field(description="审核人")
    reviewed_at: DateTimeOut | None
    version: int
    revisions: list[RevisionOut] = Field(description="审核后的更正记录，按修订号")


class ReviewIn(Strict):
    version: Version | None = Field(None, description="读取月报时的 version（乐观锁，可不填）")


def _revision_out(r: InvestmentRevision) -> RevisionOut:
    return RevisionOut(
        revision=r.revision,
        previous_completed=r.previous_completed,
        completed=r.completed,
        previous_progress=r.previous_progress,
        progress=r.progress,
        reason=r.reason,
        changed_by_id=r.changed_by_id,
        changed_at=r.changed_at,
    )


def investment_out(report: InvestmentReport) -> InvestmentOut:
    return InvestmentOut(
        id=report.id,
        project_id=report.project_id,
        month=report.month.strftime("%Y-%m"),
        completed=report.completed,
        progress=report.progress,
        status=report.status.value,
        revision=report.revision,
        reported_by_id=report.reported_by_id,
        reported_at=report.reported_at,
        reviewed_by_id=report.reviewed_by_id,
        reviewed_at=report.reviewed_at,
        version=report.version,
        revisions=[_revision_out(r) for r in report.revisions],
    )
