"""`flask seed-demo`'s agreements step: signing events with agreements on
signed-or-later projects, monthly funding, some overdue commitments; twice
gives the same data."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app import clock
from app.agreements.fulfilment import FulfilmentFilters, fulfilment_query
from app.db import db
from app.demo import DemoContext
from app.demo import agreements as demo_agreements
from app.demo import org as demo_org
from app.models import Agreement, AuditLog, Funding, Project, SigningEvent, Stage, StageChange, User
from tests import factories_agreements as fa


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (SigningEvent, Agreement, Funding, StageChange, AuditLog)
    )


def test_without_signed_projects_it_creates_nothing_and_says_so():
    ctx = DemoContext(today=dt.date(2026, 11, 23))
    demo_org.seed(ctx)
    fa.project(stage=Stage.ATTRACTING, by=db.session.scalar(sa.select(User).where(User.username == "admin")))
    summary = demo_agreements.seed(ctx)
    assert "尚无签约及以后阶段的项目" in summary
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 0


def test_demo_step_creates_events_agreements_funding_and_overdue_commitments_once():
    today = clock.today()
    ctx = DemoContext(today=today)
    demo_org.seed(ctx)
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    stages = [Stage.SIGNED] * 8 + [Stage.LANDED] * 4 + [Stage.CONSTRUCTION] * 4 + [Stage.PRODUCTION] * 4
    for n, stage in enumerate(stages):
        fa.project(stage=stage, by=admin, on=today - dt.timedelta(days=60 + 25 * n))
    attracting = fa.project(stage=Stage.ATTRACTING, by=admin)
    db.session.commit()
    stages_before = dict(db.session.execute(sa.select(Project.id, Project.stage)).all())

    summary = demo_agreements.seed(ctx)
    db.session.commit()
    assert "签约活动" in summary
    first = counts()
    events = db.session.scalars(sa.select(SigningEvent.name)).all()
    assert events and all("重大项目集中签约活动" in name for name in events)
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id)).where(Agreement.signing_event_id.is_not(None)))
    signed_projects = set(db.session.scalars(sa.select(Agreement.project_id)))
    assert len(signed_projects) == len(stages) and attracting.id not in signed_projects
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Funding.project_id)))) >= 8
    assert dict(db.session.execute(sa.select(Project.id, Project.stage)).all()) == stages_before
    overdue = db.session.execute(fulfilment_query(admin, FulfilmentFilters(overdue_only=True), today)).all()
    assert overdue, "some committed start dates should have passed while still signed"

    demo_agreements.seed(ctx)
    db.session.commit()
    assert counts() == first

    # Funding is reseeded identically even where a first run stopped short.
    db.session.execute(sa.delete(Funding))
    db.session.commit()
    demo_agreements.seed(ctx)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Funding.id))) == first[2]
