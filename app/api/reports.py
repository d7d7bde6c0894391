"""Reports over the API: the 四库 report, the funnel, 投资完成情况 and
联审联批完成情况, from the very report functions the pages render
(`library_report`, `funnel_report`, `investment_report`, `approvals_report`),
so the numbers are the pages' numbers. Money as decimal strings: 万元 exact,
亿元 with one decimal rounded half-up after summing (as the pages show)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

import sqlalchemy as sa
from flask_login import current_user
from pydantic import BaseModel, Field

from app import clock
from app.api import bp
from app.api.common import saving
from app.api.core import ApiError, operation
from app.api.schemas import Day, Id, Query
from app.db import db
from app.models import Library, RefItem, RefKind
from app.reports.approvals import Row as ApprovalRow
from app.reports.approvals import approvals_report, parse_approvals_query
from app.reports.filters import ReportQuery, parse_query
from app.reports.funnel import funnel_report
from app.reports.investment import InvestmentSummary, Row, investment_report, parse_investment_query
from app.reports.library import library_report
from app.reports.measures import Cell
from app.reports.render import yi_number

TAG = "报表"
WAN = Decimal("0.0001")


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


def _ref_id(raw: str | None, kind: RefKind, what: str) -> str | None:
    """A reference filter given by id or by name → the id as a query value."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if text.isascii() and text.isdigit():
        return text
    item_id = db.session.scalar(sa.select(RefItem.id).where(RefItem.kind == kind, RefItem.name == text))
    if item_id is None:
        message = f"「{text[:20]}」不在该筛选项的取值中。"
        raise ApiError(422, message, {what: message})
    return str(item_id)


def _query(params: ReportParams, options: dict[str, str] | None = None) -> ReportQuery:
    """The ReportQuery the report page would build from the same choices."""
    args: dict[str, str] = {}
    period = params.period or ("custom" if params.start or params.end else "year")
    args["period"] = period
    if params.year is not None:
        args["year"] = str(params.year)
    for name in ("start", "end"):
        value = getattr(params, name)
        if value is not None:
            args[name] = value.isoformat()
    if params.department_id is not None:
        args["department_id"] = str(params.department_id)
    if params.leader_id is not None:
        args["leader_id"] = str(params.leader_id)
    for name, kind, arg in (
        ("industry", RefKind.INDUSTRY, "industry_id"),
        ("source", RefKind.SOURCE, "source_id"),
        ("tier", RefKind.TIER, "tier_id"),
    ):
        value = _ref_id(getattr(params, name), kind, name)
        if value is not None:
            args[arg] = value
    with saving():  # a ReportInputError is a refusal: 422 with its message
        return parse_query(args, clock.today(), options=options)


def _money(cell: Cell) -> tuple[str, str]:
    """(万元, 亿元 with one decimal) as decimal strings."""
    amount = Decimal(cell.amount or 0)
    return str(amount.quantize(WAN)), str(yi_number(amount))


def _amounts(key: str, name: str, cell: Cell) -> Amounts:
    wan, yi = _money(cell)
    return Amounts(key=key, name=name, count=cell.count, amount_wan=wan, amount_yi=yi)


def _period(q: ReportQuery) -> PeriodOut:
    return PeriodOut(start=q.period.start, end=q.period.end)


@operation(
    bp,
    "GET",
    "/reports/library",
    summary="四库统计（项目数与计划总投资）",
    tag=TAG,
    query=ReportParams,
    response=LibraryOut,
)
def library(query: ReportParams):
    q = _query(query)
    report = library_report(q)
    *libraries, (total_name, total_cell) = report.libraries
    return LibraryOut(
        period=_period(q),
        libraries=[_amounts(lib.value, name, cell) for lib, (name, cell) in zip(Library, libraries, strict=True)],
        total=_amounts("total", total_name, total_cell),
    )


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@operation(
    bp,
    "GET",
    "/reports/funnel",
    summary="招商漏斗（批次或流量视图）",
    tag=TAG,
    query=FunnelParams,
    response=FunnelOut,
)
def funnel(query: FunnelParams):
    q = _query(query, options={"view": query.view})
    report = funnel_report(q)
    steps = []
    for s in report.steps:
        wan, yi = _money(s.cell)
        steps.append(
            FunnelStepOut(
                key=s.key,
                name=s.label,
                count=s.cell.count,
                amount_wan=wan,
                amount_yi=yi,
                rate_from_previous=_rate(s.step_rate),
                rate_overall=_rate(s.overall_rate),
            )
        )
    return FunnelOut(view=report.view, period=_period(q), steps=steps)


# --- 投资完成情况 ---------------------------------------------------------------------


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


def _wan(amount: Decimal | None) -> str:
    return str(Decimal(amount or 0).quantize(WAN))


def _figures(row: Row) -> dict[str, object]:
    return {
        "projects": row.projects.count,
        "annual_plan": _wan(row.projects.amount),
        "month_completed": _wan(row.month.amount),
        "completed": _wan(row.ytd.amount),
        "rate": _rate(row.rate),
        "started": row.started.count,
        "started_rate": _rate(row.started_rate),
        "producing": row.producing.count,
        "producing_rate": _rate(row.producing_rate),
    }


def _investment_out(report: InvestmentSummary) -> InvestmentOut:
    return InvestmentOut(
        year=report.year,
        month=report.month,
        by=report.dimension,
        period=_period(report.query),
        total=InvestmentFigures(**_figures(report.total)),  # type: ignore[arg-type]
        groups=[InvestmentGroup(key=r.key, name=r.name, **_figures(r)) for r in report.rows],  # type: ignore[arg-type]
    )


@operation(
    bp,
    "GET",
    "/reports/investment",
    summary="投资完成情况（年度重点项目计划，截至某月；按您有权查看的项目）",
    tag=TAG,
    query=InvestmentParams,
    response=InvestmentOut,
)
def investment(query: InvestmentParams):
    args: dict[str, str] = {"by": query.by}
    for name in ("year", "month", "level", "department_id", "leader_id"):
        value = getattr(query, name)
        if value is not None:
            args[name] = str(value)
    for name, kind, arg in (("industry", RefKind.INDUSTRY, "industry_id"), ("kind", RefKind.PROJECT_KIND, "kind_id")):
        value = _ref_id(getattr(query, name), kind, name)
        if value is not None:
            args[arg] = value
    with saving():  # a ReportInputError is a refusal: 422 naming the parameter
        report = investment_report(parse_investment_query(args, clock.today(), current_user))
    return _investment_out(report)


# --- 联审联批完成情况 -------------------------------------------------------------------


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


def _approval_figures(row: ApprovalRow) -> dict[str, object]:
    days = row.average_days
    return {
        "items": row.items.count,
        "approved": row.approved.count,
        "rate": _rate(row.rate),
        "overdue": row.overdue.count,
        "average_days": None if days is None else str(days),
    }


@operation(
    bp,
    "GET",
    "/reports/approvals",
    summary="联审联批完成情况（按审批部门或事项类型；按您有权查看的审批事项）",
    tag=TAG,
    query=ApprovalsParams,
    response=ApprovalsOut,
)
def approvals(query: ApprovalsParams):
    args: dict[str, str] = {"by": query.by, "period": "year"}
    if query.start is not None or query.end is not None:
        args["period"] = "custom"
    for name in ("start", "end", "level", "department_id"):
        value = getattr(query, name)
        if value is not None:
            args[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
    with saving():  # a ReportInputError is a refusal: 422 naming the parameter
        report = approvals_report(parse_approvals_query(args, clock.today(), current_user))
    return ApprovalsOut(
        by=report.dimension,
        period=_period(report.query),
        total=ApprovalFigures(**_approval_figures(report.total)),  # type: ignore[arg-type]
        groups=[ApprovalGroup(key=r.key, name=r.name, **_approval_figures(r)) for r in report.rows],  # type: ignore[arg-type]
    )
