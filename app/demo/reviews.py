"""Demo step: 观摩评比 — one closed 百日攻坚 project review held earlier this
year (six key projects of different departments, four reviewers: the
leaders and the 督查 supervisor's colleagues, scored on the default sheet,
the highest and lowest dropped) whose results, 通报 and the composite
ranking show at once; and one open quarterly review the demo's `leader`
and `staff` are reviewers on, not scored yet, to try the phone page.

Through the review services (audited). Idempotent: an event whose name
exists is left alone; every score is seeded per reviewer and project."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import sqlalchemy as sa

from app.db import db
from app.demo import DemoContext
from app.models import Project, ReviewEvent, Role, Stage, User
from app.reviews import services

CLOSED_NAME = "{year}年百日攻坚项目观摩"
OPEN_NAME = "{year}年重点项目季度观摩"


def _held_on(today: dt.date, days: int) -> dt.date:
    return max(dt.date(today.year, 1, 1), today - dt.timedelta(days=days))


def _projects(limit: int) -> list[Project]:
    """Key projects under way, one per lead department first."""
    rows = db.session.scalars(
        sa.select(Project)
        .where(
            Project.is_key.is_(True),
            Project.archived_at.is_(None),
            Project.lead_department_id.is_not(None),
            Project.stage.in_([Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION]),
        )
        .order_by(Project.id)
    ).all()
    chosen, seen = [], set()
    for project in rows:
        if project.lead_department_id not in seen:
            chosen.append(project)
            seen.add(project.lead_department_id)
    chosen += [p for p in rows if p not in chosen]
    return chosen[:limit]


def seed(ctx: DemoContext) -> str:
    today = ctx.today
    admin = db.session.scalar(sa.select(User).where(User.username == "admin")) or db.session.scalar(
        sa.select(User).where(User.role == Role.ADMIN).order_by(User.id)
    )
    leaders = list(db.session.scalars(sa.select(User).where(User.role == Role.LEADER, User.active.is_(True))))
    staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    projects = _projects(6)
    if admin is None or len(projects) < 5 or len(leaders) + (staff is not None) < 3:
        return "观摩评比：缺少项目或评委，未生成"
    reviewers = (leaders + ([staff] if staff else []))[:4]
    closed_name = CLOSED_NAME.format(year=today.year)
    made = []
    if db.session.scalar(sa.select(ReviewEvent.id).where(ReviewEvent.name == closed_name)) is None:
        event = services.create_event(
            {
                "name": closed_name,
                "held_on": _held_on(today, 30),
                "kind": "百日攻坚观摩",
                "drop_extremes": True,
                "notes": "区四大班子领导带队，逐个项目现场观摩打分。",
            },
            admin,
        )
        for reviewer in reviewers:
            services.add_reviewer(event, reviewer.id, admin)
        for project in projects:
            item = services.add_project(event, project.id, admin)
            base = random.Random(f"review-{project.id}").randint(72, 92)
            for reviewer in reviewers:
                rng = random.Random(f"review-{project.id}-{reviewer.id}")
                scores = {c.id: Decimal(min(100, max(55, base + rng.randint(-8, 8)))) for c in event.criteria}
                services.save_scores(event, item, reviewer, scores)
        services.close_event(event, admin)
        made.append(f"{closed_name}（{len(projects)} 个项目、{len(reviewers)} 名评委，已结束）")
    open_name = OPEN_NAME.format(year=today.year)
    if db.session.scalar(sa.select(ReviewEvent.id).where(ReviewEvent.name == open_name)) is None:
        event = services.create_event(
            {"name": open_name, "held_on": today, "kind": "季度项目观摩", "drop_extremes": True}, admin
        )
        for reviewer in [u for u in (db.session.scalar(sa.select(User).where(User.username == "leader")), staff) if u]:
            services.add_reviewer(event, reviewer.id, admin)
        for project in projects[:3]:
            services.add_project(event, project.id, admin)
        made.append(f"{open_name}（评分中）")
    db.session.flush()
    return "观摩评比：" + ("；".join(made) if made else "已存在，未重复生成")
