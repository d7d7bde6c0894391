"""Working days follow the State Council's 2026 calendar (春节 and 国庆 with
their 调休 weekends) and the district's own overrides, kept by the admin on
the 工作日历 page: the first-contact clock of a lead counts them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app import clock, workdays
from app.db import db
from app.models import AuditLog, LeadStatus, WorkdayOverride
from tests import factories
from tests import factories_leads as fl

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def on_day():
    """Set the clock to 10:00 Beijing time of a given day; put it back after."""
    before = clock.utcnow()

    def _set(day: dt.date) -> None:
        clock.set_to(dt.datetime.combine(day, dt.time(10, 0), tzinfo=BEIJING))

    yield _set
    clock.set_to(before)


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (dt.date(2026, 2, 13), dt.date(2026, 2, 14), "the Saturday before 春节 is worked (调休)"),
        (dt.date(2026, 2, 14), dt.date(2026, 2, 24), "春节 runs 2-15 to 2-23, the Monday included"),
        (dt.date(2026, 9, 24), dt.date(2026, 9, 28), "中秋 takes Friday 9-25"),
        (dt.date(2026, 9, 19), dt.date(2026, 9, 20), "Sunday 9-20 is worked for 国庆"),
        (dt.date(2026, 9, 30), dt.date(2026, 10, 8), "国庆 runs 10-1 to 10-7"),
        (dt.date(2026, 10, 9), dt.date(2026, 10, 10), "Saturday 10-10 is worked for 国庆"),
        (dt.date(2026, 11, 20), dt.date(2026, 11, 23), "an ordinary weekend"),
    ],
)
def test_the_2026_calendar(app, received, due, why):
    with app.app_context():
        assert workdays.calendar().add_workdays(received, 1) == due, why


def _overdue_first_contact(client, login_as, received: dt.date) -> bool:
    east = factories.department("东城街道")
    alice = factories.user("staff", department=east)
    fl.lead(department=east, owner=alice, status=LeadStatus.NEW, received_on=received)
    db.session.commit()
    login_as(alice)
    return "首次对接超期" in client.get("/leads/").get_data(as_text=True)


def test_a_lead_received_on_the_eve_of_spring_festival_is_due_after_it(client, login_as, on_day):
    on_day(dt.date(2026, 2, 24))  # the first working day after 春节
    assert not _overdue_first_contact(client, login_as, dt.date(2026, 2, 14))


def test_the_lead_is_overdue_the_day_after(client, login_as, on_day):
    on_day(dt.date(2026, 2, 25))
    assert _overdue_first_contact(client, login_as, dt.date(2026, 2, 14))


def test_a_worked_saturday_counts(client, login_as, on_day):
    # Received Friday 2-13, due on the worked Saturday 2-14: overdue on Sunday
    # (Monday to Friday alone would make it due on Monday 2-16).
    on_day(dt.date(2026, 2, 15))
    assert _overdue_first_contact(client, login_as, dt.date(2026, 2, 13))


def test_the_admin_adds_a_local_day_off_and_takes_it_back(client, login_as, on_day):
    login_as("admin")
    response = client.post("/admin/workdays", data={"day": "2026-02-24", "is_workday": "0", "note": "区属单位调休"})
    assert response.status_code == 302
    row = db.session.scalar(sa.select(WorkdayOverride))
    assert (row.day, row.is_workday, row.note) == (dt.date(2026, 2, 24), False, "区属单位调休")
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "workday")).action == "create"
    page = client.get("/admin/workdays?year=2026").get_data(as_text=True)
    assert "区属单位调休" in page and "春节放假" in page and "春节调休上班" in page
    with client.application.app_context():
        # The local day off moves the deadline of a lead received on 2-14 to 2-25.
        assert workdays.calendar().add_workdays(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 25)

    client.post("/admin/workdays/2026-02-24/delete")
    assert db.session.scalar(sa.select(sa.func.count(WorkdayOverride.id))) == 0
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity == "workday")).all()
    assert sorted(actions) == ["create", "delete"]
    with client.application.app_context():
        assert workdays.calendar().add_workdays(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)


def test_an_override_needs_a_note_and_a_date(client, login_as):
    login_as("admin")
    page = client.post("/admin/workdays", data={"day": "2026-05-06", "is_workday": "0", "note": " "})
    assert "请填写说明" in page.get_data(as_text=True)
    page = client.post("/admin/workdays", data={"day": "五月六日", "is_workday": "0", "note": "x"})
    assert "日期" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(WorkdayOverride.id))) == 0
    gone = client.post("/admin/workdays/2026-05-06/delete", follow_redirects=True)
    assert "没有本区的调整" in gone.get_data(as_text=True)


def test_a_year_the_library_does_not_know_falls_back_and_says_so(client, login_as):
    login_as("admin")
    page = client.get("/admin/workdays?year=2099").get_data(as_text=True)
    assert "尚未包含国务院 2099 年的节假日安排" in page
    with client.application.app_context():
        assert workdays.calendar().add_workdays(dt.date(2099, 1, 2), 1) == dt.date(2099, 1, 5)  # Friday → Monday
    client.post("/admin/workdays", data={"day": "2099-01-05", "is_workday": "0", "note": "补录"})
    with client.application.app_context():
        assert workdays.calendar().add_workdays(dt.date(2099, 1, 2), 1) == dt.date(2099, 1, 6)


def test_other_roles_cannot_change_the_calendar(client, login_as):
    login_as("staff")
    assert client.post("/admin/workdays", data={"day": "2026-05-06", "is_workday": "0", "note": "x"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(WorkdayOverride.id))) == 0
