"""招商活动 over the API and the activity a lead, visit or project names:
recording an activity (201 with its audit row; the kind by name or id, the
regions as typed, the budget through the money parser), refusals naming
their field and writing nothing, the list's filters within the caller's
scope (another department's staff do not see it, a participant does), one
activity with the very numbers its page counts (`outcomes_for`), PATCH with
its version (409 when stale); `activity_id` on leads, visits and projects
(refused for an archived or unseen activity, or a visit outside its dates);
and the HTML forms: the 招商活动 select, `?activity_id=` pre-filling it,
and the pages showing the link."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.activities import services as activity_services
from app.activities.outcomes import outcomes_for
from app.db import db
from app.leads import pipeline
from app.lookups import ref_id
from app.models import Activity, AuditLog, DataScope, Lead, LeadStatus, Project, RefKind, Role, Visit
from tests import factories
from tests import factories_agreements as fag
from tests import factories_leads as fl
from tests.factories_api import bearer

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def town(set_today):
    set_today(TODAY)
    east, west = factories.department("东城街道"), factories.department("西城街道")
    people = {
        "alice": factories.user(Role.STAFF, department=east, name="孙丽娜", scope=DataScope.DEPARTMENT),
        "bob": factories.user(Role.STAFF, department=west, name="周强", scope=DataScope.DEPARTMENT),
        "carol": factories.user(Role.STAFF, department=west, name="陈静", scope=DataScope.DEPARTMENT),
        "leader": factories.user(Role.LEADER, name="王建国", title="常务副区长"),
        "leader2": factories.user(Role.LEADER, name="李红梅", title="副区长"),
        "viewer": factories.user(Role.VIEWER, name="督查员"),
        "admin": factories.user(Role.ADMIN),
    }
    trip = activity(
        people["alice"],
        title="赴上海苏州招商",
        start_on=dt.date(2026, 6, 1),
        end_on=dt.date(2026, 6, 4),
        regions="上海、苏州",
        department_id=east.id,
        leader_ids=[people["leader"].id],
        participant_ids=[people["carol"].id],
    )
    db.session.commit()
    return {**people, "east": east, "west": west, "trip": trip}


def activity(actor, **data) -> Activity:
    values = {"kind_id": ref_id(RefKind.ACTIVITY_KIND, "外出招商"), "away": True, **data}
    created = activity_services.create_activity(values, actor)
    db.session.flush()
    return created


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def body(town, **overrides):
    data = {
        "kind": "外出招商",
        "title": "赴深圳广州招商",
        "start_on": "2026-05-10",
        "end_on": "2026-05-13",
        "regions": "深圳、广州",
        "leader_ids": [town["leader"].id],
        "participant_ids": [town["alice"].id],
        "purpose": "对接电子信息企业",
        "budget": "３.５万",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not DROP}


DROP = object()


# --- recording -----------------------------------------------------------------------------


def test_staff_record_an_activity_by_kind_name_with_its_audit_row(client, town):
    response = client.post("/api/v1/activities", json=body(town), headers=bearer(town["alice"]))
    assert response.status_code == 201, response.get_json()
    got = response.get_json()
    assert got["kind"] == "外出招商" and got["kind_id"] == ref_id(RefKind.ACTIVITY_KIND, "外出招商")
    assert got["regions"] == ["深圳", "广州"] and got["away"] is True and got["days"] == 4
    assert got["leader_ids"] == [town["leader"].id] and got["leaders"] == ["王建国"]
    assert got["participant_ids"] == [town["alice"].id]
    assert got["department_id"] == town["east"].id  # the recorder's own department by default
    assert Decimal(got["budget"]) == Decimal("3.5")  # "３.５万" read by the one money parser
    outcome = got["outcome"]
    assert Decimal(outcome.pop("signed_amount")) == 0
    assert outcome == {"companies": 0, "visits": 0, "leads": 0, "projects_discussed": 0, "signed": 0}
    row = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "activity", AuditLog.entity_id == got["id"]))
    assert row is not None and row.action == "create" and row.user_id == town["alice"].id


def test_kind_by_id_a_local_event_and_a_list_of_regions(client, town):
    kind = ref_id(RefKind.ACTIVITY_KIND, "招商推介会")
    local = client.post(
        "/api/v1/activities",
        json=body(town, kind=DROP, kind_id=kind, regions=DROP, title="东城区产业推介会"),
        headers=bearer(town["alice"]),
    )
    assert local.status_code == 201, local.get_json()
    assert local.get_json()["kind"] == "招商推介会" and local.get_json()["away"] is False  # no region: not a trip
    listed = client.post(
        "/api/v1/activities", json=body(town, regions=["北京", "天津", "北京"]), headers=bearer(town["alice"])
    )
    assert listed.status_code == 201 and listed.get_json()["regions"] == ["北京", "天津"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_on": "2026-05-01"}, "end_on"),
        ({"kind": "出国考察"}, "kind"),
        ({"kind": DROP}, "kind"),
        ({"kind_id": 999999}, "kind"),  # kind and kind_id disagree
        ({"leader_ids": []}, "leader_ids"),
        ({"leader_ids": DROP}, "leader_ids"),
        ({"leader_ids": [999999]}, "leader_ids"),
        ({"title": " "}, "title"),
        ({"budget": "-5"}, "budget"),
        ({"start_on": "2028-01-01", "end_on": DROP}, "start_on"),
        ({"regions": "、".join(f"城市{i}" for i in range(21))}, "regions"),
    ],
)
def test_refusals_name_their_field_and_write_nothing(client, town, overrides, field):
    headers = bearer(town["alice"])
    before = count(Activity), count(AuditLog)
    response = client.post("/api/v1/activities", json=body(town, **overrides), headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()
    assert (count(Activity), count(AuditLog)) == before


def test_another_departments_activity_is_refused_on_the_department(client, town):
    response = client.post(
        "/api/v1/activities", json=body(town, department_id=town["west"].id), headers=bearer(town["alice"])
    )
    assert response.status_code == 422
    assert "数据范围" in response.get_json()["error"]["fields"]["department_id"]
    # Admin organises for any department.
    ok = client.post(
        "/api/v1/activities", json=body(town, department_id=town["west"].id), headers=bearer(town["admin"])
    )
    assert ok.status_code == 201 and ok.get_json()["department_id"] == town["west"].id


@pytest.mark.parametrize("who", ["leader", "viewer"])
def test_leaders_and_viewers_do_not_record_activities(client, town, who):
    response = client.post("/api/v1/activities", json=body(town), headers=bearer(town[who]))
    assert response.status_code == 403
    assert count(Activity) == 1


# --- the list and one activity ---------------------------------------------------------------


def _ids(client, user, **params) -> list[int]:
    response = client.get("/api/v1/activities", query_string=params, headers=bearer(user))
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_the_list_follows_scope_and_filters(client, town):
    alice, bob, carol = town["alice"], town["bob"], town["carol"]
    trip = town["trip"]
    fair = activity(
        alice,
        kind_id=ref_id(RefKind.ACTIVITY_KIND, "展会论坛"),
        title="深圳高交会",
        start_on=dt.date(2026, 3, 20),
        end_on=dt.date(2026, 3, 22),
        regions="深圳",
        department_id=town["east"].id,
        leader_ids=[town["leader2"].id],
    )
    west_team = activity(
        bob,
        kind_id=ref_id(RefKind.ACTIVITY_KIND, "小分队招商"),
        title="西城小分队赴苏州",
        start_on=dt.date(2026, 5, 5),
        regions="苏州",
        department_id=town["west"].id,
        leader_ids=[bob.id],
    )
    archived = activity(
        alice, title="录错的活动", start_on=dt.date(2026, 4, 1), department_id=town["east"].id, leader_ids=[alice.id]
    )
    activity_services.archive_activity(archived, alice, version=archived.version)
    db.session.commit()

    assert _ids(client, alice) == [trip.id, fair.id]  # newest first; archived left out
    assert _ids(client, bob) == [west_team.id]  # another department's activity is not his
    assert _ids(client, carol) == [trip.id, west_team.id]  # a participant sees the trip she joined
    assert _ids(client, town["admin"]) == [trip.id, west_team.id, fair.id]
    assert _ids(client, town["viewer"]) == [trip.id, west_team.id, fair.id]

    admin = town["admin"]
    assert _ids(client, admin, kind="展会论坛") == [fair.id]
    assert _ids(client, admin, kind_id=ref_id(RefKind.ACTIVITY_KIND, "小分队招商")) == [west_team.id]
    assert _ids(client, admin, leader_id=town["leader"].id) == [trip.id]
    assert _ids(client, admin, department_id=town["east"].id) == [trip.id, fair.id]
    assert _ids(client, admin, region="苏州") == [trip.id, west_team.id]
    # The period is by start date.
    assert _ids(client, admin, start="2026-05-01", end="2026-05-31") == [west_team.id]
    assert _ids(client, admin, start="2026-06-02") == []
    page = client.get("/api/v1/activities?per_page=2&page=2", headers=bearer(admin)).get_json()
    assert page["total"] == 3 and [i["id"] for i in page["items"]] == [fair.id]


@pytest.mark.parametrize(
    ("query", "field"),
    [("kind=出国考察", "kind"), ("start=2026-06-10&end=2026-06-01", "end"), ("leader_id=abc", "leader_id")],
)
def test_bad_filters_are_refused_naming_them(client, town, query, field):
    response = client.get(f"/api/v1/activities?{query}", headers=bearer(town["admin"]))
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_one_activity_answers_the_numbers_its_page_counts(client, town):
    alice, trip = town["alice"], town["trip"]
    met = fl.lead(department=town["east"], owner=alice, status=LeadStatus.NEGOTIATING, received_on=dt.date(2026, 6, 2))
    met.activity_id = trip.id
    fl.visit(met, by=alice, visited_on=dt.date(2026, 6, 2), activity_id=trip.id)
    fl.visit(met, by=alice, visited_on=dt.date(2026, 6, 3), activity_id=trip.id)  # the same company again
    other = fl.lead(department=town["east"], owner=alice, received_on=dt.date(2026, 6, 3))
    fl.visit(other, by=alice, visited_on=dt.date(2026, 6, 3), activity_id=trip.id)
    project = pipeline.convert_lead(met, alice, {"on": dt.date(2026, 6, 10)})
    fag.agreement(project, signed_on=dt.date(2026, 6, 12), agreed_investment=Decimal("35000"))
    db.session.commit()

    response = client.get(f"/api/v1/activities/{trip.id}", headers=bearer(town["carol"]))
    assert response.status_code == 200
    got = response.get_json()["outcome"]
    expected = outcomes_for([trip.id])[trip.id]
    assert got["companies"] == expected.companies == 2
    assert got["visits"] == expected.visits == 3
    assert got["leads"] == expected.leads == 1
    assert got["projects_discussed"] == expected.discussed == 1
    assert got["signed"] == expected.signed == 1
    assert Decimal(got["signed_amount"]) == expected.signed_amount == Decimal("35000")
    # The list carries the same numbers.
    listed = client.get("/api/v1/activities", headers=bearer(town["admin"])).get_json()["items"][0]
    assert listed["outcome"] == response.get_json()["outcome"]


def test_an_activity_out_of_scope_is_not_found(client, town):
    response = client.get(f"/api/v1/activities/{town['trip'].id}", headers=bearer(town["bob"]))
    assert response.status_code == 404


# --- editing -----------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_a_stale_version_is_refused(client, town):
    trip = town["trip"]
    url = f"/api/v1/activities/{trip.id}"
    version = client.get(url, headers=bearer(town["alice"])).get_json()["version"]
    response = client.patch(
        url,
        json={"version": version, "summary": "考察企业 6 家，达成意向 2 个", "regions": ["上海", "苏州", "无锡"]},
        headers=bearer(town["alice"]),
    )
    assert response.status_code == 200, response.get_json()
    got = response.get_json()
    assert got["summary"] == "考察企业 6 家，达成意向 2 个" and got["regions"] == ["上海", "苏州", "无锡"]
    assert got["title"] == "赴上海苏州招商" and got["leader_ids"] == [town["leader"].id]
    assert got["participant_ids"] == [town["carol"].id] and got["start_on"] == "2026-06-01"
    assert got["version"] > version
    assert db.session.scalar(
        sa.select(sa.func.count(AuditLog.id)).where(
            AuditLog.entity == "activity", AuditLog.entity_id == trip.id, AuditLog.action == "update"
        )
    )

    stale = client.patch(url, json={"version": version, "title": "改名"}, headers=bearer(town["alice"]))
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(Activity, trip.id).title == "赴上海苏州招商"


def test_patch_by_kind_name_and_refusals(client, town):
    trip = town["trip"]
    url = f"/api/v1/activities/{trip.id}"
    version = db.session.get(Activity, trip.id).version
    headers = bearer(town["leader"])  # a leading leader writes up his trip
    refused = client.patch(url, json={"version": version, "end_on": "2026-05-01"}, headers=headers)
    assert refused.status_code == 422 and "end_on" in refused.get_json()["error"]["fields"]
    refused = client.patch(url, json={"version": version, "leader_ids": None}, headers=headers)
    assert refused.status_code == 422 and "leader_ids" in refused.get_json()["error"]["fields"]
    refused = client.patch(url, json={"version": version, "kind": None}, headers=headers)
    assert refused.status_code == 422 and "kind" in refused.get_json()["error"]["fields"]
    ok = client.patch(url, json={"version": version, "kind": "小分队招商"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["kind"] == "小分队招商"
    # Another leader may see it but not change it; another department does not see it.
    assert client.patch(url, json={"version": 1}, headers=bearer(town["leader2"])).status_code == 403
    assert client.patch(url, json={"version": 1}, headers=bearer(town["bob"])).status_code == 404


# --- activity_id on leads, visits and projects -------------------------------------------------


def test_a_lead_and_its_visits_name_the_activity_over_the_api(client, town):
    alice, trip = town["alice"], town["trip"]
    headers = bearer(alice)
    created = client.post(
        "/api/v1/leads",
        json={
            "company_name": "上海联影医疗科技股份有限公司",
            "title": "设立华中区域服务中心",
            "received_on": "2026-06-02",
            "activity_id": trip.id,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    lead = created.get_json()
    assert lead["activity_id"] == trip.id

    visit = client.post(
        f"/api/v1/leads/{lead['id']}/visits",
        json={"visited_on": "2026-06-03", "summary": "赴企业总部拜访", "activity_id": trip.id},
        headers=headers,
    )
    assert visit.status_code == 201, visit.get_json()
    assert visit.get_json()["activity_id"] == trip.id
    listed = client.get(f"/api/v1/leads/{lead['id']}/visits", headers=headers).get_json()["items"]
    assert [v["activity_id"] for v in listed] == [trip.id]

    outside = client.post(
        f"/api/v1/leads/{lead['id']}/visits",
        json={"visited_on": "2026-06-10", "summary": "回访", "activity_id": trip.id},
        headers=headers,
    )
    assert outside.status_code == 422 and "activity_id" in outside.get_json()["error"]["fields"]
    assert "不在招商活动" in outside.get_json()["error"]["fields"]["activity_id"]

    # PATCH a visit: link it, then unlink it.
    later = client.post(
        f"/api/v1/leads/{lead['id']}/visits", json={"visited_on": "2026-06-10", "summary": "回访"}, headers=headers
    ).get_json()
    assert later["activity_id"] is None
    linked = client.patch(
        f"/api/v1/visits/{later['id']}", json={"visited_on": "2026-06-04", "activity_id": trip.id}, headers=headers
    )
    assert linked.status_code == 200, linked.get_json()
    assert linked.get_json()["activity_id"] == trip.id and linked.get_json()["summary"] == "回访"
    unlinked = client.patch(f"/api/v1/visits/{later['id']}", json={"activity_id": None}, headers=headers)
    assert unlinked.status_code == 200 and unlinked.get_json()["activity_id"] is None
    refused = client.patch(f"/api/v1/visits/{later['id']}", json={"summary": None}, headers=headers)
    assert refused.status_code == 422 and "summary" in refused.get_json()["error"]["fields"]

    # PATCH the lead: unlink, and link again.
    version = client.get(f"/api/v1/leads/{lead['id']}", headers=headers).get_json()["version"]
    patched = client.patch(
        f"/api/v1/leads/{lead['id']}", json={"version": version, "activity_id": None}, headers=headers
    )
    assert patched.status_code == 200 and patched.get_json()["activity_id"] is None
    again = client.patch(
        f"/api/v1/leads/{lead['id']}",
        json={"version": patched.get_json()["version"], "activity_id": trip.id},
        headers=headers,
    )
    assert again.status_code == 200 and again.get_json()["activity_id"] == trip.id


def test_an_archived_or_unseen_activity_is_refused_on_activity_id(client, town):
    alice, bob, trip = town["alice"], town["bob"], town["trip"]
    gone = activity(
        alice, title="已归档活动", start_on=dt.date(2026, 6, 1), department_id=town["east"].id, leader_ids=[alice.id]
    )
    activity_services.archive_activity(gone, alice, version=gone.version)
    west_lead = fl.lead(department=town["west"], owner=bob, received_on=dt.date(2026, 6, 5))
    db.session.commit()
    before = count(Lead), count(Visit)

    archived = client.post(
        "/api/v1/leads",
        json={"company_name": "某某科技有限公司", "title": "设厂", "activity_id": gone.id},
        headers=bearer(alice),
    )
    assert archived.status_code == 422 and "activity_id" in archived.get_json()["error"]["fields"]
    # Bob (西城) neither organised nor joined the east trip: he may not name it.
    unseen = client.post(
        f"/api/v1/leads/{west_lead.id}/visits",
        json={"visited_on": "2026-06-02", "summary": "拜访", "activity_id": trip.id},
        headers=bearer(bob),
    )
    assert unseen.status_code == 422 and "activity_id" in unseen.get_json()["error"]["fields"]
    early = client.post(
        "/api/v1/leads",
        json={"company_name": "某某科技有限公司", "title": "设厂", "received_on": "2026-05-01", "activity_id": trip.id},
        headers=bearer(alice),
    )
    assert early.status_code == 422 and "activity_id" in early.get_json()["error"]["fields"]
    missing = client.post(
        "/api/v1/leads",
        json={"company_name": "某某科技有限公司", "title": "设厂", "activity_id": 999999},
        headers=bearer(alice),
    )
    assert missing.status_code == 422 and "activity_id" in missing.get_json()["error"]["fields"]
    assert (count(Lead), count(Visit)) == before


def test_a_project_names_its_activity_unless_it_came_from_a_lead(client, town):
    alice, trip = town["alice"], town["trip"]
    created = client.post(
        "/api/v1/projects", json={"name": "联影华中服务中心", "activity_id": trip.id}, headers=bearer(alice)
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["activity_id"] == trip.id
    lead = fl.lead(department=town["east"], owner=alice, received_on=dt.date(2026, 6, 2), activity_id=trip.id)
    converted = pipeline.convert_lead(lead, alice, {"on": dt.date(2026, 6, 5)})
    db.session.commit()
    got = client.get(f"/api/v1/projects/{converted.id}", headers=bearer(alice)).get_json()
    assert got["activity_id"] == trip.id  # credited to its lead's activity
    refused = client.patch(
        f"/api/v1/projects/{converted.id}", json={"version": got["version"], "activity_id": None}, headers=bearer(alice)
    )
    assert refused.status_code == 422 and "activity_id" in refused.get_json()["error"]["fields"]


# --- the HTML forms and pages ------------------------------------------------------------------


def _selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {name} select"
    chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select.group(1))
    return next((g for g in chosen.groups() if g is not None), None) if chosen else None


def test_the_lead_form_offers_the_activity_prefilled_and_saves_it(client, login_as, town):
    alice, trip = town["alice"], town["trip"]
    old = activity(
        alice,
        title="前年的推介会",
        start_on=dt.date(2024, 11, 1),
        department_id=town["east"].id,
        leader_ids=[town["leader"].id],
    )
    db.session.commit()
    login_as(alice)
    page = client.get(f"/leads/new?activity_id={trip.id}").get_data(as_text=True)
    assert _selected(page, "activity_id") == str(trip.id)
    assert "赴上海苏州招商" in page and "前年的推介会" not in page  # the last twelve months and upcoming
    assert _selected(client.get("/leads/new?activity_id=abc").get_data(as_text=True), "activity_id") in (None, "")

    response = client.post(
        f"/leads/new?activity_id={trip.id}",
        data={
            "company_name": "苏州汇川技术有限公司",
            "title": "设立华中研发中心",
            "owner_department_id": town["east"].id,
            "received_on": "2026-06-03",
            "activity_id": str(trip.id),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    lead = db.session.scalar(sa.select(Lead).where(Lead.title == "设立华中研发中心"))
    assert lead.activity_id == trip.id
    detail = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert f'href="/activities/{trip.id}"' in detail and "招商活动" in detail
    # Refused by the service (received before the trip began): the choice is kept on the form.
    refused = client.post(
        "/leads/new",
        data={
            "company_name": "苏州另一家科技有限公司",
            "title": "另一个意向",
            "owner_department_id": town["east"].id,
            "received_on": "2026-05-20",
            "activity_id": str(trip.id),
        },
    )
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert "早于招商活动" in html and _selected(html, "activity_id") == str(trip.id)
    assert old.id  # kept out of the select, still a record


def test_the_visit_form_is_prefilled_and_the_timeline_links_the_activity(client, login_as, town):
    alice, trip = town["alice"], town["trip"]
    lead = fl.lead(department=town["east"], owner=alice, status=LeadStatus.CONTACTED, received_on=dt.date(2026, 6, 1))
    db.session.commit()
    login_as(alice)
    page = client.get(f"/leads/visits/new?lead_id={lead.id}&activity_id={trip.id}").get_data(as_text=True)
    assert _selected(page, "activity_id") == str(trip.id)
    assert 'value="2026-06-04"' in page  # the trip is over: its last day is offered as the date
    response = client.post(
        f"/leads/visits/new?lead_id={lead.id}&activity_id={trip.id}",
        data={"visited_on": "2026-06-02", "summary": "拜访企业总部", "activity_id": str(trip.id)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    visit = db.session.scalar(sa.select(Visit).where(Visit.lead_id == lead.id))
    assert visit.activity_id == trip.id
    detail = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert f'href="/activities/{trip.id}"' in detail
    assert f'href="/activities/{trip.id}"' in client.get("/leads/visits").get_data(as_text=True)
    # The quick form on the lead's page has the select too, and its date rule.
    quick = client.post(
        f"/leads/{lead.id}/visits",
        data={"visited_on": "2026-06-12", "summary": "回访", "activity_id": str(trip.id)},
    )
    assert quick.status_code == 400 and "不在招商活动" in quick.get_data(as_text=True)


def test_a_viewer_who_cannot_open_the_activity_sees_its_title_without_a_link(client, login_as, town):
    bob = town["bob"]
    hidden = activity(
        town["alice"],
        title="东城赴杭州招商",
        start_on=dt.date(2026, 6, 8),
        regions="杭州",
        department_id=town["east"].id,
        leader_ids=[town["leader"].id],
    )
    # A west lead linked (by admin) to the east trip bob has no part in.
    lead = fl.lead(department=town["west"], owner=bob, received_on=dt.date(2026, 6, 9), activity_id=hidden.id)
    db.session.commit()
    login_as(bob)
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "东城赴杭州招商" in page and f'href="/activities/{hidden.id}"' not in page
    # Editing his lead keeps the link he cannot offer himself.
    form = client.get(f"/leads/{lead.id}/edit").get_data(as_text=True)
    assert _selected(form, "activity_id") == str(hidden.id)


def test_the_project_form_and_page(client, login_as, town):
    alice, trip = town["alice"], town["trip"]
    login_as(alice)
    response = client.post(
        "/projects/new",
        data={
            "name": "汇川华中研发中心",
            "planned_investment": "2亿",
            "stage": "planning",
            "lead_department_id": town["east"].id,
            "activity_id": str(trip.id),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    project = db.session.scalar(sa.select(Project).where(Project.name == "汇川华中研发中心"))
    assert project.activity_id == trip.id
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'href="/activities/{trip.id}"' in page
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert _selected(form, "activity_id") == str(trip.id)
    saved = client.post(
        f"/projects/{project.id}/edit",
        data={"name": "汇川华中研发中心", "planned_investment": "2亿", "version": project.version, "activity_id": ""},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).activity_id is None
    # A project converted from a lead follows its lead: no select, the lead's activity shown.
    lead = fl.lead(department=town["east"], owner=alice, received_on=dt.date(2026, 6, 2), activity_id=trip.id)
    converted = pipeline.convert_lead(lead, alice, {"on": dt.date(2026, 6, 5)})
    db.session.commit()
    form = client.get(f"/projects/{converted.id}/edit").get_data(as_text=True)
    assert 'name="activity_id"' not in form and "赴上海苏州招商" in form
