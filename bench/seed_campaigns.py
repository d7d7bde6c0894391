"""三个一批 campaigns for the benchmark data (bench/seed.py calls it): this
quarter's and last quarter's, each naming about a tenth of the projects in
every batch (so the campaign page grows with the data), with planned dates
in the quarter; the projects' stage dates decide what is ticked off."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa

from app.db import db
from app.models import Batch, Campaign, CampaignItem, Stage


def _quarter(day: dt.date) -> tuple[dt.date, dt.date]:
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    nxt = dt.date(first.year + (first.month + 3 > 12), (first.month + 2) % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def seed_campaigns(rng: random.Random, today: dt.date, now: dt.datetime, project_rows: list[dict[str, Any]]) -> int:
    """Insert the two campaigns and their items; returns the number of items."""
    this_start, this_end = _quarter(today)
    last_start, last_end = _quarter(this_start - dt.timedelta(days=1))
    live = [p for p in project_rows if p["stage"] is not Stage.EXITED]
    per_batch = max(1, len(live) // 10)
    item_rows = []
    for campaign_id, (start, end) in enumerate(((this_start, this_end), (last_start, last_end)), start=1):
        db.session.execute(
            sa.insert(Campaign.__table__),
            [
                {
                    "id": campaign_id,
                    "name": f"{start.year}年第{(start.month - 1) // 3 + 1}季度三个一批",
                    "starts_on": start,
                    "ends_on": end,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            ],
        )
        for batch in Batch:
            for project in rng.sample(live, min(per_batch, len(live))):
                planned = start + dt.timedelta(days=rng.randint(0, (end - start).days))
                item_rows.append(
                    {"campaign_id": campaign_id, "project_id": project["id"], "batch": batch, "planned_on": planned}
                )
    if item_rows:
        db.session.execute(sa.insert(CampaignItem.__table__), item_rows)
    return len(item_rows)


def busiest_campaign_id() -> int | None:
    """The campaign with the most items: the heaviest campaign page."""
    return db.session.scalar(
        sa.select(CampaignItem.campaign_id)
        .group_by(CampaignItem.campaign_id)
        .order_by(sa.func.count().desc(), CampaignItem.campaign_id)
        .limit(1)
    )
