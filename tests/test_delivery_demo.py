"""`flask seed-demo`'s delivery step: the demo district gets this year's
key-project list with monthly reports (reviewed, awaiting review, missing), a
mix of on-schedule and behind-schedule projects in the lights, a phased plan
and a 三个一批 campaign with all three batches; twice adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.db import db
from app.demo import DemoContext
from app.demo import delivery as demo_delivery
from app.demo import org as demo_org
from app.demo import projects as demo_projects
from app.models import (
    AnnualPlan,
    AuditLog,
    Batch,
    CampaignItem,
    InvestmentReport,
    PlanMonth,
    Project,
    ReportStatus,
    User,
)
from app.projects.lights import light_details


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (AnnualPlan, InvestmentReport, CampaignItem, AuditLog)
    )


def test_the_demo_district_has_a_years_list_reports_a_campaign_and_a_mix_of_schedules():
    today = clock.today()
    ctx = DemoContext(today=today)
    demo_org.seed(ctx)
    demo_projects.seed(ctx)
    summary = demo_delivery.seed(ctx)
    assert f"{today.year} 年重点项目计划新增" in summary
    plans = db.session.scalars(sa.select(AnnualPlan).where(AnnualPlan.year == today.year)).all()
    assert len(plans) >= 20
    statuses = set(db.session.scalars(sa.select(InvestmentReport.status).distinct()))
    assert ReportStatus.REVIEWED in statuses
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanMonth)) == 12
    # The maintained totals equal the reports.
    for plan in plans:
        total = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(InvestmentReport.completed), 0)).where(
                InvestmentReport.project_id == plan.project_id
            )
        )
        assert plan.completed == total
    reasons = [r for info in light_details([p.project_id for p in plans], today).values() for r in info.reasons]
    behind = [r for r in reasons if "落后序时进度" in r]
    assert behind, "some demo projects are behind schedule"
    on_schedule = [p for p in plans if not any(p.project.name in r for r in behind)]
    assert len(on_schedule) > len(plans) // 2
    batches = set(db.session.scalars(sa.select(CampaignItem.batch).distinct()))
    assert batches == set(Batch)
    levels = set(db.session.scalars(sa.select(Project.level).where(Project.is_key.is_(True)).distinct()))
    assert len(levels - {None}) == 3
    assert db.session.scalar(sa.select(User.reviews_investment).where(User.username == "bureau")) is True

    before = counts()
    demo_delivery.seed(DemoContext(today=today))
    assert counts() == before
