"""Nothing lost: archive instead of delete, admin restore, early hard delete
by the creator only, all audited; hidden records answer 404."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app import clock
from app.db import db, utcnow
from app.models import AuditLog, Company, Lead, LeadStatus, Project
from app.projects.services import create_project
from tests import factories


def make_lead(owner, **fields) -> Lead:
    company = Company(name=fields.pop("company", "测试企业有限公司"), normalized_name="测试企业", search_text="")
    db.session.add(company)
    db.session.flush()
    lead = Lead(
        company_id=company.id,
        title=fields.pop("title", "测试线索"),
        owner_department_id=owner.department_id,
        owner_user_id=owner.id,
        received_on=clock.today(),
        status=LeadStatus.NEW,
        created_by_id=owner.id,
        **fields,
    )
    db.session.add(lead)
    db.session.commit()
    return lead


def test_staff_archives_and_admin_restores(client, login_as):
    staff = login_as("staff")
    lead = make_lead(staff)
    response = client.post(f"/records/lead/{lead.id}/archive", data={"reason": "重复录入", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.refresh(lead)
    assert lead.archived_at is not None
    assert db.session.scalar(sa.select(AuditLog.summary).where(AuditLog.action == "archive")).endswith("重复录入")
    assert client.post(f"/admin/archive/lead/{lead.id}/restore").status_code == 403
    client.post("/auth/logout")
    login_as("admin")
    assert "测试线索" in client.get("/admin/archive?entity=lead").get_data(as_text=True)
    assert client.post(f"/admin/archive/lead/{lead.id}/restore").status_code == 302
    db.session.refresh(lead)
    assert lead.archived_at is None
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "restore")) == 1


def test_other_department_cannot_archive_or_even_see(client, login_as):
    owner = factories.user("staff")
    db.session.commit()
    lead = make_lead(owner)
    login_as("staff")
    assert client.post(f"/records/lead/{lead.id}/archive").status_code == 404
    client.post("/auth/logout")
    login_as("viewer")
    assert client.post(f"/records/lead/{lead.id}/archive").status_code == 403
    db.session.refresh(lead)
    assert lead.archived_at is None


def test_creator_may_delete_within_minutes_only(client, login_as, app):
    staff = login_as("staff")
    lead_id = make_lead(staff, title="打错的线索").id
    assert client.post(f"/records/lead/{lead_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Lead.id)).where(Lead.id == lead_id)) == 0
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "delete"))
    assert entry.changes["title"] == "打错的线索"
    old = make_lead(staff, title="旧线索")
    old.created_at = utcnow() - dt.timedelta(minutes=app.config["HARD_DELETE_MINUTES"] + 1)
    db.session.commit()
    client.post(f"/records/lead/{old.id}/delete")
    assert db.session.get(Lead, old.id) is not None


def test_someone_elses_record_cannot_be_deleted(client, login_as):
    staff = login_as("staff")
    colleague = factories.user("staff", department=staff.department)
    db.session.commit()
    lead = make_lead(colleague)
    client.post(f"/records/lead/{lead.id}/delete")
    assert db.session.get(Lead, lead.id) is not None


def test_project_with_agreement_cannot_be_hard_deleted(client, login_as):
    staff = login_as("staff")
    project = create_project({"name": "有协议的项目", "lead_department_id": staff.department_id}, staff)
    from app.models import Agreement, AgreementKind

    db.session.add(
        Agreement(project_id=project.id, kind=AgreementKind.FRAMEWORK, signed_on=clock.today(), agreed_investment=1000)
    )
    db.session.commit()
    client.post(f"/records/project/{project.id}/delete")
    assert db.session.get(Project, project.id) is not None
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "delete")) == 0


def test_unknown_kind_is_404(client, login_as):
    login_as("admin")
    assert client.post("/records/user/1/archive").status_code == 404
    assert client.get("/admin/archive?entity=user").status_code == 404


def test_agreements_are_archived_never_deleted(client, login_as):
    staff = login_as("staff")
    project = create_project({"name": "签约项目", "lead_department_id": staff.department_id}, staff)
    from app.models import Agreement, AgreementKind

    agreement = Agreement(
        project_id=project.id,
        kind=AgreementKind.INVESTMENT,
        signed_on=clock.today(),
        agreed_investment=5000,
        created_by_id=staff.id,
    )
    db.session.add(agreement)
    db.session.commit()
    response = client.post(f"/records/agreement/{agreement.id}/delete", follow_redirects=True)
    assert "不能删除" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 1
