"""Synthetic but realistic data at three sizes, inserted in bulk (Core
executemany in chunks, no ORM objects), consistent with the maintained
columns the app relies on (funnel dates, last visit, search text, stage
dates), on SQLite and PostgreSQL alike.

Besides the core tables it fills what the benchmarked pages show: company
tiers, visits that belong to a converted lead's project (some with a leader
present), staff with the `own` data scope, funds received, leaders'
instructions and this year's targets; this year's key-project list with
its monthly investment reports; and the approval items (审批事项) of the key
projects past signing. Those extras draw from random streams of their own,
so the core rows stay what they were.

    python -m bench.seed --size L --database-url postgresql://…
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app import clock, facts, rollups
from app.auth.passwords import hash_password
from app.companies.names import normalize_company_name
from app.db import db
from app.delivery.schedule import due_month
from app.models import (
    STAGE_ORDER,
    Agreement,
    AgreementKind,
    AnnualPlan,
    ApprovalItem,
    ApprovalStatus,
    Company,
    DataScope,
    Department,
    DepartmentKind,
    Funding,
    Instruction,
    InvestmentReport,
    Lead,
    LeadStatus,
    LeadStatusChange,
    Milestone,
    PlanMonth,
    Problem,
    ProblemStatus,
    ProgressUpdate,
    Project,
    ProjectLevel,
    RefItem,
    RefKind,
    ReportStatus,
    Role,
    Stage,
    StageChange,
    Target,
    TargetMetric,
    User,
    Visit,
    company_tier,
    project_team,
)
from app.reference import ensure_reference_data
from app.search import search_text
from bench.seed_activities import seed_activities
from bench.seed_campaigns import seed_campaigns
from bench.seed_chains import TABLES as CHAIN_TABLES
from bench.seed_chains import seed_chains


@dataclass(frozen=True)
class Size:
    leads: int
    visits: int
    projects: int
    agreements: int
    problems: int
    departments: int
    users: int


SIZES = {
    "S": Size(1_000, 5_000, 200, 50, 500, 20, 100),
    "M": Size(10_000, 50_000, 2_000, 500, 5_000, 60, 400),
    "L": Size(100_000, 500_000, 20_000, 5_000, 50_000, 200, 2_000),
}

BRANDS = [
    "华润",
    "万科",
    "比亚迪",
    "宁德",
    "海尔",
    "美的",
    "格力",
    "京东",
    "腾讯",
    "阿里",
    "百度",
    "中建",
    "中铁",
    "招商",
    "保利",
    "碧桂园",
    "苏宁",
    "国美",
    "联想",
    "华为",
    "小米",
    "奇瑞",
    "吉利",
    "长城",
    "恒瑞",
    "药明",
    "迈瑞",
    "隆基",
    "通威",
    "三一",
    "徐工",
    "中联",
    "潍柴",
    "宇通",
    "双汇",
    "牧原",
    "安踏",
    "李宁",
    "顺丰",
    "圆通",
    "中通",
    "韵达",
    "申通",
    "德邦",
]
TRADES = [
    "置业",
    "科技",
    "医药",
    "电子",
    "新能源",
    "智能装备",
    "物流",
    "商贸",
    "文旅",
    "金融服务",
    "健康产业",
    "半导体",
    "材料",
    "汽车零部件",
    "食品",
    "生物",
    "数据",
    "环保",
    "建设",
    "投资",
]
FORMS = ["有限公司", "股份有限公司", "集团有限公司", "（中国）有限公司", "科技有限公司"]
PROJECT_KINDS = [
    "产业园",
    "研发中心",
    "生产基地",
    "区域总部",
    "智慧城",
    "物流园",
    "体验中心",
    "创新中心",
    "孵化器",
    "综合体",
]
CHUNK = 5_000


def _insert(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start : start + CHUNK])


def seed(size_name: str | Size, *, today: dt.date | None = None, rng_seed: int = 7) -> dict[str, int]:
    """Fill an empty, migrated database (a size name of SIZES, or a Size);
    returns row counts per table."""
    size = SIZES[size_name] if isinstance(size_name, str) else size_name
    today = today or clock.today()
    rng = random.Random(rng_seed)
    extra = random.Random(rng_seed + 1)  # the extras' own stream
    started = time.perf_counter()
    ensure_reference_data()
    db.session.flush()
    refs: dict[RefKind, list[int]] = {}
    for kind, item_id in db.session.execute(sa.select(RefItem.kind, RefItem.id)):
        refs.setdefault(kind, []).append(item_id)
    now = dt.datetime.combine(today, dt.time(9))

    # Departments: town offices, zones with sub-units, industry departments, one bureau.
    dept_rows = []
    for i in range(1, size.departments + 1):
        kind = DepartmentKind.TOWN if i % 4 else DepartmentKind.ZONE
        if i == 1:
            kind = DepartmentKind.BUREAU
        dept_rows.append(
            {
                "id": i,
                "name": f"基准部门{i:04d}",
                "kind": kind,
                "sort_order": i,
                "active": True,
                "parent_id": (i - 1) if kind is DepartmentKind.ZONE and i % 8 == 0 else None,
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(Department.__table__, dept_rows)
    dept_ids = [d["id"] for d in dept_rows]

    password = hash_password("zhaoshang-demo")
    user_rows = []
    leaders = max(5, size.users // 50)
    for i in range(1, size.users + 1):
        if i <= leaders:
            role, scope, dept = Role.LEADER, DataScope.ALL, None
        elif i <= leaders + 3:
            role, scope, dept = Role.ADMIN, DataScope.ALL, 1
        elif i <= leaders + 6:
            role, scope, dept = Role.VIEWER, DataScope.ALL, 1
        else:
            role = Role.STAFF
            dept = dept_ids[i % len(dept_ids)]
            scope = DataScope.DEPARTMENT_TREE if i % 10 == 0 else DataScope.DEPARTMENT
            if i % 10 == 5:
                scope = DataScope.OWN
        user_rows.append(
            {
                "id": i,
                "username": f"bench{i:05d}",
                "name": f"用户{i:05d}",
                "role": role,
                "scope": scope,
                "department_id": dept,
                "password_hash": password,
                "active": True,
                "session_version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(User.__table__, user_rows)
    leader_ids = [u["id"] for u in user_rows if u["role"] is Role.LEADER]
    staff_by_dept: dict[int, list[int]] = {}
    for u in user_rows:
        if u["role"] is Role.STAFF:
            staff_by_dept.setdefault(u["department_id"], []).append(u["id"])

    # Companies: about 0.6 per lead, names made of brand + trade + legal form.
    n_companies = max(50, int(size.leads * 0.6))
    pinyin_cache: dict[str, str] = {}
    company_rows = []
    for i in range(1, n_companies + 1):
        brand = BRANDS[i % len(BRANDS)]
        name = f"{brand}{TRADES[(i // len(BRANDS)) % len(TRADES)]}{i:06d}{FORMS[i % len(FORMS)]}"
        key = f"{brand}{TRADES[(i // len(BRANDS)) % len(TRADES)]}"
        if key not in pinyin_cache:
            pinyin_cache[key] = search_text(key)
        company_rows.append(
            {
                "id": i,
                "name": name,
                "normalized_name": normalize_company_name(name),
                "search_text": f"{name.lower()} {pinyin_cache[key]}",
                "industry_id": rng.choice(refs[RefKind.INDUSTRY]),
                "first_department_id": rng.choice(dept_ids),
                "first_reported_on": today,
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(Company.__table__, company_rows)

    # Leads with a believable spread along the pipeline over ~18 months.
    lead_rows, change_rows = [], []
    statuses = (
        [LeadStatus.NEW] * 2
        + [LeadStatus.CONTACTED] * 4
        + [LeadStatus.NEGOTIATING] * 2
        + [LeadStatus.CONVERTED, LeadStatus.SHELVED]
    )
    for i in range(1, size.leads + 1):
        received = today - dt.timedelta(days=rng.randint(0, 540))
        status = rng.choice(statuses)
        dept = rng.choice(dept_ids)
        owner = rng.choice(staff_by_dept.get(dept) or [None])
        contacted = received + dt.timedelta(days=rng.randint(0, 10)) if status is not LeadStatus.NEW else None
        if contacted and contacted > today:
            contacted = today
        negotiating = (
            (contacted + dt.timedelta(days=rng.randint(3, 40)))
            if contacted and status in (LeadStatus.NEGOTIATING, LeadStatus.CONVERTED)
            else None
        )
        if negotiating and negotiating > today:
            negotiating = today
        converted = negotiating if status is LeadStatus.CONVERTED else None
        last_visit = contacted and min(today, contacted + dt.timedelta(days=rng.randint(0, 90)))
        lead_rows.append(
            {
                "id": i,
                "company_id": rng.randint(1, n_companies),
                "title": f"投资意向{i:06d}",
                "source_id": rng.choice(refs[RefKind.SOURCE]),
                "industry_id": rng.choice(refs[RefKind.INDUSTRY]),
                "intended_investment": Decimal(rng.randint(500, 500_000)),
                "owner_department_id": dept,
                "owner_user_id": owner,
                "received_on": received,
                "status": status,
                "status_changed_at": dt.datetime.combine(
                    converted or negotiating or contacted or received, dt.time(10)
                ),
                "contacted_on": contacted,
                "negotiating_on": negotiating,
                "converted_on": converted,
                "last_visit_on": last_visit,
                "has_conflict": i % 37 == 0,
                "created_by_id": owner,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        change_rows.append(
            {
                "lead_id": i,
                "from_status": None,
                "to_status": LeadStatus.NEW,
                "changed_at": dt.datetime.combine(received, dt.time(9)),
            }
        )
        for when, before, after in (
            (contacted, LeadStatus.NEW, LeadStatus.CONTACTED),
            (negotiating, LeadStatus.CONTACTED, LeadStatus.NEGOTIATING),
            (converted, LeadStatus.NEGOTIATING, LeadStatus.CONVERTED),
        ):
            if when:
                change_rows.append(
                    {
                        "lead_id": i,
                        "from_status": before,
                        "to_status": after,
                        "changed_at": dt.datetime.combine(when, dt.time(11)),
                    }
                )
    _insert(Lead.__table__, lead_rows)
    _insert(LeadStatusChange.__table__, change_rows)

    # Visits spread over contacted leads; a converted lead's visits from its
    # conversion on belong to its project too (projects are numbered in the
    # order of the converted leads, below).
    contacted_leads = [r for r in lead_rows if r["contacted_on"]]
    project_of_lead = {r["id"]: number for number, r in enumerate((r for r in lead_rows if r["converted_on"]), start=1)}
    visit_rows = []
    for i in range(1, size.visits + 1):
        lead = contacted_leads[i % len(contacted_leads)]
        visited = lead["contacted_on"] + dt.timedelta(days=rng.randint(0, 60))
        visited = min(visited, today)
        follow = visited + dt.timedelta(days=rng.randint(1, 30)) if i % 3 == 0 else None
        project_id = project_of_lead.get(lead["id"])
        if project_id is not None and (project_id > size.projects or visited < lead["converted_on"]):
            project_id = None
        visit_rows.append(
            {
                "id": i,
                "lead_id": lead["id"],
                "project_id": project_id,
                "leader_present_id": extra.choice(leader_ids) if extra.random() < 0.05 else None,
                "department_id": lead["owner_department_id"],
                "visited_on": visited,
                "kind_id": rng.choice(refs[RefKind.VISIT_KIND]),
                "summary": "双方就项目选址、用地和政策进行了对接。",
                "follow_up_on": follow,
                "follow_up_done": False,
                "created_by_id": lead["owner_user_id"],
                "created_at": now,
                "updated_at": now,
            }
        )

    # Projects: from converted leads first, the rest planned (谋划) by departments.
    converted_leads = [r for r in lead_rows if r["converted_on"]]
    project_rows, stage_rows, team_rows, milestone_rows, update_rows = [], [], [], [], []
    for i in range(1, size.projects + 1):
        lead = converted_leads[i - 1] if i <= len(converted_leads) else None
        stage = rng.choice([*STAGE_ORDER, Stage.ATTRACTING, Stage.SIGNED, Stage.EXITED])
        if lead and stage is Stage.PLANNING:
            stage = Stage.ATTRACTING
        start = lead["converted_on"] if lead else today - dt.timedelta(days=rng.randint(30, 700))
        reached: dict[str, dt.date | None] = {}
        when = start
        path = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1] if stage is not Stage.EXITED else [Stage.PLANNING]
        for index, st in enumerate(path):
            if index:
                when = min(today, when + dt.timedelta(days=rng.randint(10, 120)))
                stage_rows.append(
                    {
                        "project_id": i,
                        "from_stage": path[index - 1],
                        "to_stage": st,
                        "changed_on": when,
                        "changed_at": dt.datetime.combine(when, dt.time(15)),
                    }
                )
            else:
                stage_rows.append(
                    {
                        "project_id": i,
                        "from_stage": None,
                        "to_stage": st,
                        "changed_on": when,
                        "changed_at": dt.datetime.combine(when, dt.time(15)),
                    }
                )
            column = {
                Stage.SIGNED: "signed_on",
                Stage.LANDED: "landed_on",
                Stage.CONSTRUCTION: "construction_on",
                Stage.PRODUCTION: "production_on",
            }.get(st)
            if column:
                reached[column] = when
        if stage is Stage.EXITED:
            stage_rows.append(
                {
                    "project_id": i,
                    "from_stage": Stage.PLANNING,
                    "to_stage": Stage.EXITED,
                    "changed_on": when,
                    "changed_at": dt.datetime.combine(when, dt.time(16)),
                    "note": "长期无进展",
                }
            )
        dept = lead["owner_department_id"] if lead else rng.choice(dept_ids)
        is_key = i % 3 == 0
        last_progress = today - dt.timedelta(days=rng.randint(0, 60)) if is_key else None
        name = f"{BRANDS[i % len(BRANDS)]}{PROJECT_KINDS[i % len(PROJECT_KINDS)]}{i:05d}"
        project_rows.append(
            {
                "id": i,
                "name": name,
                "search_text": f"{name.lower()} {search_text(name[:-5])}",
                "company_id": lead["company_id"] if lead else rng.randint(1, n_companies),
                "lead_id": lead["id"] if lead else None,
                "industry_id": rng.choice(refs[RefKind.INDUSTRY]),
                "stage": stage,
                "stage_changed_at": dt.datetime.combine(when, dt.time(15)),
                "exit_from_stage": Stage.PLANNING if stage is Stage.EXITED else None,
                "is_key": is_key,
                "planned_investment": Decimal(rng.randint(1_000, 1_000_000)),
                "responsible_leader_id": rng.choice(leader_ids) if is_key else None,
                "lead_department_id": dept,
                "plan_text": "按计划推进" if is_key else None,
                "last_progress_on": last_progress,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                **{k: reached.get(k) for k in ("signed_on", "landed_on", "construction_on", "production_on")},
            }
        )
        if is_key:
            members = staff_by_dept.get(dept) or []
            for member in members[:2]:
                team_rows.append({"project_id": i, "user_id": member})
            for m in range(2):
                due = today + dt.timedelta(days=rng.randint(-40, 90))
                milestone_rows.append(
                    {
                        "project_id": i,
                        "name": f"节点{m + 1}",
                        "due_on": due,
                        "done_on": due if due < today and rng.random() < 0.6 else None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            update_rows.append(
                {
                    "project_id": i,
                    "happened_on": last_progress,
                    "author_id": members[0] if members else None,
                    "text": "推进用地手续办理。",
                    "created_at": now,
                }
            )
    _insert(Project.__table__, project_rows)
    _insert(StageChange.__table__, stage_rows)
    _insert(project_team, team_rows)
    _insert(Milestone.__table__, milestone_rows)
    _insert(ProgressUpdate.__table__, update_rows)
    _insert(Visit.__table__, visit_rows)  # after the projects some of them belong to

    signed_projects = [p for p in project_rows if p["signed_on"]]
    agreement_rows = []
    for i in range(1, min(size.agreements, len(signed_projects) * 2) + 1):
        project = signed_projects[(i - 1) % len(signed_projects)]
        repeat = i > len(signed_projects)
        signed = project["signed_on"] + dt.timedelta(days=30 if repeat else 0)
        agreement_rows.append(
            {
                "id": i,
                "project_id": project["id"],
                "kind": AgreementKind.INVESTMENT if repeat else AgreementKind.FRAMEWORK,
                "signed_on": min(signed, today),
                "agreed_investment": project["planned_investment"],
                "is_capital_increase": False,
                "committed_construction_on": project["signed_on"] + dt.timedelta(days=180),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    _insert(Agreement.__table__, agreement_rows)

    key_projects = [p for p in project_rows if p["is_key"]] or project_rows
    problem_rows = []
    for i in range(1, size.problems + 1):
        project = key_projects[i % len(key_projects)]
        raised = today - dt.timedelta(days=rng.randint(0, 200))
        status = rng.choice(list(ProblemStatus))
        problem_rows.append(
            {
                "id": i,
                "project_id": project["id"],
                "category_id": rng.choice(refs[RefKind.PROBLEM_CATEGORY]),
                "description": "用地指标待落实。",
                "raised_on": raised,
                "status": status,
                "responsible_department_id": rng.choice(dept_ids) if status is not ProblemStatus.REPORTED else None,
                "deadline": raised + dt.timedelta(days=30) if status is not ProblemStatus.REPORTED else None,
                "resolved_on": raised + dt.timedelta(days=20) if status is ProblemStatus.CLOSED else None,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    _insert(Problem.__table__, problem_rows)
    extras = _seed_extras(extra, today, now, refs, company_rows, project_rows, dept_ids)
    extras.update(_seed_delivery(random.Random(rng_seed + 2), today, now, refs, project_rows))
    extras["campaign_items"] = seed_campaigns(random.Random(rng_seed + 3), today, now, project_rows)
    extras["approval_items"] = _seed_approvals(random.Random(rng_seed + 4), today, now, refs, project_rows, dept_ids)
    extras.update(
        seed_activities(
            random.Random(rng_seed + 5), today, now, refs, dept_ids, leader_ids, staff_by_dept, lead_rows, visit_rows
        )
    )
    extras.update(
        seed_chains(
            random.Random(rng_seed + 6), today, now, refs, dept_ids, leader_ids, company_rows, project_rows, lead_rows
        )
    )
    # The report facts and rollups, as `flask facts rebuild` computes them:
    # the rows above bypassed the flush that keeps them.
    facts.rebuild(db.session.connection())
    rollups.rebuild(db.session.connection())
    db.session.commit()
    _reset_sequences()
    counts = {
        "departments": len(dept_rows),
        "users": len(user_rows),
        "companies": len(company_rows),
        "leads": len(lead_rows),
        "visits": len(visit_rows),
        "projects": len(project_rows),
        "agreements": len(agreement_rows),
        "problems": len(problem_rows),
        **extras,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return counts


def _seed_extras(
    rng: random.Random,
    today: dt.date,
    now: dt.datetime,
    refs: dict[RefKind, list[int]],
    company_rows: list[dict[str, Any]],
    project_rows: list[dict[str, Any]],
    dept_ids: list[int],
) -> dict[str, int]:
    """Company tiers, funds received, instructions and this year's targets."""
    tier_rows = []
    for company in company_rows:
        if rng.random() < 0.12:
            for tier_id in rng.sample(refs[RefKind.TIER], rng.choice((1, 1, 2))):
                tier_rows.append({"company_id": company["id"], "tier_id": tier_id})
    _insert(company_tier, tier_rows)

    funding_rows = []
    for project in project_rows:
        if not project["landed_on"]:
            continue
        month = project["landed_on"].replace(day=1)
        for _ in range(rng.randint(1, 6)):
            if month > today:
                break
            funding_rows.append(
                {
                    "project_id": project["id"],
                    "month": month,
                    "amount": Decimal(rng.randint(100, 20_000)),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            month = (month + dt.timedelta(days=32)).replace(day=1)
    _insert(Funding.__table__, funding_rows)

    instruction_rows = []
    for project in project_rows:
        if project["is_key"] and project["id"] % 5 == 0:
            issued = now - dt.timedelta(days=rng.randint(0, 60))
            acknowledged = rng.random() < 0.5
            instruction_rows.append(
                {
                    "project_id": project["id"],
                    "leader_id": project["responsible_leader_id"],
                    "issued_at": issued,
                    "text": "加快要素保障，按节点推进。",
                    "acknowledged_at": issued + dt.timedelta(days=1) if acknowledged else None,
                    "acknowledgement": "已收到，抓紧落实。" if acknowledged else None,
                }
            )
    _insert(Instruction.__table__, instruction_rows)

    per_department = {
        TargetMetric.SIGNED_PROJECTS: 5,
        TargetMetric.SIGNED_AMOUNT: 500_000,
        TargetMetric.BILLION_PROJECTS: 2,
        TargetMetric.FUNDS_RECEIVED: 50_000,
        TargetMetric.LEADS_COLLECTED: 300,
        TargetMetric.VISITS: 1_500,
    }
    target_rows = [
        {
            "year": today.year,
            "department_id": dept_id,
            "metric": metric,
            "value": Decimal(value),
            "created_at": now,
            "updated_at": now,
        }
        for dept_id in [None, *dept_ids]
        for metric, value in per_department.items()
    ]
    _insert(Target.__table__, target_rows)
    return {
        "company_tiers": len(tier_rows),
        "fundings": len(funding_rows),
        "instructions": len(instruction_rows),
        "targets": len(target_rows),
    }


def _seed_delivery(
    rng: random.Random,
    today: dt.date,
    now: dt.datetime,
    refs: dict[RefKind, list[int]],
    project_rows: list[dict[str, Any]],
) -> dict[str, int]:
    """This year's key-project list (every project past signing and the key
    ones being attracted), a quarter of it phased by month, with monthly
    investment reports through the due month (a few months missing, some
    projects already reporting the current month) and the totals the
    services maintain; projects on the list get a level and a kind. Its own
    random stream, so the rows above stay what they were."""

    year, due = today.year, due_month(today)
    last = due.month if due.year == year else 0
    listed = [
        p
        for p in project_rows
        if p["stage"] in (Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION)
        or (p["is_key"] and p["stage"] is Stage.ATTRACTING)
    ]
    levels = [ProjectLevel.PROVINCE, ProjectLevel.CITY, ProjectLevel.DISTRICT, None, None]
    plan_rows, month_rows, report_rows, project_updates = [], [], [], []
    for plan_id, project in enumerate(listed, start=1):
        planned = Decimal(rng.randint(1, 170) * 1_200)  # twelve equal months when phased
        completed, reported_through = Decimal(0), None
        months = [m for m in range(1, last + 1) if rng.random() < 0.9]
        if last and due.month < 12 and rng.random() < 0.1:
            months.append(due.month + 1)  # the month in progress, reported early
        for month in months:
            amount = Decimal(rng.randint(0, int(planned) // 8))
            completed += amount
            reported_through = dt.date(year, month, 1)
            report_rows.append(
                {
                    "project_id": project["id"],
                    "month": reported_through,
                    "completed": amount,
                    "progress": "按计划施工",
                    "status": ReportStatus.REVIEWED if month < last else ReportStatus.SUBMITTED,
                    "revision": 0,
                    "reported_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        plan_rows.append(
            {
                "id": plan_id,
                "project_id": project["id"],
                "year": year,
                "planned_investment": planned,
                "completed": completed,
                "reported_through": reported_through,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        if plan_id % 4 == 0:
            running, share = Decimal(0), planned / 12
            for month in range(1, 13):
                running += share
                month_rows.append({"plan_id": plan_id, "month": month, "planned": share, "cumulative": running})
        project_updates.append(
            {"pid": project["id"], "lvl": levels[plan_id % len(levels)], "kid": rng.choice(refs[RefKind.PROJECT_KIND])}
        )
    _insert(AnnualPlan.__table__, plan_rows)
    _insert(PlanMonth.__table__, month_rows)
    _insert(InvestmentReport.__table__, report_rows)
    table = Project.__table__
    if project_updates:
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("pid"))
            .values(level=sa.bindparam("lvl"), kind_id=sa.bindparam("kid")),
            project_updates,
        )
    reports = InvestmentReport.__table__
    db.session.execute(
        sa.update(table).values(
            completed_investment=sa.select(sa.func.coalesce(sa.func.sum(reports.c.completed), 0))
            .where(reports.c.project_id == table.c.id)
            .scalar_subquery()
        )
    )
    return {"annual_plans": len(plan_rows), "plan_months": len(month_rows), "investment_reports": len(report_rows)}


def _seed_approvals(
    rng: random.Random,
    today: dt.date,
    now: dt.datetime,
    refs: dict[RefKind, list[int]],
    project_rows: list[dict[str, Any]],
    dept_ids: list[int],
) -> int:
    """About five approval items per key project past signing, each with an
    approving department: those under construction or producing have them
    settled (a few 无需办理), signed and landed ones a mix of 已办结, 已申报
    and 待申报, the open ones due from three weeks ago (蓝, 黄 and 红 督办) to
    two months ahead. Returns the number of items."""
    types = refs[RefKind.APPROVAL_TYPE]
    built = (Stage.CONSTRUCTION, Stage.PRODUCTION)
    rows: list[dict[str, Any]] = []
    for project in project_rows:
        if not project["is_key"] or project["stage"] not in (Stage.SIGNED, Stage.LANDED, *built):
            continue
        signed = project["signed_on"] or today - dt.timedelta(days=90)
        for type_id in rng.sample(types, min(len(types), rng.randint(4, 6))):
            due = signed + dt.timedelta(days=rng.randint(10, 150))
            submitted = approved = reason = None
            roll = rng.random()
            if project["stage"] in built or roll < 0.35:
                status = ApprovalStatus.APPROVED
                approved = min(today, due + dt.timedelta(days=rng.randint(-10, 5)))
                submitted = max(signed, approved - dt.timedelta(days=rng.randint(3, 20)))
                if rng.random() < 0.05:
                    status, submitted, approved, reason = ApprovalStatus.NOT_NEEDED, None, None, "已并入其他审批"
            else:
                # Open: due from three weeks ago to two months ahead.
                due = today + dt.timedelta(days=rng.randint(-21, 60))
                status = ApprovalStatus.SUBMITTED if roll < 0.65 else ApprovalStatus.PENDING
                if status is ApprovalStatus.SUBMITTED:
                    submitted = min(today, max(signed, due - dt.timedelta(days=rng.randint(5, 30))))
            rows.append(
                {
                    "id": len(rows) + 1,
                    "project_id": project["id"],
                    "type_id": type_id,
                    "department_id": rng.choice(dept_ids),
                    "due_on": due,
                    "submitted_on": submitted,
                    "approved_on": approved,
                    "status": status,
                    "not_needed_reason": reason,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
    _insert(ApprovalItem.__table__, rows)
    return len(rows)


def _reset_sequences() -> None:
    """PostgreSQL: move id sequences past the explicit ids we inserted."""
    if db.engine.dialect.name != "postgresql":
        return
    tables = ("department", "user", "company", "lead", "visit", "project", "agreement", "problem")
    for table in (
        *tables,
        "annual_plan",
        "investment_report",
        "campaign",
        "approval_item",
        "activity_plan",
        "activity",
        *CHAIN_TABLES,
    ):
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))"
            )
        )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="S")
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    from bench.common import fresh_app

    app = fresh_app(args.database_url)
    with app.app_context():
        print(seed(args.size))


if __name__ == "__main__":
    main()
