"""What the benchmark measures: the personas (role and data scope) and the
pages, each page for every persona whose view of it differs.

Personas are chosen from the seeded data: the admin, the viewer, the leader
responsible for the most projects, and staff with each data scope
(department, department_tree, own) in the department holding the most leads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import sqlalchemy as sa

from app.db import db
from app.models import Company, DataScope, Department, Lead, Project, RefItem, RefKind, Role, Stage, User
from bench.seed_campaigns import busiest_campaign_id
from bench.seed_chains import busiest_chain_id

PERSONAS = ("admin", "leader", "staff_department", "staff_tree", "staff_own", "viewer")
PERSONA_LABELS = {
    "admin": "admin/all",
    "leader": "leader",
    "staff_department": "staff/department",
    "staff_tree": "staff/department_tree",
    "staff_own": "staff/own",
    "viewer": "viewer",
}
EVERYONE = PERSONAS
# Reports show district-wide numbers to every role: one persona each kind.
REPORT_PERSONAS = ("admin", "staff_department")


@dataclass(frozen=True)
class Context:
    """Ids the page URLs need, found in the seeded database."""

    users: dict[str, str]  # persona → username
    busiest_leader_id: int
    industry_id: int
    company_id: int
    export_from: dt.date
    export_rows: int
    campaign_id: int | None = None
    chain_id: int | None = None


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    kind: str  # "list" (paginated) | "page" | "report" | "export"
    url: Callable[[Context, str], str]  # (context, persona) → URL
    personas: tuple[str, ...] = EVERYONE
    floor: str | None = None  # key in bench.floors.FLOORS


def _q(path: str, **args: object) -> str:
    return f"{path}?{urlencode(args)}" if args else path


def _desk(ctx: Context, persona: str) -> str:
    return "/projects/desk" if persona == "leader" else _q("/projects/desk", leader_id=ctx.busiest_leader_id)


CASES: list[Case] = [
    Case(
        "leads.filtered",
        "线索列表（筛选）",
        "list",
        lambda c, p: _q("/leads/", status="open", industry_id=c.industry_id, sort="-received"),
    ),
    Case("leads.keyword", "线索列表（关键词 华润科技）", "list", lambda c, p: _q("/leads/", q="华润科技")),
    Case("leads.pinyin", "线索列表（拼音首字母 hrkj）", "list", lambda c, p: _q("/leads/", q="hrkj")),
    Case("projects.library", "项目库（招引库）", "list", lambda c, p: _q("/projects/", library="attracting")),
    Case("problems.ledger", "问题台账", "list", lambda c, p: "/problems/"),
    Case("agreements.fulfilment", "履约跟踪", "list", lambda c, p: "/agreements/"),
    Case("delivery.month", "投资月报（应报月份）", "list", lambda c, p: "/delivery/"),
    Case("delivery.plans", "年度重点项目计划", "list", lambda c, p: "/delivery/plans"),
    Case("home", "首页（各角色）", "page", lambda c, p: "/"),
    Case("desk", "领导工作台", "page", _desk, personas=("admin", "leader", "viewer")),
    Case("company", "企业页", "page", lambda c, p: f"/companies/{c.company_id}"),
    Case("delivery.campaigns", "三个一批活动列表", "list", lambda c, p: "/delivery/campaigns"),
    Case("approvals.ledger", "联审联批事项台账", "list", lambda c, p: "/approvals/"),
    Case("activities.plans", "招商计划", "list", lambda c, p: "/activities/plans"),
    Case("delivery.campaign", "三个一批活动页", "page", lambda c, p: f"/delivery/campaigns/{c.campaign_id}"),
    Case("chains.map", "产业链图谱", "page", lambda c, p: f"/chains/{c.chain_id}", ("admin", "staff_department")),
    Case("chains.targets", "招商目标企业库", "list", lambda c, p: "/chains/targets", ("admin", "staff_department")),
    Case(
        "report.funnel_cohort",
        "招商漏斗（批次）",
        "report",
        lambda c, p: _q("/reports/funnel", view="cohort"),
        REPORT_PERSONAS,
        "funnel_cohort",
    ),
    Case(
        "report.funnel_flow",
        "招商漏斗（流量）",
        "report",
        lambda c, p: _q("/reports/funnel", view="flow"),
        REPORT_PERSONAS,
        "funnel_flow",
    ),
    Case("report.library", "四库统计", "report", lambda c, p: "/reports/library", REPORT_PERSONAS, "library"),
    Case("report.ranking", "目标考核排名", "report", lambda c, p: "/reports/targets", REPORT_PERSONAS, "ranking"),
    # Over the projects the viewer may see: every scope differs.
    Case("report.investment", "投资完成情况", "report", lambda c, p: "/reports/investment", EVERYONE),
    Case("report.approvals", "联审联批完成情况", "report", lambda c, p: "/reports/approvals", REPORT_PERSONAS),
    # Every other report page: held to the same bar (issue 24: every report).
    Case("report.activity", "对接走访统计", "report", lambda c, p: "/reports/activity", REPORT_PERSONAS),
    Case("report.activities", "招商活动统计", "report", lambda c, p: "/reports/activities", REPORT_PERSONAS),
    Case("report.key_projects", "重点项目", "report", lambda c, p: "/reports/key-projects", REPORT_PERSONAS),
    Case("report.chains", "产业链招商", "report", lambda c, p: "/reports/chains", REPORT_PERSONAS),
    Case("report.speed", "周期分析", "report", lambda c, p: "/reports/speed", REPORT_PERSONAS),
    Case("report.composite", "比学赶超综合排名", "report", lambda c, p: "/reports/ranking", REPORT_PERSONAS),
    Case("report.pack", "调度会材料", "report", lambda c, p: "/reports/pack", REPORT_PERSONAS),
    Case(
        "export.leads",
        "线索导出 Excel",
        "export",
        lambda c, p: _q("/leads/export.xlsx", received_from=c.export_from.isoformat()),
        ("admin",),
    ),
]


def _first(stmt: sa.Select) -> str:
    value = db.session.scalar(stmt.limit(1))
    if value is None:
        raise RuntimeError(f"the seeded data has no user for: {stmt}")
    return value


def context(export_rows: int = 10_000) -> Context:
    """Find the personas and ids in the seeded database (app context)."""
    lead_load = (
        sa.select(Lead.owner_department_id.label("dept"), sa.func.count().label("n"))
        .group_by(Lead.owner_department_id)
        .subquery()
    )
    parent_ids = sa.select(Department.parent_id).where(Department.parent_id.is_not(None))
    # Staff of the departments holding the most leads first.
    staff = (
        sa.select(User.username)
        .outerjoin(lead_load, lead_load.c.dept == User.department_id)
        .where(User.role == Role.STAFF, User.active.is_(True))
    )
    leader_load = (
        sa.select(Project.responsible_leader_id, sa.func.count().label("n"))
        .where(Project.stage != Stage.EXITED, Project.archived_at.is_(None))
        .group_by(Project.responsible_leader_id)
        .subquery()
    )
    busiest_leader = db.session.execute(
        sa.select(User.id, User.username)
        .join(leader_load, leader_load.c.responsible_leader_id == User.id)
        .where(User.role == Role.LEADER)
        .order_by(leader_load.c.n.desc(), User.id)
        .limit(1)
    ).one()
    users = {
        "admin": _first(sa.select(User.username).where(User.role == Role.ADMIN).order_by(User.id)),
        "viewer": _first(sa.select(User.username).where(User.role == Role.VIEWER).order_by(User.id)),
        "leader": busiest_leader.username,
        "staff_department": _first(
            staff.where(User.scope == DataScope.DEPARTMENT).order_by(lead_load.c.n.desc().nulls_last(), User.id)
        ),
        "staff_tree": _first(
            staff.where(User.scope == DataScope.DEPARTMENT_TREE).order_by(
                User.department_id.in_(parent_ids).desc(), User.id
            )
        ),
        "staff_own": _first(
            staff.where(User.scope == DataScope.OWN).order_by(lead_load.c.n.desc().nulls_last(), User.id)
        ),
    }
    industry_id = db.session.scalar(
        sa.select(RefItem.id).where(RefItem.kind == RefKind.INDUSTRY).order_by(RefItem.sort_order, RefItem.id).limit(1)
    )
    # The company with the most leads: the heaviest company page.
    company_id = db.session.scalar(
        sa.select(Lead.company_id)
        .join(Company, Company.id == Lead.company_id)
        .group_by(Lead.company_id)
        .order_by(sa.func.count().desc(), Lead.company_id)
        .limit(1)
    )
    # The receipt date from which about `export_rows` leads were received.
    dates = sa.select(Lead.received_on).where(Lead.archived_at.is_(None)).order_by(Lead.received_on.desc())
    total = db.session.scalar(sa.select(sa.func.count(Lead.id)).where(Lead.archived_at.is_(None))) or 0
    export_from = db.session.scalar(dates.offset(min(export_rows, total) - 1).limit(1))
    rows = db.session.scalar(
        sa.select(sa.func.count(Lead.id)).where(Lead.archived_at.is_(None), Lead.received_on >= export_from)
    )
    return Context(
        users,
        busiest_leader.id,
        industry_id,
        company_id,
        export_from,
        int(rows or 0),
        busiest_campaign_id(),
        busiest_chain_id(),
    )
