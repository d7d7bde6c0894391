"""Demo step: project delivery — levels and kinds on the key projects, this
year's key-project list (年度计划) with planned dates, monthly investment
reports from January (reviewed by the bureau, the latest months awaiting
review) with a mix of on-schedule and behind-schedule projects and a few
months not reported, one plan with monthly phasing, and a 三个一批 campaign
for the current quarter. The bureau's section chief may review.

Through the delivery services (audited). Idempotent: projects that already
have this year's plan, months already reported and a campaign of the same
name are left alone; every choice is seeded per project."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import sqlalchemy as sa

from app.db import db
from app.delivery import campaigns, investments, plans
from app.delivery.schedule import due_month, next_month
from app.demo import DemoContext
from app.lookups import ref_id
from app.models import (
    AnnualPlan,
    Batch,
    Campaign,
    CampaignItem,
    InvestmentReport,
    Project,
    ProjectLevel,
    RefKind,
    Role,
    Stage,
    User,
)

LEVELS = [ProjectLevel.PROVINCE, ProjectLevel.CITY, ProjectLevel.CITY, ProjectLevel.DISTRICT, ProjectLevel.DISTRICT]
KINDS = ["产业项目", "产业项目", "产业项目", "城建项目", "社会民生"]
# Share of the schedule a project achieves: on schedule, a little ahead, 15
# points behind (yellow), 35 behind (red).
PACES = [Decimal("1.0"), Decimal("1.05"), Decimal("1.0"), Decimal("0.8"), Decimal("0.6")]
PROGRESS = ["场地平整完成", "桩基施工", "主体结构施工", "主体封顶", "设备采购安装", "室内装修", "竣工验收准备"]
QUARTERS = "一二三四"


def _admin() -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == "admin")) or db.session.scalar(
        sa.select(User).where(User.role == Role.ADMIN).order_by(User.id)
    )


def seed(ctx: DemoContext) -> str:
    today = ctx.today
    admin = _admin()
    if admin is None:
        return "项目推进：缺少管理员，未生成"
    reviewer = db.session.scalar(sa.select(User).where(User.username == "bureau"))
    if reviewer is not None and not reviewer.reviews_investment:
        reviewer.reviews_investment = True
    projects = list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.is_key.is_(True), Project.stage != Stage.EXITED, Project.archived_at.is_(None))
            .order_by(Project.id)
        )
    )
    on_list = set(db.session.scalars(sa.select(AnnualPlan.project_id).where(AnnualPlan.year == today.year)))
    new_plans = new_reports = 0
    for project in projects:
        rng = random.Random(f"delivery-{project.id}")
        if project.level is None and project.kind_id is None:
            project.level = rng.choice(LEVELS)
            project.kind_id = ref_id(RefKind.PROJECT_KIND, rng.choice(KINDS))
        if project.id in on_list or project.stage in (Stage.PLANNING,):
            continue
        _plan(project, admin, today, rng, phased=new_plans == 3)
        new_plans += 1
        new_reports += _reports(project, admin, reviewer or admin, today, rng)
    db.session.flush()
    items = _campaign(admin, today)
    reported = db.session.scalar(
        sa.select(sa.func.count(InvestmentReport.id)).where(InvestmentReport.month >= dt.date(today.year, 1, 1))
    )
    return (
        f"项目推进：{today.year} 年重点项目计划新增 {new_plans} 个，月报新增 {new_reports} 份（本年共 {reported} 份），"
        f"三个一批活动新增 {items} 个项目"
    )


def _plan(project: Project, admin: User, today: dt.date, rng: random.Random, *, phased: bool) -> AnnualPlan:
    planned = Decimal(max(1200, int(project.planned_investment / 4 / 100) * 100))
    data: dict = {"planned_investment": planned, "content": f"完成{rng.choice(PROGRESS)}至{rng.choice(PROGRESS)}。"}
    if project.stage in (Stage.SIGNED, Stage.LANDED):
        # Not started yet: a planned start this year — one in four already
        # passed (应开工未开工), the others in the weeks ahead.
        if rng.random() < 0.25:
            data["planned_start_on"] = today - dt.timedelta(days=rng.randint(10, 90))
        else:
            data["planned_start_on"] = today + dt.timedelta(days=rng.randint(5, 25))
        if data["planned_start_on"].year != today.year:
            del data["planned_start_on"]
    elif project.stage is Stage.CONSTRUCTION and rng.random() < 0.5:
        data["planned_production_on"] = dt.date(today.year, 12, rng.randint(10, 28))
    if phased:
        # Back-loaded year: the equipment arrives in the last quarter.
        share = [2, 2, 4, 6, 8, 8, 8, 8, 10, 12, 14, 18]
        amounts = [(planned * s / 100).quantize(Decimal(1)) for s in share]
        amounts[-1] += planned - sum(amounts)
        data["phasing"] = amounts
    plan, _created = plans.save_plan(project, today.year, data, admin)
    return plan


def _reports(project: Project, admin: User, reviewer: User, today: dt.date, rng: random.Random) -> int:
    """January to the month due (and last month for early filers)."""
    due = due_month(today)
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    pace = rng.choice(PACES)
    plan = plans.plan_of(project.id, today.year)
    monthly = plan.planned_investment * pace / 12
    skip_due = rng.random() < 0.12  # a few have not reported the month due
    filed = set(
        db.session.scalars(
            sa.select(InvestmentReport.month).where(
                InvestmentReport.project_id == project.id, InvestmentReport.month >= dt.date(today.year, 1, 1)
            )
        )
    )
    count = 0
    month = dt.date(today.year, 1, 1)
    while month <= last and month.year == today.year:
        if month in filed or (month == due and skip_due) or (month > due and rng.random() < 0.5):
            month = next_month(month)
            continue
        amount = (monthly * Decimal(rng.choice(["0.9", "1.0", "1.1"]))).quantize(Decimal(1))
        stage_text = PROGRESS[min(len(PROGRESS) - 1, (month.month - 1) * len(PROGRESS) // 12)]
        report = investments.file_report(project, month, amount, stage_text, admin)
        if month < due or (month == due and rng.random() < 0.5):
            investments.review_report(report, reviewer)
        count += 1
        month = next_month(month)
    return count


def _campaign(admin: User, today: dt.date) -> int:
    """三个一批 for this quarter: projects that should sign, start and produce in it."""
    quarter = (today.month - 1) // 3
    starts_on = dt.date(today.year, quarter * 3 + 1, 1)
    ends_on = next_month(dt.date(today.year, quarter * 3 + 3, 1)) - dt.timedelta(days=1)
    name = f"{today.year}年第{QUARTERS[quarter]}季度“三个一批”项目"
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.name == name))
    if campaign is None:
        campaign = campaigns.save_campaign(
            {"name": name, "starts_on": starts_on, "ends_on": ends_on, "notes": "签约一批、开工一批、投产一批"}, admin
        )
    named = {
        (i.project_id, i.batch)
        for i in db.session.scalars(sa.select(CampaignItem).where(CampaignItem.campaign_id == campaign.id))
    }
    pools = {
        Batch.SIGN: [Stage.ATTRACTING, Stage.SIGNED],
        Batch.START: [Stage.LANDED, Stage.CONSTRUCTION],
        Batch.PRODUCE: [Stage.CONSTRUCTION, Stage.PRODUCTION],
    }
    added = 0
    for batch, stages in pools.items():
        candidates = db.session.scalars(
            sa.select(Project)
            .where(Project.stage.in_(stages), Project.archived_at.is_(None), Project.is_key.is_(True))
            .order_by(Project.planned_investment.desc(), Project.id)
            .limit(5)
        ).all()
        for index, project in enumerate(candidates):
            if (project.id, batch) in named:
                continue
            planned_on = min(ends_on, starts_on + dt.timedelta(days=20 + 15 * index))
            campaigns.add_item(campaign, project, batch, admin, planned_on=planned_on)
            added += 1
    return added
