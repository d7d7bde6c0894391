"""调度会材料: one action builds the pack for the weekly 调度 (this week by
default), monthly 督查 or quarterly 考评 meeting — funnel (flow view), 四库
and 三个一批, the departments' ranking (龙虎榜: the composite 比学赶超 ranking
from the year's start to the period's end), key projects by leader with
their lights and the projects behind the red and yellow ones, overdue
problems, leaders' 批示 past their 办理时限 without 反馈, 投资完成
(through the latest month due, by department, over what the viewer may
see), 联审联批完成情况 (the period's, by approving department, over what
the viewer may see) and 招商活动 (the activities starting in the period,
by leading leader, over what the viewer may see) — as one printable A4
portrait document and one workbook with a sheet per part. Every part is the same report function as its own page, so
the numbers agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.db import db
from app.delivery.schedule import due_month, month_start
from app.models import Instruction, Light, Project, TargetMetric, User
from app.permissions import project_filter
from app.projects import instruction_rules
from app.projects.five_ones import rate_denominator
from app.projects.lights import current_light, light_details, light_rank
from app.reports import activities, approvals, funnel, investment, keyprojects, library, ranking, targets
from app.reports import chains as chains_report
from app.reports import problems as problems_report
from app.reports.filters import ReportQuery, project_conditions

# meeting → (title, default period)
MEETINGS: dict[str, tuple[Any, str]] = {
    "weekly": (_l("周调度会"), "week"),
    "monthly": (_l("月度督查会"), "month"),
    "quarterly": (_l("季度考评会"), "quarter"),
}
ATTENTION_LIMIT = 200  # red/yellow projects listed on paper


@dataclass
class AttentionRow:
    leader: str
    name: str
    department: str
    stage: str
    light: Light
    reason: str


@dataclass
class LateInstruction:
    leader: str
    project: str
    text: str
    due_on: dt.date
    days: int
    status: str


@dataclass
class MeetingPack:
    query: ReportQuery
    title: str
    funnel: funnel.FunnelReport
    library: library.LibraryReport
    ranking: targets.TargetsReport
    composite: ranking.RankingReport  # 龙虎榜: the year to the period's end
    key_projects: keyprojects.KeyProjectsReport
    attention: list[AttentionRow]  # red and yellow key projects, by leader
    late_instructions: list[LateInstruction]  # 批示 past their 办理时限 without 反馈
    investment: investment.InvestmentSummary  # by department
    approvals: approvals.ApprovalsReport  # by approving department
    activities: activities.ActivitiesReport  # by leading leader (带队领导)
    problems: problems_report.ProblemsReport  # 问题解决情况, by responsible department
    chains: chains_report.ChainsReport  # 产业链招商, per chain and segment


def _attention(q: ReportQuery, viewer: User | None = None) -> list[AttentionRow]:
    """Red and yellow key projects grouped by leader, red first; reasons for
    the whole list in one more query. Named projects are those `viewer` may
    see (staff get district-wide figures as totals, never other departments'
    project names)."""
    light = current_light(q.today)
    leader = sa.orm.aliased(User)
    stmt = (
        sa.select(Project, light.label("light"), leader.name.label("leader_name"))
        .outerjoin(leader, Project.responsible_leader_id == leader.id)
        .options(sa.orm.joinedload(Project.lead_department))
        .where(*project_conditions(q.filters), rate_denominator(), light.in_([Light.RED.value, Light.YELLOW.value]))
        .where(project_filter(viewer) if viewer is not None else sa.true())
        .order_by(leader.name.is_(None), leader.name, light_rank(light), Project.name)
        .limit(ATTENTION_LIMIT)
    )
    rows = db.session.execute(stmt).all()
    details = light_details([row.Project.id for row in rows], q.today)
    return [
        AttentionRow(
            leader=row.leader_name or "未指定",
            name=row.Project.name,
            department=row.Project.lead_department.name if row.Project.lead_department else "—",
            stage=row.Project.stage.label,
            light=Light(row.light),
            reason=details[row.Project.id].reason if row.Project.id in details else "",
        )
        for row in rows
    ]


def _late_instructions(q: ReportQuery, viewer: User | None = None) -> list[LateInstruction]:
    """Leaders' instructions past their 办理时限 with no 反馈 yet, as of the
    pack's day (the rule of `projects/instruction_rules.py`), on projects
    `viewer` may see, the longest overdue first."""
    leader = sa.orm.aliased(User)
    rows = db.session.execute(
        sa.select(Instruction, Project.name, leader.name)
        .join(Project, Project.id == Instruction.project_id)
        .outerjoin(leader, leader.id == Instruction.leader_id)
        .where(instruction_rules.overdue_condition(q.today), Project.archived_at.is_(None))
        .where(project_filter(viewer) if viewer is not None else sa.true())
        .order_by(Instruction.due_on, Instruction.id)
        .limit(ATTENTION_LIMIT)
    ).all()
    return [
        LateInstruction(
            leader=leader_name or "—",
            project=project_name,
            text=instruction.text,
            due_on=instruction.due_on,
            days=instruction_rules.days_overdue(instruction, q.today),
            status=instruction.status.label,
        )
        for instruction, project_name, leader_name in rows
    ]


def meeting_pack(q: ReportQuery, viewer: User | None = None) -> MeetingPack:
    meeting = q.options.get("meeting", "weekly")
    flow = replace(q, options={"view": "flow"})
    year = replace(
        q,
        period=replace(
            q.period,
            start=q.period.start.replace(month=1, day=1),
            end=q.period.start.replace(month=12, day=31),
            preset="year",
        ),
        options={"metric": TargetMetric.SIGNED_AMOUNT.value},
    )
    return MeetingPack(
        query=q,
        title=str(MEETINGS[meeting][0]),
        funnel=funnel.funnel_report(flow),
        library=library.library_report(q),
        ranking=targets.targets_report(year),
        composite=ranking.ranking_report(replace(year, period=replace(year.period, end=q.period.end), options={})),
        key_projects=keyprojects.key_projects_report(q),
        attention=_attention(q, viewer),
        late_instructions=_late_instructions(q, viewer),
        investment=investment.investment_report(_investment_query(q, viewer)),
        approvals=approvals.approvals_report(replace(q, viewer=viewer, options={"by": "department"})),
        activities=activities.activities_report(replace(q, viewer=viewer, options={"by": "leader"})),
        problems=problems_report.build(viewer, q.period.start, q.period.end, "department"),
        chains=chains_report.chains_report(q),
    )


def _investment_query(q: ReportQuery, viewer: User | None) -> ReportQuery:
    """Through the latest month due, or the period's last month when the
    period ended before it (a past year's pack)."""
    last = min(due_month(q.today), month_start(q.period.end))
    return investment.through(replace(q, viewer=viewer), last.year, last.month, "department")


def sheets(pack: MeetingPack) -> list[tuple[str, list[str], list[list[Any]]]]:
    attention = [[r.leader, r.name, r.department, r.stage, r.light.label, r.reason] for r in pack.attention]
    return [
        *funnel.sheets(pack.funnel)[:1],
        *library.sheets(pack.library)[:1],
        library.sheets(pack.library)[-1],
        *ranking.sheets(pack.composite),
        *targets.sheets(pack.ranking)[:2],
        keyprojects.sheets(pack.key_projects)[0],
        ("红黄灯项目", ["分包领导", "项目", "牵头部门", "阶段", "灯", "原因"], attention),
        (
            "逾期批示",
            ["批示领导", "项目", "批示内容", "办理时限", "逾期天数", "状态"],
            [[r.leader, r.project, r.text, r.due_on, r.days, r.status] for r in pack.late_instructions],
        ),
        keyprojects.sheets(pack.key_projects)[2],
        investment.sheets(pack.investment)[0],
        *approvals.sheets(pack.approvals),
        *activities.sheets(pack.activities),
        problems_report.sheet(pack.problems),
        *[(f"产业链-{title}", heads, rows) for title, heads, rows in chains_report.sheets(pack.chains)],
    ]
