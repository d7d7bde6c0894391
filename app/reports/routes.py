"""Report pages: parse the query string, call one report function, render
it as a page or export it as .xlsx (`?format=xlsx`). Bad input (dates, years,
ids, anything else) is refused: the page shows the message with status 400
(`ReportInputError`, a `Refusal`, raised while parsing or building)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock
from app.chains.choices import chain_choices
from app.lookups import department_choices, ref_choices, user_choices
from app.models import ProjectLevel, RefKind, Role
from app.pagination import page_args
from app.reports import (
    activities,
    activity,
    approvals,
    bp,
    chains,
    drill,
    funnel,
    investment,
    keyprojects,
    library,
    pack,
    render,
    speed,
)
from app.reports.filters import ReportQuery, choice, parse_query
from app.reports.periods import PRESETS, ReportInputError
from app.views import attempt

REPORTS = [
    ("reports.funnel", _l("招商漏斗"), _l("线索 → 已对接 → 洽谈 → 签约 → 开工 → 投产，批次与流量两种口径")),
    ("reports.library", _l("项目库统计"), _l("四库项目数与计划总投资，按部门、按产业；三个一批")),
    (
        "reports.activities",
        _l("招商活动统计"),
        _l("外出招商次数与天数、考察企业、线索、洽谈与签约，按带队领导、组织部门、活动类型、地区"),
    ),
    ("reports.activity", _l("对接走访统计"), _l("收集线索、对接企业、走访次数，按部门、按人员")),
    ("reports.targets", _l("目标考核"), _l("年度目标完成情况与部门排名（比学赶超）")),
    (
        "reports.ranking",
        _l("比学赶超综合排名"),
        _l("龙虎榜：目标完成、观摩评比、问题按期解决、督查整改按期，按权重综合排名"),
    ),
    ("reports.key_projects", _l("重点项目"), _l("红黄绿灯、五个一落实率、逾期问题督办")),
    ("reports.investment", _l("投资完成情况"), _l("年度重点项目计划投资、月度与累计完成、开工投产，对照序时进度")),
    ("reports.approvals", _l("联审联批完成情况"), _l("审批事项办结、完成率、逾期与平均办理天数，按审批部门、事项类型")),
    (
        "reports.problems",
        _l("问题解决情况"),
        _l("项目问题与企业诉求的上报、销号、按期销号与平均办理天数，按类别、部门、月份"),
    ),
    ("inspections.report", _l("督查整改统计"), _l("营商环境督办：督查事项、销号、按期整改与超期，按责任部门")),
    ("reports.chains", _l("产业链招商"), _l("各产业链、各环节的线索、洽谈与签约项目、计划投资，今年补链情况")),
    ("reports.speed", _l("周期分析"), _l("各环节停留天数的中位数与80分位，项目卡在哪里")),
    ("reports.pack", _l("调度会材料"), _l("一键生成周调度、月督查、季考评会议材料")),
]


def today() -> dt.date:
    return clock.today()


def _filter_choices() -> dict[str, Any]:
    return {
        "departments": department_choices(blank=_("全部部门")),
        "industries": ref_choices(RefKind.INDUSTRY, blank=_("全部产业")),
        "sources": ref_choices(RefKind.SOURCE, blank=_("全部招商方式")),
        "tiers": ref_choices(RefKind.TIER, blank=_("全部企业类型")),
        "leaders": user_choices(Role.LEADER, blank=_("全部领导")),
        "chains": chain_choices(blank=_("全部产业链")),
        "presets": list(PRESETS.items()),
    }


def run_report(
    template: str,
    parse: Callable[[], ReportQuery],
    build: Callable[[ReportQuery], Any],
    sheets: Callable[[Any], list],
    title: str,
    filename: str,
    **extra: Any,
):
    """Parse, build, then render or export; bad input → the page with the
    refusal's message (400), never a 500."""

    def parse_and_build() -> tuple[ReportQuery, Any]:
        query = parse()
        return query, build(query)

    outcome = attempt(parse_and_build, flash_refusal=False)
    if not outcome:
        page = render_template(template, report=None, error=outcome.message, title=title, **_filter_choices(), **extra)
        return page, 400
    query, report = outcome.value
    if request.args.get("format") == "xlsx":
        return render.export(filename, title, query, sheets(report))
    # What the filter form shows as chosen: the values actually used, defaults included.
    period = {"period": query.period.preset, "year": str(query.period.year)}
    selected = {**request.args.to_dict(), **query.options, **period}
    return render_template(
        template,
        report=report,
        error=None,
        title=title,
        generated=clock.now(),
        selected=selected,
        **_filter_choices(),
        **extra,
    )


@bp.context_processor
def _report_helpers() -> dict[str, Any]:
    return {
        "drill_url": render.drill_url,
        "pct_text": render.pct_text,
        "pct_cells": render.pct_cells,
        "report_n": render.number,
        "report_cells": render.row_cells,
        "report_yi": render.amount_yi,
        "report_wan": render.amount_wan,
        "report_days": render.days,
    }


@bp.route("/")
@login_required
def index():
    # Staff see district totals, but the lists behind them only within their scope.
    return render_template("reports/index.html", reports=REPORTS, scoped_lists=current_user.role is Role.STAFF)


@bp.route("/funnel", endpoint="funnel")
@login_required
def funnel_view():
    def parse() -> ReportQuery:
        view = choice(request.args, "view", funnel.VIEWS, "cohort")
        return parse_query(request.args, today(), options={"view": view})

    views = list(funnel.VIEWS.items())
    return run_report(
        "reports/funnel.html", parse, funnel.funnel_report, funnel.sheets, _("招商漏斗"), "招商漏斗", views=views
    )


@bp.route("/library", endpoint="library")
@login_required
def library_view():
    return run_report(
        "reports/library.html",
        lambda: parse_query(request.args, today()),
        library.library_report,
        library.sheets,
        _("项目库统计"),
        "项目库统计",
        dimensions=library.DIMENSIONS,
    )


@bp.route("/activity", endpoint="activity")
@login_required
def activity_view():
    return run_report(
        "reports/activity.html",
        lambda: parse_query(request.args, today(), default_period="month"),
        activity.activity_report,
        activity.sheets,
        _("对接走访统计"),
        "对接走访统计",
    )


@bp.route("/activities", endpoint="activities")
@login_required
def activities_view():
    return run_report(
        "reports/activities.html",
        lambda: activities.parse_activities_query(request.args, today(), current_user),
        activities.activities_report,
        activities.sheets,
        _("招商活动统计"),
        "招商活动统计",
        dimensions=list(activities.DIMENSIONS.items()),
    )


@bp.route("/key-projects")
@login_required
def key_projects():
    return run_report(
        "reports/key_projects.html",
        lambda: parse_query(request.args, today()),
        keyprojects.key_projects_report,
        keyprojects.sheets,
        _("重点项目"),
        "重点项目",
    )


@bp.route("/investment", endpoint="investment")
@login_required
def investment_view():
    return run_report(
        "reports/investment.html",
        lambda: investment.parse_investment_query(request.args, today(), current_user),
        investment.investment_report,
        investment.sheets,
        _("投资完成情况"),
        "投资完成情况",
        dimensions=list(investment.DIMENSIONS.items()),
        months=[(str(k), _("%(m)d月", m=k)) for k in range(1, 13)],
        levels=[*ProjectLevel.choices(), ("none", _("未定级"))],
        kinds=ref_choices(RefKind.PROJECT_KIND, blank=None),
    )


@bp.route("/approvals", endpoint="approvals")
@login_required
def approvals_view():
    return run_report(
        "reports/approvals.html",
        lambda: approvals.parse_approvals_query(request.args, today(), current_user),
        approvals.approvals_report,
        approvals.sheets,
        _("联审联批完成情况"),
        "联审联批完成情况",
        dimensions=list(approvals.DIMENSIONS.items()),
        levels=[*ProjectLevel.choices(), ("none", _("未定级"))],
    )


@bp.route("/chains", endpoint="chains")
@login_required
def chains_view():
    return run_report(
        "reports/chains.html",
        lambda: parse_query(request.args, today()),
        chains.chains_report,
        chains.sheets,
        _("产业链招商"),
        "产业链招商",
    )


@bp.route("/speed", endpoint="speed")
@login_required
def speed_view():
    def parse() -> ReportQuery:
        dim = choice(request.args, "by", speed.DIMENSIONS, "department")
        return parse_query(request.args, today(), options={"by": dim})

    return run_report(
        "reports/speed.html",
        parse,
        speed.speed_report,
        speed.sheets,
        _("周期分析"),
        "周期分析",
        dimensions=list(speed.DIMENSIONS.items()),
        dimensions_map=speed.DIMENSIONS,
    )


@bp.route("/pack", endpoint="pack")
@login_required
def pack_view():
    def parse() -> ReportQuery:
        meeting = choice(request.args, "meeting", pack.MEETINGS, "weekly")
        args = request.args.to_dict()
        if "period" not in args:
            args["period"] = pack.MEETINGS[meeting][1]
        return parse_query(args, today(), options={"meeting": meeting})

    return run_report(
        "reports/pack.html",
        parse,
        lambda q: pack.meeting_pack(q, current_user),
        pack.sheets,
        _("调度会材料"),
        "调度会材料",
        meetings=[(k, v[0]) for k, v in pack.MEETINGS.items()],
    )


@bp.route("/drill/<entity>", endpoint="drill")
@login_required
def drill_view(entity: str):
    page, per_page = page_args()

    def build() -> tuple[ReportQuery, drill.Drill]:
        query = parse_query(request.args, today(), options={})
        if entity not in drill.ENTITIES:
            raise ReportInputError(_("记录类型不存在。"))
        dims = drill.parse_dims(request.args)
        return query, drill.drill(entity, request.args.get("m") or "", query, dims, current_user, page, per_page)

    outcome = attempt(build, flash_refusal=False)
    if not outcome:
        return render_template("reports/drill.html", result=None, error=outcome.message), 400
    query, result = outcome.value
    return render_template("reports/drill.html", result=result, error=None, query=query)
