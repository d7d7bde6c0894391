"""Reports over the API: the 四库 report, the funnel, 投资完成情况,
联审联批完成情况 and 招商活动统计, from the very report functions the pages
render (`library_report`, `funnel_report`, `investment_report`,
`approvals_report`, `activities_report`), so the numbers are the pages'
numbers; their parameters and answers are in `report_schemas.py`. Money as
decimal strings: 万元 exact, 亿元 with one decimal rounded half-up after
summing (as the pages show)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from flask_login import current_user

from app import clock
from app.api import bp
from app.api.common import saving
from app.api.core import ApiError, operation
from app.api.report_schemas import (
    ActivitiesOut,
    ActivitiesParams,
    ActivityFigures,
    ActivityGroup,
    Amounts,
    ApprovalFigures,
    ApprovalGroup,
    ApprovalsOut,
    ApprovalsParams,
    FunnelOut,
    FunnelParams,
    FunnelStepOut,
    InvestmentFigures,
    InvestmentGroup,
    InvestmentOut,
    InvestmentParams,
    LibraryOut,
    PeriodOut,
    ReportParams,
)
from app.db import db
from app.models import Library, RefItem, RefKind
from app.reports.activities import Row as ActivityRow
from app.reports.activities import activities_report, parse_activities_query
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
    if getattr(params, "chain_id", None) is not None:
        args["chain_id"] = str(params.chain_id)
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


# --- 招商活动统计 -----------------------------------------------------------------------


def _activity_figures(row: ActivityRow) -> dict[str, object]:
    wan, yi = _money(row.signed)
    return {
        "activities": row.activities.count,
        "away": row.away.count,
        "days_away": row.days_away,
        "companies": row.companies.count,
        "visits": row.visits.count,
        "leads": row.leads.count,
        "projects_discussed": row.discussed.count,
        "signed": row.signed.count,
        "signed_amount": wan,
        "signed_amount_yi": yi,
    }


@operation(
    bp,
    "GET",
    "/reports/activities",
    summary="招商活动统计（按带队领导、组织部门、活动类型或地区；按您有权查看的活动）",
    tag=TAG,
    query=ActivitiesParams,
    response=ActivitiesOut,
)
def activities(query: ActivitiesParams):
    args: dict[str, str] = {"by": query.group, "period": "year"}
    if query.start is not None or query.end is not None:
        args["period"] = "custom"
    for name in ("start", "end", "leader_id", "department_id"):
        value = getattr(query, name)
        if value is not None:
            args[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
    with saving():  # a ReportInputError is a refusal: 422 naming the parameter
        report = activities_report(parse_activities_query(args, clock.today(), current_user))
    return ActivitiesOut(
        group=report.dimension,
        period=_period(report.query),
        total=ActivityFigures(**_activity_figures(report.total)),  # type: ignore[arg-type]
        groups=[ActivityGroup(key=r.key, name=r.name, **_activity_figures(r)) for r in report.rows],  # type: ignore[arg-type]
    )
