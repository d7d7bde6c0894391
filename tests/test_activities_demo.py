"""`flask seed-demo`'s 招商活动 step: a year of activities led by the demo
leaders, with dates that make sense (in order, none past a year ago but the
planned ones ahead, one under way), some realising this year's 招商计划;
what they produced counts — leads collected, companies met, some leads in
洽谈 and some signed projects credited to their activity by the one rule
(`outcomes_for`); seeding again adds nothing, and the demo pages show it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app import clock
from app.activities.outcomes import outcomes_for
from app.db import db
from app.demo import DEMO_PASSWORD, DemoContext
from app.demo import activities as activities_step
from app.demo import leads as leads_step
from app.demo import org as org_step
from app.models import Activity, ActivityPlan, Lead, Role, User, Visit
from app.reference import ensure_reference_data
from tests import factories


def _seed(today: dt.date) -> str:
    ctx = DemoContext(today=today)
    org_step.seed(ctx)
    leads_step.seed(ctx)
    return activities_step.seed(ctx)


def test_a_year_of_activities_that_produced_leads_and_signings():
    today = clock.today()
    summary = _seed(today)
    assert "招商活动" in summary and "签约" in summary

    activities = db.session.scalars(sa.select(Activity).order_by(Activity.start_on)).all()
    assert 25 <= len(activities) <= 40
    year_ago = today - dt.timedelta(days=366)
    assert all(a.start_on <= a.end_on for a in activities)
    assert all(year_ago <= a.start_on <= today + dt.timedelta(days=366) for a in activities)
    past = [a for a in activities if a.start_on <= today]
    assert len([a for a in past if a.start_on >= year_ago]) >= 25
    assert any(a.start_on <= today <= a.end_on and a.end_on > today for a in activities)  # one under way
    assert sum(a.start_on > today for a in activities) >= 2  # planned ones
    assert all(a.leaders for a in activities)
    assert any(u.role is Role.LEADER for a in activities for u in a.leaders)
    assert len({u.id for a in activities for u in a.leaders if u.role is Role.LEADER}) >= 3
    assert all(a.participants for a in activities)
    assert {a.kind.name for a in activities} >= {"外出招商", "招商推介会", "展会论坛", "小分队招商", "来访接待"}
    assert any(a.away for a in activities) and any(not a.away for a in activities)
    assert {"上海", "深圳", "北京"} <= {r for a in activities for r in a.region_names}
    planned = [a for a in activities if a.plan_id is not None]
    assert planned and all(a.plan.year == a.start_on.year for a in planned)
    assert db.session.scalar(sa.select(sa.func.count(ActivityPlan.id))) >= 4

    # Records credited to an activity fall within it.
    for visit in db.session.scalars(sa.select(Visit).where(Visit.activity_id.is_not(None))):
        assert visit.activity.start_on <= visit.visited_on <= min(visit.activity.end_on, today)
    for lead in db.session.scalars(sa.select(Lead).where(Lead.activity_id.is_not(None))):
        assert lead.activity.start_on <= lead.received_on <= today

    produced = outcomes_for([a.id for a in activities])
    with_leads = [a for a in past if produced[a.id].leads]
    assert len(with_leads) >= 20
    assert sum(o.companies for o in produced.values()) > sum(o.leads for o in produced.values())  # known ones met too
    assert sum(o.discussed for o in produced.values()) >= 5
    signed = [a for a in activities if produced[a.id].signed]
    assert len(signed) >= 3
    assert all(produced[a.id].signed_amount > 0 for a in signed)
    assert all(produced[a.id].visits == 0 and produced[a.id].leads == 0 for a in activities if a.start_on > today)

    # Seeding again adds nothing.
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Activity, Lead, Visit)]
    assert "跳过" in activities_step.seed(DemoContext(today=today))
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Activity, Lead, Visit)] == counts


def test_the_same_activities_every_time(app):
    today = clock.today()
    _seed(today)
    first = db.session.execute(
        sa.select(Activity.title, Activity.start_on, Activity.end_on, Activity.plan_id.is_not(None)).order_by(
            Activity.start_on, Activity.title
        )
    ).all()
    factories.wipe_database()
    ensure_reference_data()
    db.session.commit()
    _seed(today)
    again = db.session.execute(
        sa.select(Activity.title, Activity.start_on, Activity.end_on, Activity.plan_id.is_not(None)).order_by(
            Activity.start_on, Activity.title
        )
    ).all()
    assert again == first


def test_the_demo_leader_sees_the_trips_he_led(client):
    _seed(clock.today())
    db.session.commit()
    leader = db.session.scalar(sa.select(User).where(User.username == "leader"))
    assert client.post("/auth/login", data={"username": "leader", "password": DEMO_PASSWORD}).status_code == 302
    led = db.session.scalars(
        sa.select(Activity).where(Activity.leaders.any(User.id == leader.id)).order_by(Activity.start_on)
    ).all()
    assert len(led) >= 5
    trip = next(a for a in led if outcomes_for([a.id])[a.id].signed)
    page = client.get(f"/activities/{trip.id}")
    assert page.status_code == 200 and trip.title in page.get_data(as_text=True)
