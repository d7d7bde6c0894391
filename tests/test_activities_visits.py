"""批量记录拜访: a participant logs a trip's visits to several companies in
one go — all rows or none, a refusal naming its row with every typed row
kept, a new company becoming a lead credited to the activity, the 撞单
questions of the lead rules, and who may use the form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from app import clock
from app.activities import outcomes
from app.activities import services as activity_services
from app.db import db
from app.leads import services as lead_services
from app.lookups import ref_id
from app.models import Activity, Company, DataScope, Lead, LeadStatus, RefKind, Role, Visit
from tests import factories
from tests.conftest import PASSWORD

TODAY = clock.today()


@pytest.fixture
def trip(app) -> dict[str, Any]:
    """东城's three-day trip ending today, led by a 副区长 with 东城招商员
    taking part; 西城 follows a company of its own."""
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    leader = factories.user(Role.LEADER, username="vleader", name="带队领导", password=PASSWORD)
    staff = factories.user(Role.STAFF, username="vstaff", name="东城招商员", department=east, password=PASSWORD)
    colleague = factories.user(Role.STAFF, username="vcolleague", name="东城同事", department=east)
    west_staff = factories.user(Role.STAFF, username="vwest", name="西城招商员", department=west, password=PASSWORD)
    activity = activity_services.create_activity(
        {
            "kind_id": ref_id(RefKind.ACTIVITY_KIND, "外出招商"),
            "title": "赴深圳招商",
            "start_on": TODAY - dt.timedelta(days=2),
            "end_on": TODAY,
            "away": True,
            "regions": "深圳",
            "department_id": east.id,
            "leader_ids": [leader.id],
            "participant_ids": [staff.id, colleague.id],
        },
        staff,
    )
    own_lead = _lead(staff, east.id, "华为终端有限公司", "设立研发中心")
    west_lead = _lead(west_staff, west.id, "比亚迪汽车有限公司", "新能源零部件")
    db.session.commit()
    return {
        "east": east,
        "west": west,
        "leader": leader,
        "staff": staff,
        "colleague": colleague,
        "west_staff": west_staff,
        "activity": activity.id,
        "own_lead": own_lead.id,
        "west_lead": west_lead.id,
    }


def _lead(actor, department_id: int, company: str, title: str) -> Lead:
    return lead_services.create_lead(
        {
            "company_name": company,
            "title": title,
            "owner_department_id": department_id,
            "owner_user_id": actor.id,
            "intended_investment": Decimal("5000"),
            "received_on": TODAY - dt.timedelta(days=30),
        },
        actor,
    )


def _sign_in(client, username: str) -> None:
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _rows(*rows: dict[str, Any], people: list[int] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"kind_id": ref_id(RefKind.VISIT_KIND, "外出拜访")}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"rows-{index}-{name}"] = value
        data.setdefault(f"rows-{index}-visited_on", TODAY.isoformat())
        if people is not None:
            data[f"rows-{index}-participant_ids"] = people
    return data


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- the form ------------------------------------------------------------------------------


def test_the_form_offers_blank_rows_dated_today_with_the_activitys_people_ticked(client, trip):
    _sign_in(client, "vstaff")
    response = client.get(f"/activities/{trip['activity']}/visits")
    assert response.status_code == 200
    body = _text(response)
    assert body.count('name="rows-') > 0
    for index in range(3):
        assert f'name="rows-{index}-company_name"' in body
        assert re.search(rf'name="rows-{index}-visited_on"[^>]*value="{TODAY.isoformat()}"', body)
    assert 'name="rows-3-company_name"' not in body
    for person in ("leader", "staff", "colleague"):
        assert re.search(rf'name="rows-0-participant_ids"[^>]*value="{trip[person].id}"[^>]*checked', body)
    # 外出招商 → the visits are 外出拜访 unless the person changes it.
    kind = ref_id(RefKind.VISIT_KIND, "外出拜访")
    assert re.search(rf'<option[^>]*selected[^>]*value="{kind}"|<option value="{kind}" selected', body)


def test_a_visit_date_defaults_to_the_activitys_start_when_today_is_outside_it(client, trip):
    activity = db.session.get(Activity, trip["activity"])
    activity.start_on, activity.end_on = TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=18)
    db.session.commit()
    _sign_in(client, "vstaff")
    body = _text(client.get(f"/activities/{trip['activity']}/visits"))
    start = (TODAY - dt.timedelta(days=20)).isoformat()
    assert re.search(rf'name="rows-0-visited_on"[^>]*value="{start}"', body)


def test_another_row_is_added_without_saving_and_without_losing_what_was_typed(client, trip):
    _sign_in(client, "vstaff")
    data = _rows({"company_name": "腾讯科技有限公司", "summary": "洽谈区域总部"})
    response = client.post(f"/activities/{trip['activity']}/visits", data={**data, "add_row": "1"})
    body = _text(response)
    assert response.status_code == 200
    assert "腾讯科技有限公司" in body and "洽谈区域总部" in body
    assert 'name="rows-1-company_name"' in body  # a new blank row after the one typed
    assert _count(Visit) == 0


# --- saving ----------------------------------------------------------------------------------


def test_three_rows_are_saved_together_and_a_new_company_becomes_a_lead_of_the_activity(client, trip):
    _sign_in(client, "vstaff")
    people = [trip["leader"].id, trip["staff"].id]
    data = _rows(
        {"pick": f"lead:{trip['own_lead']}", "company_name": "华为终端有限公司", "summary": "回访研发中心选址"},
        {"company_name": "深圳市大疆创新科技有限公司", "summary": "介绍无人机产业园", "title": "无人机制造基地"},
        {"company_name": "深圳迈瑞生物医疗电子股份有限公司", "summary": "医疗器械项目初步接触"},
        people=people,
    )
    response = client.post(f"/activities/{trip['activity']}/visits", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/activities/{trip['activity']}")
    page = _text(client.get(response.headers["Location"]))
    assert "已记录 3 条拜访" in page

    visits = db.session.scalars(sa.select(Visit).order_by(Visit.id)).all()
    assert len(visits) == 3
    assert {v.activity_id for v in visits} == {trip["activity"]}
    assert visits[0].lead_id == trip["own_lead"]
    assert all(v.leader_present_id == trip["leader"].id for v in visits)  # a leader went along
    assert all({u.id for u in v.participants} == set(people) for v in visits)
    assert all(v.kind.name == "外出拜访" for v in visits)

    dji = db.session.scalars(sa.select(Lead).join(Company).where(Company.name == "深圳市大疆创新科技有限公司")).one()
    assert dji.activity_id == trip["activity"]
    assert dji.owner_department_id == trip["east"].id
    assert dji.owner_user_id == trip["staff"].id
    assert dji.title == "无人机制造基地"
    assert dji.received_on == TODAY
    assert dji.source.name == "外出招商"
    assert dji.status is LeadStatus.CONTACTED  # its first visit
    mindray = db.session.scalars(sa.select(Lead).join(Company).where(Company.name.like("%迈瑞%"))).one()
    assert mindray.title == "赴深圳招商中对接"  # no 投资意向 typed: named after the trip

    outcome = outcomes.outcomes_for([trip["activity"]])[trip["activity"]]
    assert (outcome.visits, outcome.leads, outcome.companies) == (3, 2, 3)


def test_a_refused_third_row_saves_nothing_keeps_every_row_and_names_the_row(client, trip):
    _sign_in(client, "vstaff")
    before = (_count(Visit), _count(Lead), _count(Company))
    outside = (TODAY - dt.timedelta(days=5)).isoformat()
    data = _rows(
        {"pick": f"lead:{trip['own_lead']}", "company_name": "华为终端有限公司", "summary": "回访研发中心选址"},
        {"company_name": "深圳市大疆创新科技有限公司", "summary": "介绍无人机产业园"},
        {"company_name": "顺丰控股股份有限公司", "summary": "物流总部意向", "visited_on": outside},
    )
    response = client.post(f"/activities/{trip['activity']}/visits", data=data)
    assert response.status_code == 422
    body = _text(response)
    assert "第 3 行：拜访日期" in body and "不在招商活动「赴深圳招商」期间" in body
    for typed in (
        "回访研发中心选址",
        "深圳市大疆创新科技有限公司",
        "介绍无人机产业园",
        "顺丰控股股份有限公司",
        outside,
    ):
        assert typed in body
    assert re.search(rf'value="lead:{trip["own_lead"]}"[^>]*checked', body)  # the pick is kept too
    db.session.expire_all()
    assert (_count(Visit), _count(Lead), _count(Company)) == before
    assert outcomes.outcomes_for([trip["activity"]])[trip["activity"]].visits == 0


def test_a_row_without_what_was_discussed_is_refused_by_number(client, trip):
    _sign_in(client, "vstaff")
    data = _rows({"company_name": "深圳市大疆创新科技有限公司", "summary": "介绍产业园"}, {"company_name": "顺丰控股"})
    body = _text(client.post(f"/activities/{trip['activity']}/visits", data=data))
    assert "第 2 行：请填写拜访内容。" in body
    assert _count(Visit) == 0


def test_blank_rows_are_skipped_and_an_empty_form_is_refused(client, trip):
    _sign_in(client, "vstaff")
    response = client.post(f"/activities/{trip['activity']}/visits", data=_rows({}, {}, {}))
    assert response.status_code == 422
    assert "请至少填写一行拜访记录" in _text(response)
    data = _rows({}, {"company_name": "深圳市大疆创新科技有限公司", "summary": "介绍产业园"}, {})
    assert client.post(f"/activities/{trip['activity']}/visits", data=data).status_code == 302
    assert _count(Visit) == 1


def test_a_visit_after_today_is_refused(client, trip):
    activity = db.session.get(Activity, trip["activity"])
    activity.end_on = TODAY + dt.timedelta(days=2)
    db.session.commit()
    _sign_in(client, "vstaff")
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    data = _rows({"company_name": "深圳市大疆创新科技有限公司", "summary": "介绍产业园", "visited_on": tomorrow})
    body = _text(client.post(f"/activities/{trip['activity']}/visits", data=data))
    assert "第 1 行：拜访日期不能晚于今天。" in body
    assert _count(Visit) == 0


def test_the_same_new_company_on_two_rows_is_one_lead_with_two_visits(client, trip):
    _sign_in(client, "vstaff")
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    data = _rows(
        {"company_name": "深圳市大疆创新科技有限公司", "summary": "初次拜访", "visited_on": yesterday},
        {"company_name": "深圳市大疆创新科技有限公司 ", "summary": "实地考察工厂"},
    )
    assert client.post(f"/activities/{trip['activity']}/visits", data=data).status_code == 302
    assert _count(Lead) == 3  # the two existing leads and one new
    assert _count(Visit) == 2
    outcome = outcomes.outcomes_for([trip["activity"]])[trip["activity"]]
    assert (outcome.visits, outcome.leads, outcome.companies) == (2, 1, 1)


def test_a_lead_the_person_may_not_keep_is_refused_on_its_row(client, trip):
    _sign_in(client, "vstaff")
    data = _rows({"pick": f"lead:{trip['west_lead']}", "company_name": "比亚迪", "summary": "顺路拜访"})
    body = _text(client.post(f"/activities/{trip['activity']}/visits", data=data))
    assert "第 1 行：所选线索不存在或您无权为其记录拜访" in body
    assert _count(Visit) == 0


def test_a_company_another_department_follows_asks_to_choose_then_to_confirm_the_duplicate(client, trip):
    """撞单: the typed name is on file (pick it or say it is new), then the
    other department's following is confirmed; the lead is marked 撞单."""
    _sign_in(client, "vstaff")
    url = f"/activities/{trip['activity']}/visits"
    typed = {"company_name": "比亚迪汽车有限公司", "summary": "电池项目洽谈"}
    first = client.post(url, data=_rows(typed))
    assert first.status_code == 422
    body = _text(first)
    company_id = db.session.scalar(sa.select(Lead.company_id).where(Lead.id == trip["west_lead"]))
    assert "第 1 行：企业库中可能已有该企业" in body
    assert f'value="company:{company_id}"' in body
    assert "西城街道" in body  # who follows it: the department and since when, nothing more
    assert "新能源零部件" not in body

    second = client.post(url, data=_rows({**typed, "pick": f"company:{company_id}"}))
    assert second.status_code == 422
    body = _text(second)
    assert "第 1 行：该企业已有其他部门跟进（撞单）" in body
    assert 'name="rows-0-confirm_duplicate"' in body
    assert _count(Visit) == 0

    third = client.post(url, data=_rows({**typed, "pick": f"company:{company_id}", "confirm_duplicate": "y"}))
    assert third.status_code == 302
    lead = db.session.scalars(
        sa.select(Lead).where(Lead.owner_department_id == trip["east"].id, Lead.company_id == company_id)
    ).one()
    assert lead.activity_id == trip["activity"] and lead.has_conflict
    assert _count(Visit) == 1


def test_picking_a_company_the_department_already_follows_logs_on_its_lead(client, trip):
    _sign_in(client, "vstaff")
    company_id = db.session.scalar(sa.select(Lead.company_id).where(Lead.id == trip["own_lead"]))
    data = _rows({"pick": f"company:{company_id}", "company_name": "华为终端有限公司", "summary": "回访"})
    assert client.post(f"/activities/{trip['activity']}/visits", data=data).status_code == 302
    visit = db.session.scalars(sa.select(Visit)).one()
    assert visit.lead_id == trip["own_lead"]
    assert _count(Lead) == 2


def test_the_row_search_offers_the_persons_leads_and_companies_on_file_only(client, trip):
    _sign_in(client, "vstaff")
    url = f"/activities/{trip['activity']}/visits/search"
    body = _text(client.get(url, query_string={"row": 1, "rows-1-company_name": "华为"}))
    assert f'value="lead:{trip["own_lead"]}"' in body and 'name="rows-1-pick"' in body
    body = _text(client.get(url, query_string={"row": 0, "rows-0-company_name": "比亚迪"}))
    assert f'value="lead:{trip["west_lead"]}"' not in body  # 西城's lead: not the person's to log on
    company_id = db.session.scalar(sa.select(Lead.company_id).where(Lead.id == trip["west_lead"]))
    assert f'value="company:{company_id}"' in body  # the company on file, for a lead of their own


# --- who may use it ------------------------------------------------------------------------


def test_a_non_participant_of_another_department_gets_404_and_a_leader_403(client, trip):
    url = f"/activities/{trip['activity']}/visits"
    _sign_in(client, "vwest")
    assert client.get(url).status_code == 404
    assert client.post(url, data=_rows({"company_name": "X公司", "summary": "x"})).status_code == 404
    assert client.get(f"{url}/search?row=0&q=华为").status_code == 404
    client.post("/auth/logout")
    _sign_in(client, "vleader")  # sees the trip he led; visits are logged by staff
    assert client.get(url).status_code == 403
    assert _count(Visit) == 0


def test_a_participant_from_another_department_logs_into_their_own_department(client, trip):
    west_staff = trip["west_staff"]
    activity = db.session.get(Activity, trip["activity"])
    activity.participants = [*activity.participants, west_staff]
    db.session.commit()
    _sign_in(client, "vwest")
    data = _rows({"company_name": "深圳市大疆创新科技有限公司", "summary": "介绍产业园"})
    assert client.post(f"/activities/{trip['activity']}/visits", data=data).status_code == 302
    lead = db.session.scalars(sa.select(Lead).where(Lead.activity_id == trip["activity"])).one()
    assert lead.owner_department_id == trip["west"].id and lead.owner_user_id == west_staff.id


def test_an_own_scope_participant_may_log_and_owns_the_new_lead(client, trip):
    own = factories.user(Role.STAFF, username="vown", department=trip["east"], scope=DataScope.OWN, password=PASSWORD)
    activity = db.session.get(Activity, trip["activity"])
    activity.participants = [*activity.participants, own]
    db.session.commit()
    _sign_in(client, "vown")
    data = _rows({"company_name": "深圳市大疆创新科技有限公司", "summary": "介绍产业园"})
    assert client.post(f"/activities/{trip['activity']}/visits", data=data).status_code == 302
    assert db.session.scalars(sa.select(Lead).where(Lead.activity_id == trip["activity"])).one().owner_user_id == own.id


def test_the_log_actions_show_the_button_only_when_the_view_says_so(app, trip):
    """The activity page includes _log_actions.html with `can.log`."""
    from flask import render_template

    activity = db.session.get(Activity, trip["activity"])
    with app.test_request_context():
        shown = render_template("activities/_log_actions.html", activity=activity, can={"log": True})
        hidden = render_template("activities/_log_actions.html", activity=activity, can={"log": False})
    assert f'href="/activities/{activity.id}/visits"' in shown and "批量记录拜访" in shown
    assert "批量记录拜访" not in hidden


# --- the home panels -----------------------------------------------------------------------


def _numbers(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-number="\d">(\d+)<', body)]


def _activity(trip: dict[str, Any], title: str, start: dt.date, days: int = 1, **extra: Any) -> Activity:
    return activity_services.create_activity(
        {
            "kind_id": ref_id(RefKind.ACTIVITY_KIND, "招商推介会"),
            "title": title,
            "start_on": start,
            "end_on": start + dt.timedelta(days=days - 1),
            "away": False,
            "department_id": trip["east"].id,
            "leader_ids": [trip["leader"].id],
            "participant_ids": [trip["staff"].id],
            **extra,
        },
        trip["staff"],
    )


def test_a_leaders_home_shows_this_years_trips_he_led_and_what_they_produced(client, trip):
    from tests import factories_agreements as fa

    _sign_in(client, "vstaff")
    data = _rows(
        {"pick": f"lead:{trip['own_lead']}", "company_name": "华为终端有限公司", "summary": "回访"},
        {"company_name": "深圳市大疆创新科技有限公司", "summary": "介绍产业园"},
    )
    assert client.post(f"/activities/{trip['activity']}/visits", data=data).status_code == 302
    client.post("/auth/logout")
    earlier = max(dt.date(TODAY.year, 1, 1), TODAY - dt.timedelta(days=40))
    fair = _activity(trip, "春季推介会", earlier)
    project = fa.project(name="推介会签约项目", activity_id=fair.id)
    fa.agreement(project, signed_on=TODAY)
    archived = _activity(trip, "录错的活动", earlier)
    activity_services.archive_activity(archived, trip["staff"], version=archived.version)
    last_year = _activity(trip, "去年的推介会", dt.date(TODAY.year - 1, 6, 1))
    fa.project(name="去年的项目", activity_id=last_year.id)
    upcoming = TODAY + dt.timedelta(days=10)
    if upcoming.year == TODAY.year:
        _activity(trip, "下月赴京招商", upcoming, days=3, away=True)
    db.session.commit()

    _sign_in(client, "vleader")
    body = _text(client.get("/"))
    assert "我带队的招商活动" in body
    # 2 begun this year; 3 days out (the trip; the fair is local); 2 companies, 2 visits,
    # 1 lead (the new company), 1 signed project (the fair's).
    assert _numbers(body) == [2, 3, 2, 2, 1, 1]
    assert f'href="/activities/{trip["activity"]}"' in body and f'href="/activities/{fair.id}"' in body
    assert "录错的活动" not in body and "去年的推介会" not in body
    if upcoming.year == TODAY.year:
        assert "下月赴京招商" in body and "未开始" in body
    assert "我参加的招商活动" not in body


def test_a_staff_members_home_lists_the_activities_they_take_part_in(client, trip):
    _activity(trip, "上月的推介会", TODAY - dt.timedelta(days=40))
    soon = _activity(trip, "下周的洽谈会", TODAY + dt.timedelta(days=7))
    db.session.commit()
    _sign_in(client, "vstaff")
    body = _text(client.get("/"))
    assert "我参加的招商活动" in body and "我带队的招商活动" not in body
    assert "赴深圳招商" in body and "进行中" in body and "下周的洽谈会" in body
    assert f'href="/activities/{trip["activity"]}/visits"' in body  # ongoing: log its visits
    assert f'href="/activities/{soon.id}/visits"' not in body  # not begun yet
    assert "上月的推介会" not in body
    client.post("/auth/logout")
    _sign_in(client, "vwest")
    assert "我参加的招商活动" not in _text(client.get("/"))


@pytest.mark.parametrize("username", ["vleader", "vstaff"])
def test_the_home_panels_queries_do_not_grow_with_the_trips(client, trip, count_queries, username):
    def statements() -> int:
        with count_queries() as n:
            assert client.get("/").status_code == 200
        return n()

    _sign_in(client, username)
    client.get("/")
    few = statements()
    for i in range(6):
        _activity(trip, f"活动{i}", max(dt.date(TODAY.year, 1, 1), TODAY - dt.timedelta(days=i)), days=1 + i % 2)
    db.session.commit()
    assert statements() == few
