"""Demo step: signing ceremonies (集中签约活动) with agreements on the demo
projects that have reached `signed` or beyond, framework → investment pairs,
a few capital increases, monthly funds received, and some committed start
dates already passed while the project is still only signed (overdue).

Uses the agreements services (audited; projects already signed keep their
stage). Idempotent: projects that have agreements, and months that have
funding, are left alone; events are found by name and date."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from app.agreements import services
from app.agreements.funding import first_of_month, record_funding
from app.counting import signed_amount
from app.db import db
from app.demo import DemoContext
from app.models import Agreement, AgreementKind, Funding, Project, Role, SigningEvent, Stage, User

SIGNED_OR_LATER = (Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION)
QUARTERS = "一二三四"
THEIR_SIGNATORIES = ["董事长", "总经理", "法定代表人", "副总裁", "投资总监"]
PLACES = ["区行政中心一楼会议厅", "区会议中心", "经济技术开发区管委会", "高新区科创中心"]


def _admin() -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == "admin")) or db.session.scalar(
        sa.select(User).where(User.role == Role.ADMIN).order_by(User.id)
    )


def _event(held_on: dt.date, rng: random.Random, actor: User) -> SigningEvent:
    quarter = QUARTERS[(held_on.month - 1) // 3]
    name = f"{held_on.year}年{quarter}季度重大项目集中签约活动"
    event = db.session.scalar(sa.select(SigningEvent).where(SigningEvent.name == name))
    if event is None:
        event = services.create_event({"name": name, "held_on": held_on, "place": rng.choice(PLACES)}, actor)
    return event


def _round(value: Decimal, step: int = 100) -> Decimal:
    return (value / step).quantize(Decimal(1)) * step


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def seed(ctx: DemoContext) -> str:
    today = ctx.today
    actor = _admin()
    projects = list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.stage.in_(SIGNED_OR_LATER), Project.archived_at.is_(None))
            .order_by(Project.id)
        )
    )
    if actor is None or not projects:
        return "签约履约：尚无签约及以后阶段的项目，未生成签约演示数据"

    has_agreement = set(db.session.scalars(sa.select(Agreement.project_id).distinct()))
    has_funding = set(db.session.scalars(sa.select(Funding.project_id).distinct()))

    # Group by quarter of signing: each quarter holds one 集中签约 ceremony,
    # on the earliest signing date of the quarter; two in three of its
    # projects were signed there.
    by_quarter: dict[tuple[int, int], list[Project]] = defaultdict(list)
    for project in projects:
        signed_on = min(project.signed_on or today - dt.timedelta(days=90), today)
        by_quarter[(signed_on.year, (signed_on.month - 1) // 3)].append(project)

    created_agreements = created_funding = 0
    events: set[int] = set()
    for key in sorted(by_quarter):
        group = by_quarter[key]
        dates = [min(p.signed_on or today - dt.timedelta(days=90), today) for p in group]
        held_on = min(dates)
        for project, signed_on in zip(group, dates, strict=True):
            rng = random.Random(project.id * 7919)  # stable per project: reseeding gives the same data
            if project.id not in has_agreement:
                event = None
                if len(group) >= 2 and (signed_on == held_on or rng.random() < 0.67):
                    event = _event(held_on, ctx.rng, actor)
                    events.add(event.id)
                created_agreements += _agreements(project, signed_on, event, rng, actor, today)
            if project.id not in has_funding and project.stage is not Stage.SIGNED:
                # Its own generator: the same months and amounts whether or
                # not the agreements were made in this run.
                funding_rng = random.Random(project.id * 7919 + 1)
                created_funding += _funding(project, signed_on, funding_rng, actor, today)
    db.session.flush()
    return (
        f"签约履约：{len(events)} 场签约活动，新增协议 {created_agreements} 份、"
        f"资金到位记录 {created_funding} 条（{len(projects)} 个签约及以后阶段项目）"
    )


def _agreements(
    project: Project,
    signed_on: dt.date,
    event: SigningEvent | None,
    rng: random.Random,
    actor: User,
    today: dt.date,
) -> int:
    planned = project.planned_investment or Decimal(rng.randint(50, 800) * 100)
    agreed = _round(planned * Decimal(rng.randint(80, 110)) / 100)
    if project.stage is Stage.SIGNED and rng.random() < 0.5:
        # Committed start already passed while still only signed: overdue.
        construction = min(signed_on + dt.timedelta(days=rng.randint(45, 120)), today - dt.timedelta(days=5))
        construction = max(construction, signed_on)
    else:
        construction = signed_on + dt.timedelta(days=rng.randint(90, 240))
    production = construction + dt.timedelta(days=rng.randint(300, 600))
    leader = project.responsible_leader
    common = {
        "signing_event_id": event.id if event else None,
        "our_signatory": leader.display if leader else "区投资促进局局长",
        "their_signatory": rng.choice(THEIR_SIGNATORIES),
        "land_area": Decimal(rng.randint(20, 300)) if rng.random() < 0.7 else None,
        "committed_output": _round(agreed * Decimal(rng.randint(80, 200)) / 100),
        "committed_tax": _round(agreed * Decimal(rng.randint(4, 12)) / 100),
        "committed_construction_on": construction,
        "committed_production_on": production,
        "foreign_investment": Decimal(rng.randint(5, 60) * 100) if rng.random() < 0.15 else None,
    }
    count = 0
    follow_up = signed_on + dt.timedelta(days=rng.randint(45, 120))
    if rng.random() < 0.3 and follow_up <= today:
        # A framework agreement at the ceremony, the investment agreement later.
        services.record_agreement(
            project,
            {
                **common,
                "kind": AgreementKind.FRAMEWORK,
                "signed_on": signed_on,
                "agreed_investment": _round(agreed * Decimal("0.8")),
            },
            actor,
            today=today,
        )
        services.record_agreement(
            project,
            {
                **common,
                "kind": AgreementKind.INVESTMENT,
                "signed_on": follow_up,
                "signing_event_id": None,
                "agreed_investment": agreed,
            },
            actor,
            today=today,
        )
        count += 2
    else:
        services.record_agreement(
            project,
            {**common, "kind": AgreementKind.INVESTMENT, "signed_on": signed_on, "agreed_investment": agreed},
            actor,
            today=today,
        )
        count += 1
    increase_on = signed_on + dt.timedelta(days=rng.randint(200, 400))
    if project.stage is Stage.PRODUCTION and rng.random() < 0.4 and increase_on <= today:
        services.record_agreement(
            project,
            {
                **common,
                "kind": AgreementKind.SUPPLEMENTARY,
                "is_capital_increase": True,
                "signed_on": increase_on,
                "signing_event_id": None,
                "agreed_investment": _round(agreed * Decimal(rng.randint(10, 30)) / 100),
                "notes": "追加投资建设二期",
            },
            actor,
            today=today,
        )
        count += 1
    return count


def _funding(project: Project, signed_on: dt.date, rng: random.Random, actor: User, today: dt.date) -> int:
    """Monthly funds from the month after signing to last month, reaching a
    share of the agreed amount that grows with the stage."""
    agreements = db.session.scalars(sa.select(Agreement).where(Agreement.project_id == project.id))
    agreed = signed_amount(agreements) or project.planned_investment or Decimal(10000)
    share = {Stage.LANDED: (10, 35), Stage.CONSTRUCTION: (30, 75), Stage.PRODUCTION: (60, 100)}.get(
        project.stage, (5, 20)
    )
    target = agreed * Decimal(rng.randint(*share)) / 100
    last_month = first_of_month(today) - dt.timedelta(days=1)
    months = [m for m in _months(signed_on + dt.timedelta(days=31), last_month) if rng.random() < 0.7]
    if not months or target <= 0:
        return 0
    weights = [rng.randint(1, 10) for _ in months]
    total, created = sum(weights), 0
    for month, weight in zip(months, weights, strict=True):
        amount = _round(target * weight / total, 10)
        if amount > 0:
            record_funding(project, month, amount, actor, today=today)
            created += 1
    return created
