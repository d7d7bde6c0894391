"""Leads over the API: the same rules as the lead pages — scope on owner
department and owner, the 撞单 warning to confirm, the status pipeline,
visits, conversion — plus optimistic locking with the "changed by X at T"
message, list filters and a bounded number of queries per page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import AuditLog, CompanyConflict, Lead, LeadStatus, Project, RefKind, Role, Stage
from tests import factories
from tests import factories_leads as fl
from tests.factories_api import bearer

TODAY = clock.today()


@pytest.fixture
def towns():
    east, west = factories.department("东城街道"), factories.department("西城街道")
    alice = factories.user("staff", department=east, name="孙丽娜")
    bob = factories.user("staff", department=west, name="周伟")
    db.session.commit()
    return east, west, alice, bob


def new_lead(**overrides):
    return {
        "company_name": "华润置业有限公司",
        "title": "拟设立华中区域总部",
        "intended_investment": "50000",
        **overrides,
    }


def test_staff_creates_a_lead_owned_by_their_department_and_themselves(client, towns):
    east, _west, alice, _bob = towns
    response = client.post("/api/v1/leads", json=new_lead(credit_code="91110000600037341L"), headers=bearer(alice))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["owner_department_id"] == east.id and body["owner_user_id"] == alice.id
    assert body["status"] == "new" and body["intended_investment"] == "50000.0000"
    assert body["credit_code"] == "91110000600037341L" and body["version"] == 1
    lead = db.session.get(Lead, body["id"])
    assert lead.created_by_id == alice.id and lead.received_on == TODAY
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "lead", AuditLog.action == "create"))
    assert audit.entity_id == lead.id and audit.user_id == alice.id


def test_owner_department_outside_scope_is_refused_as_on_the_form(client, towns):
    _east, west, alice, bob = towns
    response = client.post("/api/v1/leads", json=new_lead(owner_department_id=west.id), headers=bearer(alice))
    assert response.status_code == 422
    assert "owner_department_id" in response.get_json()["error"]["fields"]
    someone_else = client.post("/api/v1/leads", json=new_lead(owner_user_id=bob.id), headers=bearer(alice))
    assert someone_else.status_code == 422 and "owner_user_id" in someone_else.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 0


def test_duplicate_across_departments_must_be_confirmed_and_is_then_flagged(client, towns):
    east, _west, alice, bob = towns
    first = client.post("/api/v1/leads", json=new_lead(), headers=bearer(alice))
    assert first.status_code == 201
    company_id = first.get_json()["company_id"]
    lead = new_lead(title="设立西区仓储中心")
    choose = client.post("/api/v1/leads", json=lead, headers=bearer(bob))
    assert choose.status_code == 409
    assert f"#{company_id}" in choose.get_json()["error"]["message"]
    assert east.name in choose.get_json()["error"]["message"]
    warned = client.post("/api/v1/leads", json={**lead, "company_choice": str(company_id)}, headers=bearer(bob))
    assert warned.status_code == 409
    message = warned.get_json()["error"]["message"]
    assert "撞单" in message and east.name in message and "confirm_duplicate" in message
    assert "拟设立华中区域总部" not in message  # the department and date, never the other record
    confirmed = client.post(
        "/api/v1/leads",
        json={**lead, "company_choice": str(company_id), "confirm_duplicate": True},
        headers=bearer(bob),
    )
    assert confirmed.status_code == 201
    assert confirmed.get_json()["has_conflict"] is True
    assert confirmed.get_json()["company_id"] == company_id
    assert db.session.scalar(sa.select(sa.func.count(CompanyConflict.id))) == 1


def test_look_alike_company_must_be_chosen(client, towns):
    _east, _west, alice, _bob = towns
    existing = fl.company("华润置业（郑州）有限公司")
    db.session.commit()
    response = client.post("/api/v1/leads", json=new_lead(company_name="华润置业(郑州)有限公司"), headers=bearer(alice))
    assert response.status_code == 409
    assert f"#{existing.id}" in response.get_json()["error"]["message"]
    chosen = client.post(
        "/api/v1/leads",
        json=new_lead(company_name="华润置业(郑州)有限公司", company_choice=str(existing.id)),
        headers=bearer(alice),
    )
    assert chosen.status_code == 201 and chosen.get_json()["company_id"] == existing.id


def test_edit_with_the_version_read_and_stale_edits_are_refused_with_who_and_when(client, towns):
    east, _west, alice, _bob = towns
    colleague = factories.user("staff", department=east, name="钱多多")
    lead = fl.lead(department=east, owner=alice)
    db.session.commit()
    read = client.get(f"/api/v1/leads/{lead.id}", headers=bearer(alice)).get_json()
    first = client.patch(
        f"/api/v1/leads/{lead.id}",
        json={"version": read["version"], "contact_name": "陈经理", "contact_phone": "0371-6666 8888"},
        headers=bearer(colleague),
    )
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["contact_name"] == "陈经理" and first.get_json()["version"] == read["version"] + 1
    assert first.get_json()["title"] == lead.title  # fields not sent are kept
    stale = client.patch(
        f"/api/v1/leads/{lead.id}", json={"version": read["version"], "title": "改个名字"}, headers=bearer(alice)
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict"
    assert "钱多多" in stale.get_json()["error"]["message"]
    db.session.refresh(lead)
    assert lead.title != "改个名字" and lead.contact_name == "陈经理"


def test_editing_the_owner_department_out_of_scope_is_refused(client, towns):
    east, west, alice, _bob = towns
    lead = fl.lead(department=east, owner=alice)
    db.session.commit()
    response = client.patch(
        f"/api/v1/leads/{lead.id}", json={"version": 1, "owner_department_id": west.id}, headers=bearer(alice)
    )
    assert response.status_code == 422 and "owner_department_id" in response.get_json()["error"]["fields"]
    db.session.refresh(lead)
    assert lead.owner_department_id == east.id


def test_status_pipeline_shelve_with_reason_and_unshelve(client, towns):
    east, _west, alice, _bob = towns
    lead = fl.lead(department=east, owner=alice)
    db.session.commit()
    headers = bearer(alice)
    moved = client.post(f"/api/v1/leads/{lead.id}/status", json={"to": "negotiating", "version": 1}, headers=headers)
    assert moved.status_code == 200 and moved.get_json()["status"] == "negotiating"
    assert moved.get_json()["contacted_on"] == TODAY.isoformat()  # skipping fills the earlier step
    version = moved.get_json()["version"]
    no_reason = client.post(
        f"/api/v1/leads/{lead.id}/status", json={"to": "shelved", "version": version}, headers=headers
    )
    assert no_reason.status_code == 422 and "reason_id" in no_reason.get_json()["error"]["fields"]
    other = ref_id(RefKind.REASON, "其他")
    needs_note = client.post(
        f"/api/v1/leads/{lead.id}/status",
        json={"to": "shelved", "reason_id": other, "version": version},
        headers=headers,
    )
    assert needs_note.status_code == 422 and "note" in needs_note.get_json()["error"]["fields"]
    shelved = client.post(
        f"/api/v1/leads/{lead.id}/status",
        json={"to": "shelved", "reason_id": other, "note": "企业暂缓投资计划", "version": version},
        headers=headers,
    )
    assert shelved.status_code == 200 and shelved.get_json()["shelve_reason_id"] == other
    back = client.post(
        f"/api/v1/leads/{lead.id}/unshelve", json={"version": shelved.get_json()["version"]}, headers=headers
    )
    assert back.status_code == 200 and back.get_json()["status"] == "negotiating"
    backwards = client.post(
        f"/api/v1/leads/{lead.id}/status",
        json={"to": "contacted", "version": back.get_json()["version"]},
        headers=headers,
    )
    assert backwards.status_code == 422


def test_first_visit_moves_a_new_lead_to_contacted_and_is_listed(client, towns):
    east, _west, alice, _bob = towns
    leader = factories.user("leader", name="王副区长")
    lead = fl.lead(department=east, owner=alice)
    db.session.commit()
    headers = bearer(alice)
    visit = {
        "visited_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "summary": "赴深圳拜访企业总部，对方有意考察用地",
        "participant_ids": [alice.id],
        "leader_present_id": leader.id,
        "kind_id": ref_id(RefKind.VISIT_KIND, "外出拜访"),
        "follow_up_on": (TODAY + dt.timedelta(days=7)).isoformat(),
    }
    logged = client.post(f"/api/v1/leads/{lead.id}/visits", json=visit, headers=headers)
    assert logged.status_code == 201, logged.get_json()
    assert logged.get_json()["participant_ids"] == [alice.id]
    db.session.refresh(lead)
    assert lead.status is LeadStatus.CONTACTED and lead.last_visit_on == TODAY - dt.timedelta(days=1)
    listed = client.get(f"/api/v1/leads/{lead.id}/visits", headers=headers).get_json()
    assert listed["total"] == 1 and listed["items"][0]["summary"] == visit["summary"]
    future = client.post(
        f"/api/v1/leads/{lead.id}/visits",
        json={**visit, "visited_on": (TODAY + dt.timedelta(days=1)).isoformat()},
        headers=headers,
    )
    assert future.status_code == 422 and "visited_on" in future.get_json()["error"]["fields"]
    not_a_leader = client.post(
        f"/api/v1/leads/{lead.id}/visits", json={**visit, "leader_present_id": alice.id}, headers=headers
    )
    assert not_a_leader.status_code == 422


def test_convert_returns_the_new_project_in_the_attracting_library(client, towns):
    east, west, alice, _bob = towns
    lead = fl.lead(department=east, owner=alice, status=LeadStatus.NEGOTIATING, intended_investment=Decimal("80000"))
    db.session.commit()
    headers = bearer(alice)
    outside = client.post(
        f"/api/v1/leads/{lead.id}/convert", json={"version": 1, "lead_department_id": west.id}, headers=headers
    )
    assert outside.status_code == 422 and "lead_department_id" in outside.get_json()["error"]["fields"]
    response = client.post(
        f"/api/v1/leads/{lead.id}/convert", json={"version": 1, "name": "华中总部项目"}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    project = response.get_json()
    assert project["stage"] == "attracting" and project["library"] == "attracting"
    assert project["name"] == "华中总部项目" and project["planned_investment"] == "80000.0000"
    assert project["lead_id"] == lead.id and project["lead_department_id"] == east.id
    assert project["team_ids"] == [alice.id]
    db.session.refresh(lead)
    assert lead.status is LeadStatus.CONVERTED
    assert db.session.get(Project, project["id"]).stage is Stage.ATTRACTING
    again = client.post(f"/api/v1/leads/{lead.id}/convert", json={"version": lead.version}, headers=headers)
    assert again.status_code == 422


def test_list_filters_and_pagination(client, towns):
    east, _west, alice, _bob = towns
    industry = ref_id(RefKind.INDUSTRY, "智能制造")
    for n in range(5):
        fl.lead(department=east, owner=alice, title=f"智能装备项目{n}", industry_id=industry)
    fl.lead(department=east, owner=alice, status=LeadStatus.SHELVED, title="搁置的意向")
    db.session.commit()
    headers = bearer(alice)
    page = client.get(f"/api/v1/leads?status=open&industry_id={industry}&per_page=2&page=2", headers=headers)
    body = page.get_json()
    assert page.status_code == 200 and body["total"] == 5 and body["page"] == 2 and len(body["items"]) == 2
    shelved = client.get("/api/v1/leads?status=shelved", headers=headers).get_json()
    assert [item["title"] for item in shelved["items"]] == ["搁置的意向"]
    searched = client.get("/api/v1/leads?q=智能装备项目3", headers=headers).get_json()
    assert searched["total"] == 1
    bad = client.get("/api/v1/leads?status=lost&sort=sideways", headers=headers)
    assert bad.status_code == 422 and {"status", "sort"} <= set(bad.get_json()["error"]["fields"])
    too_many = client.get("/api/v1/leads?per_page=201", headers=headers)
    assert too_many.status_code == 422


def test_lead_list_queries_do_not_grow_with_the_page(client, towns, count_queries):
    east, _west, alice, _bob = towns
    for _n in range(30):
        company = fl.company(tiers=[fl.ref(RefKind.TIER)])
        fl.lead(department=east, owner=alice, company=company, source_id=ref_id(RefKind.SOURCE, "以商招商"))
    db.session.commit()
    headers = bearer(alice)
    with count_queries() as n:
        response = client.get("/api/v1/leads?per_page=200", headers=headers)
    assert response.status_code == 200 and len(response.get_json()["items"]) == 30
    assert n() <= 10


def test_viewer_and_leader_cannot_create_or_edit_leads(client, towns):
    east, _west, alice, _bob = towns
    lead = fl.lead(department=east, owner=alice)
    db.session.commit()
    for role in (Role.VIEWER, Role.LEADER):
        headers = bearer(factories.user(role))
        assert client.get(f"/api/v1/leads/{lead.id}", headers=headers).status_code == 200
        assert client.post("/api/v1/leads", json=new_lead(), headers=headers).status_code == 403
        edit = client.patch(f"/api/v1/leads/{lead.id}", json={"version": 1, "title": "x"}, headers=headers)
        assert edit.status_code == 403
