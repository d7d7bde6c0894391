"""Projects over the API: the same rules as the project pages — the lead
department within one's scope, `is_key` only from an admin (ignored from
anyone else, as the form has no such field for them), the 五个一 under their
own rule (no staff on a key project), stage moves, progress updates — plus
optimistic locking, list filters and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import AuditLog, LeaderHandover, Project, ProjectLevel, RefKind, Role, Stage, StageChange
from tests import factories
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = clock.today()


@pytest.fixture
def town():
    east, west = factories.department("东城街道"), factories.department("西城街道")
    alice = factories.user("staff", department=east, name="孙丽娜")
    leader = factories.user("leader", name="王副区长", title="副区长")
    admin = factories.user("admin")
    db.session.commit()
    return east, west, alice, leader, admin


def test_staff_creates_a_project_and_is_key_is_ignored_as_on_the_form(client, town):
    east, _west, alice, _leader, _admin = town
    response = client.post(
        "/api/v1/projects",
        json={
            "name": "新能源电池材料项目",
            "company_name": "宁德新材料有限公司",
            "planned_investment": "120000",
            "land_area": "150.5",
            "industry_id": ref_id(RefKind.INDUSTRY, "智能制造"),
            "is_key": True,
            "stage": "attracting",
        },
        headers=bearer(alice),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["is_key"] is False  # only an admin marks key projects
    assert body["lead_department_id"] == east.id and body["stage"] == "attracting"
    assert body["company_name"] == "宁德新材料有限公司" and body["land_area"] == "150.50"
    change = db.session.scalar(sa.select(StageChange).where(StageChange.project_id == body["id"]))
    assert change.to_stage is Stage.ATTRACTING and change.changed_by_id == alice.id


def test_admin_marks_a_key_project(client, town):
    _east, _west, _alice, _leader, admin = town
    response = client.post("/api/v1/projects", json={"name": "总部经济项目", "is_key": True}, headers=bearer(admin))
    assert response.status_code == 201 and response.get_json()["is_key"] is True


def test_lead_department_outside_scope_is_refused(client, town):
    _east, west, alice, _leader, _admin = town
    response = client.post(
        "/api/v1/projects", json={"name": "越权项目", "lead_department_id": west.id}, headers=bearer(alice)
    )
    assert response.status_code == 422 and "lead_department_id" in response.get_json()["error"]["fields"]
    exited = client.post("/api/v1/projects", json={"name": "直接退出", "stage": "exited"}, headers=bearer(alice))
    assert exited.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_staff_may_not_name_the_leader_of_a_key_project_but_admin_may(client, town):
    east, _west, alice, leader, admin = town
    project = fp.project(department=east, is_key=True, team=[alice])
    db.session.commit()
    refused = client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": project.version, "responsible_leader_id": leader.id},
        headers=bearer(alice),
    )
    assert refused.status_code == 403
    db.session.refresh(project)
    assert project.responsible_leader_id is None
    # The facts are the staff's to edit; is_key is silently theirs not.
    facts = client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": project.version, "location": "园区东片", "is_key": False},
        headers=bearer(alice),
    )
    assert facts.status_code == 200 and facts.get_json()["is_key"] is True
    assert facts.get_json()["location"] == "园区东片"
    named = client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": facts.get_json()["version"], "responsible_leader_id": leader.id, "plan_text": "年内开工"},
        headers=bearer(admin),
    )
    assert named.status_code == 200, named.get_json()
    assert named.get_json()["responsible_leader_id"] == leader.id and named.get_json()["team_ids"] == [alice.id]
    assert db.session.scalar(sa.select(LeaderHandover.to_leader_id)) == leader.id


def test_staff_assign_the_five_ones_of_a_non_key_project_within_scope(client, town):
    east, west, alice, leader, _admin = town
    colleague = factories.user("staff", department=east, name="钱多多")
    another_leader = factories.user("leader", name="李副区长")
    project = fp.project(department=east, is_key=False)
    db.session.commit()
    headers = bearer(alice)
    outside = client.patch(
        f"/api/v1/projects/{project.id}", json={"version": 1, "lead_department_id": west.id}, headers=headers
    )
    assert outside.status_code == 422
    assigned = client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": 1, "responsible_leader_id": leader.id, "team_ids": [alice.id, colleague.id]},
        headers=headers,
    )
    assert assigned.status_code == 200, assigned.get_json()
    assert assigned.get_json()["team_ids"] == sorted([alice.id, colleague.id])
    handover = client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": assigned.get_json()["version"], "responsible_leader_id": another_leader.id},
        headers=headers,
    )
    assert handover.status_code == 422 and "handover_reason" in handover.get_json()["error"]["fields"]


def test_stale_project_edit_is_refused_with_who_and_when(client, town):
    east, _west, alice, _leader, admin = town
    project = fp.project(department=east, team=[alice])
    db.session.commit()
    first = client.patch(f"/api/v1/projects/{project.id}", json={"version": 1, "name": "改名一"}, headers=bearer(admin))
    assert first.status_code == 200
    stale = client.patch(f"/api/v1/projects/{project.id}", json={"version": 1, "name": "改名二"}, headers=bearer(alice))
    assert stale.status_code == 409 and admin.name in stale.get_json()["error"]["message"]
    db.session.refresh(project)
    assert project.name == "改名一"


def test_stage_moves_follow_the_rules(client, town):
    east, _west, alice, _leader, admin = town
    project = fp.project(department=east, stage=Stage.ATTRACTING, team=[alice])
    db.session.commit()
    headers = bearer(alice)
    skip = client.post(f"/api/v1/projects/{project.id}/stage", json={"to": "construction"}, headers=headers)
    assert skip.status_code == 422 and "note" in skip.get_json()["error"]["fields"]
    signed = client.post(f"/api/v1/projects/{project.id}/stage", json={"to": "signed"}, headers=headers)
    assert signed.status_code == 200 and signed.get_json()["stage"] == "signed"
    assert signed.get_json()["signed_on"] == TODAY.isoformat()
    exit_without_reason = client.post(f"/api/v1/projects/{project.id}/stage", json={"to": "exited"}, headers=headers)
    assert exit_without_reason.status_code == 422
    reason = ref_id(RefKind.REASON, "选址他处")
    exited = client.post(
        f"/api/v1/projects/{project.id}/stage", json={"to": "exited", "reason_id": reason}, headers=headers
    )
    assert exited.status_code == 200 and exited.get_json()["library"] is None
    reopen = client.post(
        f"/api/v1/projects/{project.id}/stage", json={"to": "signed", "note": "企业重启投资"}, headers=headers
    )
    assert reopen.status_code == 422  # only an admin reopens
    stale = client.post(
        f"/api/v1/projects/{project.id}/stage",
        json={"to": "signed", "note": "重启", "version": 1},
        headers=bearer(admin),
    )
    assert stale.status_code == 409
    moves = db.session.scalars(sa.select(StageChange.to_stage).where(StageChange.project_id == project.id)).all()
    assert moves == [Stage.SIGNED, Stage.EXITED]


def test_progress_updates_are_recorded_and_listed(client, town):
    east, _west, alice, leader, _admin = town
    project = fp.project(department=east, team=[alice], leader=leader)
    db.session.commit()
    added = client.post(
        f"/api/v1/projects/{project.id}/progress",
        json={"text": "完成土地预审", "happened_on": (TODAY - dt.timedelta(days=2)).isoformat()},
        headers=bearer(leader),  # the responsible leader follows the project too
    )
    assert added.status_code == 201 and added.get_json()["author_id"] == leader.id
    db.session.refresh(project)
    assert project.last_progress_on == TODAY - dt.timedelta(days=2)
    listed = client.get(f"/api/v1/projects/{project.id}/progress", headers=bearer(alice)).get_json()
    assert listed["total"] == 1 and listed["items"][0]["text"] == "完成土地预审"
    viewer = client.post(
        f"/api/v1/projects/{project.id}/progress", json={"text": "x"}, headers=bearer(factories.user("viewer"))
    )
    assert viewer.status_code == 403
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "progress"))
    assert audit.entity_id == project.id


def test_list_filters_libraries_and_key_projects(client, town):
    east, _west, alice, leader, _admin = town
    fp.project(name="谋划项目", department=east, stage=Stage.PLANNING, is_key=False)
    fp.project(name="招引重点项目", department=east, stage=Stage.ATTRACTING, is_key=True, leader=leader)
    fp.project(name="开工项目", department=east, stage=Stage.CONSTRUCTION, is_key=False)
    fp.project(name="退出项目", department=east, stage=Stage.EXITED, is_key=False)
    db.session.commit()
    headers = bearer(alice)

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/projects?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return sorted(item["name"] for item in response.get_json()["items"])

    assert names("") == ["开工项目", "招引重点项目", "谋划项目"]
    assert names("library=landed") == ["开工项目"]
    assert names("stage=exited") == ["退出项目"]
    assert names("key=1") == ["招引重点项目"]
    assert names(f"leader_id={leader.id}") == ["招引重点项目"]
    assert names("q=开工") == ["开工项目"]
    key = client.get("/api/v1/projects?key=1", headers=headers).get_json()["items"][0]
    assert key["light"] in {"red", "yellow", "green"} and key["planned_investment"] == "10000.0000"
    assert client.get("/api/v1/projects?library=exited", headers=headers).status_code == 422


def test_project_list_queries_do_not_grow_with_the_page(client, town, count_queries):
    east, _west, alice, leader, _admin = town
    for n in range(30):
        fp.project(department=east, is_key=n % 2 == 0, leader=leader, team=[alice], planned_investment=Decimal(n))
    db.session.commit()
    headers = bearer(alice)
    with count_queries() as n:
        response = client.get("/api/v1/projects?per_page=200", headers=headers)
    assert response.status_code == 200 and len(response.get_json()["items"]) == 30
    assert all(item["team_ids"] == [alice.id] for item in response.get_json()["items"])
    assert n() <= 10


def test_viewer_and_leader_cannot_create_projects(client, town):
    for role in (Role.VIEWER, Role.LEADER):
        response = client.post("/api/v1/projects", json={"name": "某项目"}, headers=bearer(factories.user(role)))
        assert response.status_code == 403


def test_level_is_the_admins_and_kind_anyones_with_their_filters(client, town):
    east, _west, alice, _leader, admin = town
    industrial, civic = ref_id(RefKind.PROJECT_KIND, "产业项目"), ref_id(RefKind.PROJECT_KIND, "城建项目")
    made = client.post(
        "/api/v1/projects",
        json={"name": "市重点产业项目", "level": "city", "kind_id": industrial, "lead_department_id": east.id},
        headers=bearer(admin),
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["level"], body["kind_id"], body["kind_name"]) == ("city", industrial, "产业项目")
    assert body["completed_investment"] == "0.0000"
    # Staff: `level` is ignored as `is_key` is (the form has no such field for them); the kind is theirs.
    edited = client.patch(
        f"/api/v1/projects/{body['id']}",
        json={"version": body["version"], "level": "province", "kind_id": civic},
        headers=bearer(alice),
    )
    assert edited.status_code == 200, edited.get_json()
    assert (edited.get_json()["level"], edited.get_json()["kind_name"]) == ("city", "城建项目")
    cleared = client.patch(
        f"/api/v1/projects/{body['id']}",
        json={"version": edited.get_json()["version"], "level": None},
        headers=bearer(admin),
    )
    assert cleared.status_code == 200 and cleared.get_json()["level"] is None
    industry = ref_id(RefKind.INDUSTRY, "智能制造")
    wrong_list = client.patch(
        f"/api/v1/projects/{body['id']}", json={"version": 1, "kind_id": industry}, headers=bearer(admin)
    )
    assert wrong_list.status_code == 422 and "kind_id" in wrong_list.get_json()["error"]["fields"]
    assert (
        client.post("/api/v1/projects", json={"name": "某项目", "level": "town"}, headers=bearer(admin)).status_code
        == 422
    )
    fp.project(name="省重点项目", department=east, level=ProjectLevel.PROVINCE, kind_id=industrial)
    fp.project(name="区重点项目", department=east, level=ProjectLevel.DISTRICT, kind_id=industrial)
    db.session.commit()

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/projects?{query}", headers=bearer(alice))
        assert response.status_code == 200, response.get_json()
        return sorted(item["name"] for item in response.get_json()["items"])

    assert names("level=province") == ["省重点项目"]
    assert names(f"kind_id={industrial}") == ["区重点项目", "省重点项目"]
    assert names(f"kind_id={civic}") == ["市重点产业项目"]
    assert client.get("/api/v1/projects?level=town", headers=bearer(alice)).status_code == 422
