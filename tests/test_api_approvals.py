"""Approval items (联审联批) over the API: adding an item by its type's name
or id (201), a project's list with overdue days and the 督办 level, one
item seen by the approving department even outside the project's scope,
and PATCH with its version (409 stale) for edits and each status move —
申报, 办结 (the approving department's or admin's; anyone else 403 naming
`status`), 无需办理, 撤回申报 — every refusal naming its field and writing
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.api.tokens import issue_token
from app.approvals import services
from app.db import db
from app.lookups import ref_id
from app.models import ApprovalItem, ApprovalStatus, AuditLog, RefItem, RefKind, Role, Stage
from tests import factories
from tests import factories_approvals as fa
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = dt.date(2026, 6, 15)
DROP = object()  # a field left out of the body


@pytest.fixture
def town(set_today):
    set_today(TODAY)
    east, west = factories.department("东城街道"), factories.department("西城街道")
    land = factories.department("区自然资源局")
    housing = factories.department("区住房和城乡建设局")
    zone = factories.department("开发区")
    people = {
        "alice": factories.user(Role.STAFF, department=east, name="孙丽娜"),
        "bob": factories.user(Role.STAFF, department=west, name="周强"),
        "land": factories.user(Role.STAFF, department=land, name="自然资源局审批科"),
        "housing": factories.user(Role.STAFF, department=housing, name="住建局审批科"),
        "member": factories.user(Role.STAFF, department=zone, name="专班成员"),
        "leader": factories.user(Role.LEADER, name="王副区长"),
        "viewer": factories.user(Role.VIEWER, name="督查员"),
        "admin": factories.user(Role.ADMIN),
    }
    project = fp.project(
        name="东城新材料产业园",
        department=east,
        stage=Stage.SIGNED,
        leader=people["leader"],
        team=[people["member"]],
        created_on=dt.date(2025, 1, 1),
    )
    hidden = fp.project(name="西城物流园", department=west, stage=Stage.SIGNED, created_on=dt.date(2025, 1, 1))
    db.session.commit()
    return {**people, "east": east, "land_dept": land, "housing_dept": housing, "project": project, "hidden": hidden}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audits() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.entity == "approval_item"))


def an_item(town, *, project=None, department=None, kind="施工许可", due_on=dt.date(2026, 7, 31), **data):
    item = fa.item(
        project or town["project"], town["admin"], department or town["land_dept"], kind=kind, due_on=due_on, **data
    )
    db.session.commit()
    return item


# --- adding and listing -----------------------------------------------------------------


def test_the_team_adds_items_by_type_name_or_id_and_lists_them(client, town):
    project, alice = town["project"], town["alice"]
    url = f"/api/v1/projects/{project.id}/approvals"
    by_name = client.post(
        url,
        json={
            "item": "施工许可",
            "department_id": town["housing_dept"].id,
            "due_on": "2026-06-05",
            "notes": "容缺受理",
        },
        headers=bearer(alice),
    )
    assert by_name.status_code == 201, by_name.get_json()
    body = by_name.get_json()
    assert body["item"] == "施工许可" and body["item_type_id"] == ref_id(RefKind.APPROVAL_TYPE, "施工许可")
    assert body["department"] == "区住房和城乡建设局" and body["status"] == "pending"
    # Due 10 days ago and still open: 10 days overdue, the second week's 黄色督办.
    assert body["days_overdue"] == 10 and body["escalation"] == "yellow" and body["version"] == 1
    env = ref_id(RefKind.APPROVAL_TYPE, "环评批复")
    by_id = client.post(
        url,
        json={
            "item_type_id": env,
            "department_id": town["land_dept"].id,
            "due_on": "2026-09-30",
            "submitted_on": "2026-06-01",
        },
        headers=bearer(town["member"]),
    )
    assert by_id.status_code == 201, by_id.get_json()
    assert by_id.get_json()["status"] == "submitted" and by_id.get_json()["submitted_on"] == "2026-06-01"
    assert by_id.get_json()["escalation"] == "none" and by_id.get_json()["days_overdue"] == 0
    not_needed = client.post(
        url,
        json={
            "item": "节能审查",
            "department_id": town["land_dept"].id,
            "due_on": "2026-08-01",
            "status": "not_needed",
            "not_needed_reason": "能耗低于审查标准",
        },
        headers=bearer(alice),
    )
    assert not_needed.status_code == 201, not_needed.get_json()
    assert not_needed.get_json()["status"] == "not_needed"
    assert not_needed.get_json()["not_needed_reason"] == "能耗低于审查标准"
    listed = client.get(url, headers=bearer(town["viewer"])).get_json()
    assert [(i["item"], i["status"]) for i in listed["items"]] == [
        ("施工许可", "pending"),
        ("节能审查", "not_needed"),
        ("环评批复", "submitted"),
    ]
    assert listed["total"] == 3 and listed["items"][0]["notes"] == "容缺受理"
    assert client.get(f"{url}?open=true", headers=bearer(alice)).get_json()["total"] == 2
    assert client.get(f"{url}?status=submitted", headers=bearer(alice)).get_json()["total"] == 1
    # Each addition is audited (the 无需办理 one twice: added, then marked).
    assert count(ApprovalItem) == 3 and audits() == 4


def test_admin_or_the_approving_department_may_add_an_item_already_approved(client, town):
    url = f"/api/v1/projects/{town['project'].id}/approvals"
    body = {"item": "施工许可", "department_id": town["land_dept"].id, "due_on": "2026-06-30", "status": "approved"}
    created = client.post(url, json={**body, "submitted_on": "2026-06-01"}, headers=bearer(town["admin"]))
    assert created.status_code == 201, created.get_json()
    # status approved without a date is approved today; a 待申报 item is taken as 申报 the same day.
    assert (created.get_json()["approved_on"], created.get_json()["submitted_on"]) == ("2026-06-15", "2026-06-01")
    assert created.get_json()["status"] == "approved"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # 办结 before 申报.
        ({"submitted_on": "2026-06-10", "approved_on": "2026-06-01"}, "approved_on"),
        ({"submitted_on": "2026-06-16"}, "submitted_on"),  # a future 申报
        ({"status": "submitted", "submitted_on": "2026-07-01"}, "submitted_on"),
        ({"status": "approved"}, "approved_on"),  # 办结 by the project's team, not the approving department
        ({"approved_on": "2026-06-01"}, "approved_on"),
        ({"item": "不存在的审批"}, "item"),
        ({"item": None, "item_type_id": None}, "item"),
        ({"item": DROP, "item_type_id": 2_000_000}, "item_type_id"),
        ({"item": "施工许可", "item_type_id": "环评批复"}, "item"),  # the two name different types
        ({"due_on": None}, "due_on"),
        ({"due_on": DROP}, "due_on"),
        ({"due_on": "2026-02-30"}, "due_on"),
        ({"department_id": 2_000_000}, "department_id"),
        ({"status": "not_needed"}, "not_needed_reason"),
        ({"status": "not_needed", "not_needed_reason": "  "}, "not_needed_reason"),
        ({"not_needed_reason": "并入环评"}, "not_needed_reason"),
        ({"status": "pending", "submitted_on": "2026-06-01"}, "submitted_on"),
        ({"status": "finished"}, "status"),
        ({"notes": "x" * 5001}, "notes"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_refused_item_names_the_field_and_writes_nothing(client, town, body, field):
    payload = {"item": "施工许可", "department_id": town["land_dept"].id, "due_on": "2026-09-30", **body}
    if isinstance(payload.get("item_type_id"), str):
        payload["item_type_id"] = ref_id(RefKind.APPROVAL_TYPE, payload["item_type_id"])
    payload = {k: v for k, v in payload.items() if v is not DROP}
    response = client.post(
        f"/api/v1/projects/{town['project'].id}/approvals", json=payload, headers=bearer(town["alice"])
    )
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["fields"].get(field) and error["message"], error
    assert count(ApprovalItem) == 0 and audits() == 0


def test_a_disabled_type_is_not_offered_and_an_exited_project_takes_no_items(client, town):
    item_type = db.session.get(RefItem, ref_id(RefKind.APPROVAL_TYPE, "节能审查"))
    item_type.active = False
    db.session.commit()
    url = f"/api/v1/projects/{town['project'].id}/approvals"
    body = {"department_id": town["land_dept"].id, "due_on": "2026-09-30"}
    headers = bearer(town["alice"])
    by_name = client.post(url, json={**body, "item": "节能审查"}, headers=headers)
    assert by_name.status_code == 422 and "施工许可" in by_name.get_json()["error"]["fields"]["item"]
    by_id = client.post(url, json={**body, "item_type_id": item_type.id}, headers=headers)
    assert by_id.status_code == 422 and "item_type_id" in by_id.get_json()["error"]["fields"]
    town["project"].stage = Stage.EXITED
    db.session.commit()
    exited = client.post(url, json={**body, "item": "施工许可"}, headers=headers)
    assert exited.status_code == 422 and "退出" in exited.get_json()["error"]["message"]
    assert count(ApprovalItem) == 0 and audits() == 0


def test_who_may_add_and_see_a_projects_items(client, town):
    project, hidden = town["project"], town["hidden"]
    url = f"/api/v1/projects/{project.id}/approvals"
    body = {"item": "施工许可", "department_id": town["land_dept"].id, "due_on": "2026-09-30"}
    for who in ("leader", "viewer"):
        assert client.post(url, json=body, headers=bearer(town[who])).status_code == 403, who
    for who in ("bob", "land"):  # the project is not theirs to see
        assert client.post(url, json=body, headers=bearer(town[who])).status_code == 404, who
    assert client.get(url, headers=bearer(town["bob"])).status_code == 404
    assert (
        client.post(f"/api/v1/projects/{hidden.id}/approvals", json=body, headers=bearer(town["alice"])).status_code
        == 404
    )
    token, _row = issue_token(town["alice"], "只读", scope="read")
    db.session.commit()
    read_only = {"Authorization": f"Bearer {token}"}
    assert client.post(url, json=body, headers=read_only).status_code == 403
    assert count(ApprovalItem) == 0
    assert client.get(url, headers=read_only).get_json()["total"] == 0


# --- one item: who sees it, who changes it ----------------------------------------------------


def test_the_approving_department_sees_its_items_outside_the_projects_scope(client, town):
    mine = an_item(town, project=town["hidden"])
    path, version = f"/api/v1/approvals/{mine.id}", mine.version
    seen = client.get(path, headers=bearer(town["land"]))
    assert seen.status_code == 200 and seen.get_json()["project_id"] == town["hidden"].id
    # …but not the project's other records, nor another bureau's items.
    assert (
        client.get(f"/api/v1/projects/{town['hidden'].id}/approvals", headers=bearer(town["land"])).status_code == 404
    )
    assert client.get(path, headers=bearer(town["housing"])).status_code == 404
    assert client.get(path, headers=bearer(town["alice"])).status_code == 404
    assert client.get(path, headers=bearer(town["bob"])).status_code == 200  # the project's own department
    # The approving department marks it 办结; it may not edit the item itself.
    notes = client.patch(path, json={"version": mine.version, "notes": "改"}, headers=bearer(town["land"]))
    assert notes.status_code == 403
    approved = client.patch(
        path,
        json={"version": mine.version, "status": "approved", "approved_on": "2026-06-12"},
        headers=bearer(town["land"]),
    )
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert (body["status"], body["approved_on"], body["submitted_on"]) == ("approved", "2026-06-12", "2026-06-12")
    assert body["version"] == version + 1


def test_only_the_approving_department_or_admin_marks_an_item_approved(client, town):
    item = an_item(town, submitted_on=dt.date(2026, 6, 1))
    path = f"/api/v1/approvals/{item.id}"
    change = {"version": item.version, "status": "approved", "approved_on": "2026-06-10"}
    before = audits()
    for who in ("alice", "member"):
        refused = client.patch(path, json=change, headers=bearer(town[who]))
        assert refused.status_code == 403, who
        assert "区自然资源局" in refused.get_json()["error"]["fields"]["status"]
    for who in ("leader", "viewer"):
        assert client.patch(path, json=change, headers=bearer(town[who])).status_code == 403, who
    assert client.patch(path, json=change, headers=bearer(town["housing"])).status_code == 404
    token, _row = issue_token(town["land"], "只读", scope="read")
    db.session.commit()
    assert client.patch(path, json=change, headers={"Authorization": f"Bearer {token}"}).status_code == 403
    db.session.expire_all()
    assert item.status is ApprovalStatus.SUBMITTED and item.approved_on is None and audits() == before
    done = client.patch(path, json=change, headers=bearer(town["land"]))
    assert done.status_code == 200 and done.get_json()["status"] == "approved"
    stale = client.patch(path, json={**change, "approved_on": "2026-06-11"}, headers=bearer(town["admin"]))
    assert stale.status_code == 409 and stale.get_json()["error"]["code"]
    again = client.patch(
        path,
        json={"version": done.get_json()["version"], "status": "not_needed", "not_needed_reason": "重复"},
        headers=bearer(town["alice"]),
    )
    assert again.status_code == 422 and "已办结" in again.get_json()["error"]["fields"]["status"]
    moved = client.patch(
        path, json={"version": done.get_json()["version"], "approved_on": "2026-06-11"}, headers=bearer(town["land"])
    )
    assert moved.status_code == 422 and "不能修改" in moved.get_json()["error"]["fields"]["approved_on"]
    db.session.expire_all()
    assert item.approved_on == dt.date(2026, 6, 10) and audits() == before + 1


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"status": "approved", "approved_on": "2026-05-31"}, "approved_on", 422),  # before its 申报
        ({"status": "approved", "approved_on": "2026-06-16"}, "approved_on", 422),  # a future 办结
        ({"approved_on": "2026-06-10"}, "approved_on", 422),  # without the status move
        ({"item": "不存在的审批"}, "item", 422),
        ({"due_on": None}, "due_on", 422),
        ({"department_id": None}, "department_id", 422),
        ({"submitted_on": "2026-06-20"}, "submitted_on", 422),
        ({"status": "submitted"}, "status", 422),  # on an item set aside as 无需办理 (below)
        ({"status": "not_needed"}, "not_needed_reason", 422),
        ({"not_needed_reason": "并入"}, "not_needed_reason", 422),
        ({"status": "pending", "submitted_on": "2026-06-01"}, "submitted_on", 422),
        ({"version": 99, "notes": "改"}, "", 409),
    ],
)
def test_a_refused_change_names_the_field_and_writes_nothing(client, town, change, field, status):
    item = an_item(town, submitted_on=dt.date(2026, 6, 1), notes="原备注")
    version, before = item.version, audits()
    if change == {"status": "submitted"}:
        # (On the 已申报 item it would be no move at all.) 申报 of an item set aside is refused on `status`.
        services.not_needed(item, "并入环评", town["admin"])
        db.session.commit()
        version, before = item.version, audits()
    body = {"version": version, **change}
    response = client.patch(f"/api/v1/approvals/{item.id}", json=body, headers=bearer(town["admin"]))
    assert response.status_code == status, response.get_json()
    if field:
        assert response.get_json()["error"]["fields"].get(field), response.get_json()
    db.session.expire_all()
    assert item.version == version and item.notes == "原备注" and audits() == before
    assert item.due_on == dt.date(2026, 7, 31) and item.submitted_on == dt.date(2026, 6, 1)


def test_the_team_edits_submits_reverts_and_sets_aside_an_item(client, town):
    item = an_item(town)
    path = f"/api/v1/approvals/{item.id}"
    headers = bearer(town["alice"])

    def patch(**change):
        response = client.patch(
            path, json={"version": client.get(path, headers=headers).get_json()["version"], **change}, headers=headers
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    edited = patch(
        item="建设工程规划许可", due_on="2026-08-31", notes="  规划方案已通过  ", department_id=town["housing_dept"].id
    )
    assert (edited["item"], edited["due_on"], edited["notes"], edited["department"]) == (
        "建设工程规划许可",
        "2026-08-31",
        "规划方案已通过",
        "区住房和城乡建设局",
    )
    submitted = patch(status="submitted", submitted_on="2026-06-03")
    assert (submitted["status"], submitted["submitted_on"]) == ("submitted", "2026-06-03")
    corrected = patch(submitted_on="2026-06-02")  # no status: a correction of the date
    assert corrected["submitted_on"] == "2026-06-02" and corrected["status"] == "submitted"
    reverted = patch(status="pending")
    assert (reverted["status"], reverted["submitted_on"]) == ("pending", None)
    today = patch(status="submitted")  # 申报 without a date: today
    assert today["submitted_on"] == "2026-06-15"
    # A record read and sent back whole changes nothing but what differs.
    whole = client.get(path, headers=headers).get_json()
    unchanged = patch(
        **{
            k: whole[k]
            for k in ("item", "due_on", "submitted_on", "approved_on", "status", "notes", "not_needed_reason")
        }
    )
    assert unchanged["version"] == whole["version"]
    aside = patch(status="not_needed", not_needed_reason="已并入规划许可", notes="合并办理")
    assert (aside["status"], aside["not_needed_reason"], aside["notes"]) == ("not_needed", "已并入规划许可", "合并办理")
    assert aside["days_overdue"] == 0 and aside["escalation"] == "none"
    reason = patch(not_needed_reason="已并入建设工程规划许可")  # the reason corrected
    assert (reason["status"], reason["not_needed_reason"]) == ("not_needed", "已并入建设工程规划许可")
    kinds = db.session.scalars(
        sa.select(AuditLog.summary)
        .where(AuditLog.entity == "approval_item", AuditLog.entity_id == item.id)
        .order_by(AuditLog.id)
    ).all()
    # created, edited, submitted, corrected, reverted, submitted, edited (notes), 无需办理, its reason
    assert len(kinds) == 9


def test_an_item_list_sends_the_same_queries_whatever_the_rows(client, town, count_queries):
    project = town["project"]
    headers = bearer(town["alice"])
    url = f"/api/v1/projects/{project.id}/approvals"

    def queries() -> int:
        client.get(url, headers=headers)  # warm-up
        with count_queries() as n:
            response = client.get(url, headers=headers)
        assert response.status_code == 200 and response.get_json()["total"] >= 1
        return n()

    an_item(town, kind="施工许可")
    few = queries()
    for kind, department in (
        ("环评批复", "housing_dept"),
        ("节能审查", "land_dept"),
        ("施工图审查", "housing_dept"),
    ) * 4:
        an_item(town, kind=kind, department=town[department])
    many = queries()
    assert many == few and many <= 8


def test_the_document_states_the_answers_and_the_statuses(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/projects/{project_id}/approvals"]["post"]
    assert {"201", "403", "404", "422"} <= set(post["responses"])
    patch = spec["paths"]["/api/v1/approvals/{approval_id}"]["patch"]
    assert {"200", "403", "404", "409", "422"} <= set(patch["responses"])
    schemas = spec["components"]["schemas"]
    assert "version" in schemas["ApprovalUpdate"]["required"]
    assert set(schemas["ApprovalIn"]["required"]) == {"department_id", "due_on"}
    status = schemas["ApprovalOut"]["properties"]["escalation"]
    assert status["enum"] == ["none", "blue", "yellow", "red"]
    assert "403" in patch["summary"] or "审批部门" in patch["summary"]
