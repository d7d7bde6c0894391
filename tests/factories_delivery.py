"""Factories for project delivery: annual plans and monthly investment
reports written through the services (so the maintained totals are right),
and campaigns. Each returns a flushed record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from app.db import db
from app.delivery import investments, plans
from app.models import AnnualPlan, Batch, Campaign, CampaignItem, InvestmentReport, Project, ReportStatus, User


def plan(
    project: Project,
    actor: User,
    *,
    year: int,
    planned: Decimal | int = 1200,
    start_on: dt.date | None = None,
    production_on: dt.date | None = None,
    phasing: list[Decimal | int] | None = None,
    content: str = "",
) -> AnnualPlan:
    data: dict[str, Any] = {
        "planned_investment": Decimal(planned),
        "planned_start_on": start_on,
        "planned_production_on": production_on,
        "content": content,
    }
    if phasing is not None:
        data["phasing"] = [Decimal(v) for v in phasing]
    record, _created = plans.save_plan(project, year, data, actor)
    return record


def report(
    project: Project,
    actor: User,
    *,
    month: dt.date,
    completed: Decimal | int,
    progress: str = "",
    reviewed_by: User | None = None,
) -> InvestmentReport:
    record = investments.file_report(project, month, Decimal(completed), progress, actor)
    if reviewed_by is not None:
        investments.review_report(record, reviewed_by)
        assert record.status is ReportStatus.REVIEWED
    return record


def campaign(
    *, name: str = "三个一批第四季度", starts_on: dt.date, ends_on: dt.date, actor: User | None = None
) -> Campaign:
    record = Campaign(name=name, starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id if actor else None)
    db.session.add(record)
    db.session.flush()
    return record


def campaign_item(
    campaign: Campaign, project: Project, batch: Batch, *, planned_on: dt.date | None = None
) -> CampaignItem:
    item = CampaignItem(campaign_id=campaign.id, project_id=project.id, batch=batch, planned_on=planned_on)
    db.session.add(item)
    db.session.flush()
    return item
