"""The one clock (app/clock.py): at 23:30 UTC it is already 07:30 the next
morning in Beijing, and every "today" the app uses — a visit's date check, a
milestone's done date, a lead clock, a light, a report's and an export's
date — is the Beijing one. Nothing in app/ reads the server's own date."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import clock
from app.db import db
from app.models import LeadStatus, Milestone, RefKind, Visit
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp

LATE_UTC = dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)
BEIJING_DAY = dt.date(2026, 12, 3)  # 07:30 in Beijing at that moment
APP = Path(__file__).resolve().parent.parent / "app"


@pytest.fixture
def late_evening_utc():
    before = clock.utcnow()
    clock.set_to(LATE_UTC, ticking=False)
    yield
    clock.set_to(before)


def test_the_clock_reads_beijing_time(app, late_evening_utc):
    assert clock.today() == BEIJING_DAY
    assert clock.now().strftime("%Y-%m-%d %H:%M") == "2026-12-03 07:30"
    assert clock.utcnow() == dt.datetime(2026, 12, 2, 23, 30)
    assert clock.start_of(BEIJING_DAY) == dt.datetime(2026, 12, 2, 16, 0)


def test_the_zone_is_configured(app, late_evening_utc, monkeypatch):
    monkeypatch.setitem(app.config, "APP_TIMEZONE", "UTC")
    assert clock.today() == dt.date(2026, 12, 2)


def test_a_visit_dated_today_in_beijing_is_accepted(client, login_as, late_evening_utc):
    east = factories.department("东城街道")
    alice = factories.user("staff", department=east)
    lead = fl.lead(department=east, owner=alice, received_on=BEIJING_DAY - dt.timedelta(days=3))
    db.session.commit()
    login_as(alice)
    response = client.post(
        f"/leads/{lead.id}/visits",
        data={
            "visited_on": BEIJING_DAY.isoformat(),
            "kind_id": str(fl.ref(RefKind.VISIT_KIND, "外出拜访").id),
            "summary": "早上第一次拜访。",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Visit.visited_on)) == BEIJING_DAY
    tomorrow = client.post(
        f"/leads/{lead.id}/visits",
        data={"visited_on": (BEIJING_DAY + dt.timedelta(days=1)).isoformat(), "summary": "明天的"},
    )
    assert "不能晚于今天" in tomorrow.get_data(as_text=True)


def test_a_milestone_done_now_is_done_on_the_beijing_day(client, login_as, late_evening_utc):
    staff = login_as("staff")
    project = fp.project(department=staff.department)
    db.session.commit()
    client.post(f"/projects/{project.id}/milestones", data={"name": "土地挂牌", "due_on": "2026-11-01"})
    milestone = db.session.scalar(sa.select(Milestone))
    client.post(f"/projects/{project.id}/milestones/{milestone.id}/done")
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).done_on == BEIJING_DAY


def test_lead_clocks_count_from_the_beijing_day(client, login_as, late_evening_utc, app):
    east = factories.department("东城街道")
    alice = factories.user("staff", department=east)
    days = app.config["LEAD_ASSESSMENT_DAYS"]
    # Overdue for assessment from the Beijing day on, not yet by the UTC date.
    fl.lead(
        department=east,
        owner=alice,
        status=LeadStatus.CONTACTED,
        received_on=BEIJING_DAY - dt.timedelta(days=days + 1),
        status_changed_at=clock.start_of(BEIJING_DAY - dt.timedelta(days=12)) + dt.timedelta(hours=1),
    )
    db.session.commit()
    login_as(alice)
    html = client.get("/leads/").get_data(as_text=True)
    assert "研判超期" in html
    assert "12 天" in html


def test_a_light_counts_idle_days_from_the_beijing_day(client, login_as, late_evening_utc, app):
    login_as("admin")
    red_days = app.config["LIGHT_RED_NO_UPDATE_DAYS"]
    fp.complete_project(
        today=BEIJING_DAY, name="久未推进项目", last_progress_on=BEIJING_DAY - dt.timedelta(days=red_days + 1)
    )
    db.session.commit()
    html = client.get("/projects/").get_data(as_text=True)
    assert f"已 {red_days + 1} 天无推进记录" in html


def test_reports_and_exports_are_dated_in_beijing(client, login_as, late_evening_utc):
    login_as("admin")
    page = client.get("/reports/funnel").get_data(as_text=True)
    assert "2026-12-03 07:30" in page
    export = client.get("/leads/export.xlsx")
    caption = load_workbook(io.BytesIO(export.data)).active["A1"].value
    assert "导出时间：2026-12-03 07:30" in caption


def test_nothing_in_the_app_reads_the_server_date():
    """The one clock is the only reader of the system time (sessions measure
    elapsed seconds with time.time(), which is not a date)."""
    pattern = re.compile(r"\bdate\.today\(\)|\bdatetime\.(now|utcnow|today)\(")
    offenders = [
        f"{path.relative_to(APP.parent)}:{number}"
        for path in APP.rglob("*.py")
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
