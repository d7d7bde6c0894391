"""招商活动 and 招商计划 for the benchmark data (bench/seed.py calls it):
two plans per department this year and one last year, about one activity
per hundred leads over the past year (led by leaders, with the department's
staff taking part, most of them realising a plan of their department), and
the visits and leads of the department made during an activity credited to
it (a converted lead's project with it) — so the plan list, the activity
pages, the home panels and the report have something to count."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa

from app.db import db
from app.models import (
    Activity,
    ActivityPlan,
    ActivityRegion,
    Lead,
    Project,
    RefKind,
    Visit,
    activity_leader,
    activity_participant,
    activity_plan_industry,
)

CITIES = ["上海", "深圳", "广州", "北京", "杭州", "苏州", "南京", "成都", "武汉", "厦门", "宁波", "合肥"]
CHUNK = 5_000


def seed_activities(
    rng: random.Random,
    today: dt.date,
    now: dt.datetime,
    refs: dict[RefKind, list[int]],
    dept_ids: list[int],
    leader_ids: list[int],
    staff_by_dept: dict[int, list[int]],
    lead_rows: list[dict[str, Any]],
    visit_rows: list[dict[str, Any]],
) -> dict[str, int]:
    """Insert the plans and activities and credit visits and leads; returns counts."""
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    plan_rows, industry_rows = [], []
    plans_of: dict[tuple[int, int], list[int]] = {}
    for dept in dept_ids:
        for year, count in ((today.year, 2), (today.year - 1, 1)):
            for _n in range(count):
                plan_id = len(plan_rows) + 1
                plan_rows.append(
                    {
                        "id": plan_id,
                        "year": year,
                        "quarter": rng.choice([None, 1, 2, 3, 4]),
                        "title": f"赴{rng.choice(CITIES)}招商计划{plan_id:04d}",
                        "kind_id": rng.choice(refs[RefKind.ACTIVITY_KIND]),
                        "regions": "、".join(rng.sample(CITIES, 2)),
                        "department_id": dept,
                        "leader_id": rng.choice(leader_ids),
                        **stamp,
                    }
                )
                for industry in rng.sample(refs[RefKind.INDUSTRY], 2):
                    industry_rows.append({"plan_id": plan_id, "industry_id": industry})
                plans_of.setdefault((dept, year), []).append(plan_id)
    db.session.execute(sa.insert(ActivityPlan.__table__), plan_rows)
    db.session.execute(sa.insert(activity_plan_industry), industry_rows)

    activity_rows, leader_rows, participant_rows, region_rows = [], [], [], []
    for activity_id in range(1, max(12, len(lead_rows) // 100) + 1):
        dept = rng.choice(dept_ids)
        start = today - dt.timedelta(days=rng.randint(0, 360))
        end = min(today, start + dt.timedelta(days=rng.randint(0, 3)))
        plans = plans_of.get((dept, start.year), [])
        activity_rows.append(
            {
                "id": activity_id,
                "kind_id": rng.choice(refs[RefKind.ACTIVITY_KIND]),
                "title": f"赴外地招商活动{activity_id:05d}",
                "start_on": start,
                "end_on": end,
                "away": rng.random() < 0.8,
                "department_id": dept,
                "plan_id": rng.choice(plans) if plans and rng.random() < 0.6 else None,
                "summary": "考察企业，对接项目。",
                **stamp,
            }
        )
        for leader in rng.sample(leader_ids, min(len(leader_ids), rng.randint(1, 2))):
            leader_rows.append({"activity_id": activity_id, "user_id": leader})
        staff = staff_by_dept.get(dept) or []
        for person in rng.sample(staff, min(len(staff), rng.randint(1, 3))):
            participant_rows.append({"activity_id": activity_id, "user_id": person})
        for position, city in enumerate(rng.sample(CITIES, rng.randint(1, 3))):
            region_rows.append({"activity_id": activity_id, "position": position, "name": city})
    db.session.execute(sa.insert(Activity.__table__), activity_rows)
    db.session.execute(sa.insert(activity_leader), leader_rows)
    if participant_rows:
        db.session.execute(sa.insert(activity_participant), participant_rows)
    db.session.execute(sa.insert(ActivityRegion.__table__), region_rows)

    visits = _credit(Visit, visit_rows, activity_rows, "department_id", "visited_on")
    leads = _credit(Lead, lead_rows, activity_rows, "owner_department_id", "received_on")
    db.session.execute(
        sa.update(Project.__table__)
        .where(Project.__table__.c.lead_id.is_not(None))
        .values(
            activity_id=sa.select(Lead.__table__.c.activity_id)
            .where(Lead.__table__.c.id == Project.__table__.c.lead_id)
            .scalar_subquery()
        )
    )
    return {
        "activity_plans": len(plan_rows),
        "activities": len(activity_rows),
        "activity_visits": visits,
        "activity_leads": leads,
    }


def _credit(model: Any, rows: list[dict[str, Any]], activities: list[dict[str, Any]], dept: str, day: str) -> int:
    """Credit each row of the activity's department dated within it (the
    first such activity) — one UPDATE per activity."""
    by_dept: dict[int, list[dict[str, Any]]] = {}
    for activity in activities:
        by_dept.setdefault(activity["department_id"], []).append(activity)
    credited: dict[int, list[int]] = {}
    for row in rows:
        for activity in by_dept.get(row[dept], []):
            if activity["start_on"] <= row[day] <= activity["end_on"]:
                credited.setdefault(activity["id"], []).append(row["id"])
                break
    table = model.__table__
    for activity_id, ids in credited.items():
        for start in range(0, len(ids), CHUNK):
            db.session.execute(
                sa.update(table).where(table.c.id.in_(ids[start : start + CHUNK])).values(activity_id=activity_id)
            )
    return sum(len(ids) for ids in credited.values())
