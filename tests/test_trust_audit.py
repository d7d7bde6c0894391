"""The audit trail through the public surface: every kind of change named in
the issue (create, update, delete, stage move, merge, import, sign-in,
failed sign-in) leaves an entry with who, when, IP, entity, id, action and
old → new values; each record page has a history tab; no route edits or
deletes an audit row."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.models import AuditLog, ImportBatch, Lead, Role, Stage
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp
from tests import factories_trust as ft
from tests.conftest import PASSWORD
from tests.test_imports_leads import workbook

TODAY = clock.today()


def entries(**where) -> list[AuditLog]:
    stmt = sa.select(AuditLog).order_by(AuditLog.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditLog, name) == value)
    return list(db.session.scalars(stmt))


def one_entry(**where) -> AuditLog:
    found = entries(**where)
    assert len(found) == 1, (where, [(e.action, e.entity, e.entity_id) for e in entries()])
    entry = found[0]
    assert entry.ip == "127.0.0.1"
    assert entry.at is not None and abs(clock.utcnow() - entry.at) < dt.timedelta(minutes=5)
    return entry


def lead_form(department, owner, **overrides):
    return {
        "company_name": "审计测试科技有限公司",
        "credit_code": "",
        "title": "审计测试投资意向",
        "intended_investment": "500",
        "owner_department_id": str(department.id),
        "owner_user_id": str(owner.id),
        "received_on": TODAY.isoformat(),
        **overrides,
    }


def test_sign_in_and_failed_sign_in_are_audited_with_ip(client):
    user = factories.user(Role.STAFF)
    db.session.commit()
    client.post("/auth/login", data={"username": user.username, "password": "wrong-password-1"})
    client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    failed = one_entry(action="login_failed")
    assert failed.entity == "user" and failed.entity_id == user.id and failed.user_id == user.id
    signed_in = one_entry(action="login")
    assert signed_in.entity_id == user.id and signed_in.user_id == user.id
    client.post("/auth/login", data={"username": "nobody-here", "password": "whatever-1"})
    client.post("/auth/logout")
    client.post("/auth/login", data={"username": "nobody-here", "password": "whatever-1"})
    unknown = entries(action="login_failed", entity_id=None)
    assert len(unknown) == 1 and "nobody-here" in unknown[0].summary


def test_create_update_and_delete_are_audited_with_old_and_new_values(client, login_as):
    department = factories.department("东城街道")
    staff = factories.user(Role.STAFF, department=department)
    db.session.commit()
    login_as(staff)
    assert client.post("/leads/new", data=lead_form(department, staff)).status_code == 302
    lead = db.session.scalar(sa.select(Lead))
    lead_id = lead.id
    created = one_entry(action="create", entity="lead")
    assert created.entity_id == lead_id and created.user_id == staff.id
    assert created.changes["title"] == "审计测试投资意向"
    company_created = one_entry(action="create", entity="company")
    assert company_created.entity_id == lead.company_id

    form = lead_form(department, staff, title="改过的投资意向", company_id=str(lead.company_id), version="1")
    assert client.post(f"/leads/{lead.id}/edit", data=form).status_code == 302
    updated = one_entry(action="update", entity="lead", entity_id=lead.id)
    assert updated.user_id == staff.id
    assert updated.changes["title"] == ["审计测试投资意向", "改过的投资意向"]

    assert client.post(f"/records/lead/{lead_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Lead, lead_id) is None
    deleted = one_entry(action="delete", entity="lead", entity_id=lead_id)
    assert deleted.user_id == staff.id and deleted.changes["title"] == "改过的投资意向"


def test_stage_move_is_audited_from_and_to(client, login_as):
    department = factories.department()
    staff = factories.user(Role.STAFF, department=department)
    project = fp.project(stage=Stage.PLANNING, department=department, is_key=False)
    db.session.commit()
    login_as(staff)
    assert client.post(f"/projects/{project.id}/stage", data={"to": "attracting"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(project), project.id).stage is Stage.ATTRACTING
    moved = one_entry(action="stage", entity="project", entity_id=project.id)
    assert moved.user_id == staff.id
    assert list(moved.changes["stage"]) == ["planning", "attracting"]


def test_merge_is_audited(client, login_as):
    admin = factories.user(Role.ADMIN)
    survivor = fl.company("华润置业有限公司")
    duplicate = fl.company("华润置业（郑州）有限公司")
    db.session.commit()
    login_as(admin)
    response = client.post(f"/companies/{survivor.id}/merge", data={"other_id": duplicate.id, "confirm": "y"})
    assert response.status_code == 302
    merged = one_entry(action="merge", entity="company")
    assert merged.entity_id == survivor.id and merged.user_id == admin.id
    assert str(duplicate.id) in str(merged.changes) or duplicate.name in (merged.summary or "")


def test_import_is_audited(client, login_as):
    department = factories.department("柳林镇")
    staff = factories.user(Role.STAFF, department=department)
    db.session.commit()
    login_as(staff)
    row = [
        "商业综合体",
        "华润置地（郑州）有限公司",
        "",
        "外出招商",
        "现代商贸",
        "5亿",
        "",
        "",
        "柳林镇",
        "2026-03-01",
        "",
    ]
    upload = client.post(
        "/imports/leads",
        data={"file": (io.BytesIO(workbook([row])), "线索.xlsx")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    assert "导入完成" in client.post(f"/imports/batches/{batch_id}/commit").get_data(as_text=True)
    imported = one_entry(action="import", entity="import")
    assert imported.user_id == staff.id
    assert imported.changes["file"] == "线索.xlsx" and imported.changes["created"] == 1
    # … and so is each record it wrote, in the same transaction.
    lead = db.session.scalar(sa.select(Lead))
    assert one_entry(action="create", entity="lead").entity_id == lead.id


@pytest.mark.parametrize(
    ("page", "entity"),
    [
        ("/leads/{lead}", "lead"),
        ("/companies/{company}", "company"),
        ("/projects/{project}", "project"),
        ("/agreements/{agreement}", "agreement"),
        ("/problems/{problem}", "problem"),
    ],
)
def test_each_record_page_has_a_history_tab(client, login_as, page, entity):
    world = ft.build()
    login_as(world.users["admin"])
    html = client.get(page.format(**world.ids)).get_data(as_text=True)
    assert "操作记录" in html
    # The creating entry is listed with who did it.
    first = entries(entity=entity, entity_id=world.ids[entity])[0]
    assert first.user is not None and first.user.name in html
    assert "新建" in html


@pytest.mark.parametrize(("page", "entity"), [("/leads/{lead}", "lead"), ("/companies/{company}", "company")])
def test_staff_who_see_the_record_see_its_history(client, login_as, page, entity):
    world = ft.build()
    login_as(world.users["staff_own"])
    html = client.get(page.format(**world.ids)).get_data(as_text=True)
    assert 'id="history"' in html and "新建" in html


def test_audit_rows_cannot_be_edited_or_deleted_from_the_app(app, client, login_as):
    login_as("admin")
    fl.lead(department=factories.department())
    db.session.commit()
    client.get("/admin/audit")
    before = [(e.id, e.action, e.entity, e.entity_id, e.summary) for e in entries()]
    entry_id = before[0][0]
    assert before
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open("/admin/audit", method=method).status_code == 405
        assert client.open(f"/admin/audit/{entry_id}", method=method).status_code == 404
    for path in (
        f"/records/audit/{entry_id}/delete",
        f"/records/audit_log/{entry_id}/delete",
        f"/records/audit/{entry_id}/archive",
        f"/admin/archive/audit/{entry_id}/restore",
    ):
        assert client.post(path).status_code == 404
    # No route of the app or the API names the audit log except the admin browser.
    rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert [r.rule for r in rules] == ["/admin/audit"]
    assert rules[0].methods <= {"GET", "HEAD", "OPTIONS"}
    db.session.expire_all()
    after = [(e.id, e.action, e.entity, e.entity_id, e.summary) for e in entries()]
    assert after[: len(before)] == before


def test_the_audit_browser_filters_by_record(client, login_as):
    world = ft.build()
    login_as(world.users["admin"])
    html = client.get("/admin/audit", query_string={"entity": "lead", "entity_id": world.ids["lead"]}).get_data(
        as_text=True
    )
    assert "东城机密投资意向" in html
    assert "可归档的线索" not in html
