"""招商计划 pages: the year's list with the activities that realised each
plan, a plan's page, adding, editing (optimistic locking) and archiving,
each within the viewer's scope; the list's queries do not grow with it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa

from app import clock
from app.activities import services
from app.db import db
from app.leads import services as lead_services
from app.leads.visits import log_visit
from app.lookups import ref_id
from app.models import ActivityPlan, RefKind, Role
from tests import factories
from tests.conftest import PASSWORD

TODAY = clock.today()
YEAR = TODAY.year


def _industry(name: str) -> int:
    return ref_id(RefKind.INDUSTRY, name)


@pytest.fixture
def town(app) -> dict[str, Any]:
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    leader = factories.user(Role.LEADER, username="pleader", name="分管副区长", password=PASSWORD)
    staff = factories.user(Role.STAFF, username="pstaff", name="东城招商员", department=east, password=PASSWORD)
    west_staff = factories.user(Role.STAFF, username="pwest", name="西城招商员", department=west, password=PASSWORD)
    factories.user(Role.VIEWER, username="pviewer", password=PASSWORD)
    plan = services.create_plan(
        {
            "year": YEAR,
            "quarter": 2,
            "title": "赴长三角新能源招商",
            "kind_id": ref_id(RefKind.ACTIVITY_KIND, "外出招商"),
            "regions": "上海、苏州",
            "industry_ids": [_industry("智能制造"), _industry("精密制造")],
            "department_id": east.id,
            "leader_id": leader.id,
        },
        staff,
    )
    idle = services.create_plan({"year": YEAR, "title": "珠三角推介会", "department_id": east.id}, staff)
    west_plan = services.create_plan({"year": YEAR, "title": "西城赴京招商", "department_id": west.id}, west_staff)
    last_year = services.create_plan({"year": YEAR - 1, "title": "去年的计划", "department_id": east.id}, staff)
    db.session.commit()
    return {
        "east": east,
        "west": west,
        "leader": leader,
        "staff": staff,
        "west_staff": west_staff,
        "plan": plan.id,
        "idle": idle.id,
        "west_plan": west_plan.id,
        "last_year": last_year.id,
    }


def _trip(town: dict[str, Any], title: str, days_ago: int, **extra: Any):
    start = TODAY - dt.timedelta(days=days_ago)
    if start.year != YEAR:
        pytest.skip("the trips of this test fall in the first days of the year")
    return services.create_activity(
        {
            "kind_id": ref_id(RefKind.ACTIVITY_KIND, "外出招商"),
            "title": title,
            "start_on": start,
            "end_on": start + dt.timedelta(days=1),
            "away": True,
            "regions": "上海",
            "department_id": town["east"].id,
            "leader_ids": [town["leader"].id],
            "participant_ids": [town["staff"].id],
            **extra,
        },
        town["staff"],
    )


def _sign_in(client, username: str) -> None:
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302


def _text(response) -> str:
    return response.get_data(as_text=True)


def _plan_row(body: str, title: str) -> str:
    match = re.search(rf"<tr>\s*<td><a [^>]*>{title}</a>.*?</tr>", body, re.S)
    assert match, f"no row for {title}"
    return match.group(0)


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_this_years_plans_with_what_realised_them(client, town):
    trip = _trip(town, "赴上海新能源招商", 3, plan_id=town["plan"])
    archived = _trip(town, "录错的活动", 2, plan_id=town["plan"])
    services.archive_activity(archived, town["staff"], version=archived.version)
    db.session.commit()
    _sign_in(client, "pstaff")
    body = _text(client.get("/activities/plans"))
    assert f"{YEAR} 年招商计划" in body
    row = _plan_row(body, "赴长三角新能源招商")
    assert "上海、苏州" in row and "智能制造" in row and "精密制造" in row
    assert "东城街道" in row and "分管副区长" in row and "第2季度" in row
    assert "已实施 1 次" in row and f'href="/activities/{trip.id}"' in row
    assert "录错的活动" not in row  # an archived activity realises nothing
    assert "未实施" in _plan_row(body, "珠三角推介会")
    assert "去年的计划" not in body
    assert "西城赴京招商" not in body  # another department's plan: out of scope


def test_the_list_filters_by_year_quarter_and_department(client, town):
    _sign_in(client, "pleader")  # a leader sees every department's plans
    body = _text(client.get("/activities/plans"))
    assert "西城赴京招商" in body and "赴长三角新能源招商" in body
    body = _text(client.get(f"/activities/plans?year={YEAR - 1}"))
    assert "去年的计划" in body and "赴长三角新能源招商" not in body
    body = _text(client.get("/activities/plans?quarter=2"))
    assert "赴长三角新能源招商" in body and "珠三角推介会" not in body
    body = _text(client.get(f"/activities/plans?department={town['west'].id}"))
    assert "西城赴京招商" in body and "赴长三角新能源招商" not in body
    body = _text(client.get("/activities/plans?quarter=9&department=abc"))
    assert "季度应为 1–4 的整数，已忽略。" in body and "部门「abc」无效，已忽略。" in body
    assert "赴长三角新能源招商" in body and "西城赴京招商" in body


def test_the_list_queries_do_not_grow_with_the_plans(client, town, count_queries):
    def statements() -> int:
        with count_queries() as n:
            assert client.get("/activities/plans").status_code == 200
        return n()

    _sign_in(client, "pstaff")
    client.get("/activities/plans")  # warm-up
    few = statements()
    for i in range(8):
        plan = services.create_plan(
            {"year": YEAR, "title": f"计划{i}", "department_id": town["east"].id, "industry_ids": [_industry("其他")]},
            town["staff"],
        )
        _trip(town, f"活动{i}", 2, plan_id=plan.id)
    db.session.commit()
    many = statements()
    assert many <= few <= 10


# --- a plan's page -------------------------------------------------------------------------


def test_a_plans_page_sums_what_its_activities_produced(client, town):
    first = _trip(town, "第一次赴沪", 5, plan_id=town["plan"])
    second = _trip(town, "第二次赴沪", 2, plan_id=town["plan"])
    lead = lead_services.create_lead(
        {
            "company_name": "宁德时代新能源科技股份有限公司",
            "title": "电池基地",
            "owner_department_id": town["east"].id,
            "received_on": first.start_on,
            "activity_id": first.id,
        },
        town["staff"],
    )
    for activity in (first, second):  # the same company met on both trips
        log_visit(
            {"visited_on": activity.start_on, "summary": "洽谈电池基地", "activity_id": activity.id},
            town["staff"],
            lead=lead,
        )
    db.session.commit()
    _sign_in(client, "pstaff")
    body = _text(client.get(f"/activities/plans/{town['plan']}"))
    assert "赴长三角新能源招商" in body and "已实施" in body
    assert f'href="/activities/{first.id}"' in body and f'href="/activities/{second.id}"' in body
    numbers = dict(re.findall(r'<div class="small text-muted">([^<]+)</div><div class="fw-semibold">(\d+)</div>', body))
    assert numbers["外出天数"] == "4"
    assert numbers["对接企业"] == "1"  # distinct over the plan's trips
    assert numbers["拜访"] == "2" and numbers["线索"] == "1"


def test_a_plan_out_of_scope_or_archived_is_not_found(client, town):
    _sign_in(client, "pwest")
    assert client.get(f"/activities/plans/{town['plan']}").status_code == 404
    assert client.get(f"/activities/plans/{town['west_plan']}").status_code == 200
    plan = db.session.get(ActivityPlan, town["west_plan"])
    services.archive_plan(plan, town["west_staff"], version=plan.version)
    db.session.commit()
    assert client.get(f"/activities/plans/{town['west_plan']}").status_code == 404


# --- adding, editing, archiving ------------------------------------------------------------


def _form(town: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "title": "赴深圳电子信息招商",
        "year": str(YEAR),
        "quarter": "3",
        "kind_id": str(ref_id(RefKind.ACTIVITY_KIND, "小分队招商")),
        "regions": "深圳，东莞",
        "industry_ids": [str(_industry("智能制造"))],
        "department_id": str(town["east"].id),
        "leader_id": str(town["leader"].id),
        "notes": "重点对接电子信息龙头",
    }
    data.update(changes)
    return data


def test_staff_add_a_plan_for_their_department(client, town):
    _sign_in(client, "pstaff")
    page = _text(client.get("/activities/plans/new"))
    assert f'value="{YEAR}"' in page
    departments = re.search(r'<select[^>]*name="department_id".*?</select>', page, re.S).group(0)
    assert "东城街道" in departments and "西城街道" not in departments  # only those within their scope
    response = client.post("/activities/plans/new", data=_form(town))
    assert response.status_code == 302
    plan = db.session.scalars(sa.select(ActivityPlan).where(ActivityPlan.title == "赴深圳电子信息招商")).one()
    assert (plan.year, plan.quarter, plan.regions, plan.department_id) == (YEAR, 3, "深圳、东莞", town["east"].id)
    assert [i.name for i in plan.industries] == ["智能制造"]
    assert plan.leader_id == town["leader"].id and plan.created_by_id == town["staff"].id
    assert response.headers["Location"].endswith(f"/activities/plans/{plan.id}")


def test_a_plan_for_another_department_or_without_a_title_is_refused_with_the_input_kept(client, town):
    _sign_in(client, "pstaff")
    response = client.post("/activities/plans/new", data=_form(town, department_id=str(town["west"].id), title=""))
    assert response.status_code == 422
    body = _text(response)
    assert "请填写计划名称。" in body and "所选项不存在或不可选" in body
    assert "深圳，东莞" in body and "重点对接电子信息龙头" in body
    assert db.session.scalar(sa.select(sa.func.count(ActivityPlan.id))) == 4


def test_editing_a_plan_saves_and_a_stale_edit_keeps_the_input(client, town):
    _sign_in(client, "pstaff")
    plan = db.session.get(ActivityPlan, town["idle"])
    version = plan.version
    edit = f"/activities/plans/{plan.id}/edit"
    assert f'name="version" type="hidden" value="{version}"' in _text(client.get(edit))
    saved = client.post(edit, data=_form(town, title="珠三角推介会（调整）", version=str(version)))
    assert saved.status_code == 302
    db.session.expire_all()
    plan = db.session.get(ActivityPlan, town["idle"])
    assert plan.title == "珠三角推介会（调整）" and plan.version > version

    stale = client.post(edit, data=_form(town, title="过期页面上的修改", version=str(version)))
    assert stale.status_code == 409
    body = _text(stale)
    assert "过期页面上的修改" in body and "您的修改尚未保存" in body
    assert f'value="{plan.version}"' in body  # saving again is a deliberate choice
    db.session.expire_all()
    assert db.session.get(ActivityPlan, town["idle"]).title == "珠三角推介会（调整）"


def test_a_plan_realised_by_an_activity_keeps_its_year(client, town):
    _trip(town, "赴沪", 2, plan_id=town["plan"])
    db.session.commit()
    _sign_in(client, "pstaff")
    plan = db.session.get(ActivityPlan, town["plan"])
    response = client.post(
        f"/activities/plans/{plan.id}/edit", data=_form(town, year=str(YEAR + 1), version=str(plan.version))
    )
    assert response.status_code == 422
    assert "该计划已有活动实施，不能改变年度。" in _text(response)


def test_archiving_a_plan_takes_it_off_the_list(client, town):
    _sign_in(client, "pstaff")
    plan = db.session.get(ActivityPlan, town["idle"])
    stale = client.post(f"/activities/plans/{plan.id}/archive", data={"version": "999"})
    assert stale.status_code == 302
    db.session.expire_all()
    assert db.session.get(ActivityPlan, town["idle"]).archived_at is None
    response = client.post(f"/activities/plans/{plan.id}/archive", data={"version": str(plan.version)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/activities/plans?year={YEAR}")
    db.session.expire_all()
    assert db.session.get(ActivityPlan, town["idle"]).archived_at is not None
    assert "珠三角推介会" not in _text(client.get("/activities/plans"))


def test_leaders_and_viewers_read_plans_but_do_not_keep_them(client, town):
    for username in ("pleader", "pviewer"):
        _sign_in(client, username)
        page = _text(client.get(f"/activities/plans/{town['plan']}"))
        assert "赴长三角新能源招商" in page and "/edit" not in page
        assert client.get("/activities/plans/new").status_code == 403
        assert client.get(f"/activities/plans/{town['plan']}/edit").status_code == 403
        assert client.post(f"/activities/plans/{town['plan']}/archive", data={"version": "1"}).status_code == 403
        client.post("/auth/logout")
    _sign_in(client, "pwest")
    assert client.get(f"/activities/plans/{town['plan']}/edit").status_code == 404
