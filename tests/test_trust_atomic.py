"""A crash in the middle of a request leaves nothing half-written: the unit
of work (the record, its audit rows, its stage or status changes, a company
created on the way) commits as one transaction or not at all. Each test
lets a service fail after its first writes and compares every table's row
count — and the records' own columns — before and after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import audit, clock
from app.db import db
from app.models import Lead, LeadStatus, Project, Role, Stage
from tests import factories
from tests import factories_agreements as fa
from tests import factories_leads as fl
from tests import factories_projects as fp

TODAY = clock.today()


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def crash_on(app, monkeypatch):
    """crash_on(action, entity): audit.record raises when asked to record
    that (after the service's earlier writes are flushed), and the app
    answers like production (the 500 page, not a re-raised exception)."""
    monkeypatch.setattr(app, "testing", False)
    real = audit.record

    def arm(action: str, entity: str) -> None:
        def record(act, ent, *args, **kwargs):
            if (act, ent) == (action, entity):
                db.session.flush()  # the earlier writes really reached the database
                raise RuntimeError(f"crash while recording {act} {ent}")
            return real(act, ent, *args, **kwargs)

        monkeypatch.setattr(audit, "record", record)

    return arm


def assert_500(response, *, json: bool = False) -> None:
    assert response.status_code == 500
    if json:
        assert response.get_json()["error"]["code"] == "server_error"
    else:
        assert "系统内部错误" in response.get_data(as_text=True)


def test_lead_with_new_company_is_all_or_nothing(client, login_as, crash_on):
    department = factories.department("东城街道")
    staff = factories.user(Role.STAFF, department=department)
    db.session.commit()
    login_as(staff)
    before = row_counts()
    crash_on("create", "lead")  # the company, the lead and its first status are written by then
    form = {
        "company_name": "崩溃测试科技有限公司",
        "title": "不应留下的线索",
        "owner_department_id": str(department.id),
        "owner_user_id": str(staff.id),
        "received_on": TODAY.isoformat(),
    }
    assert_500(client.post("/leads/new", data=form))
    assert row_counts() == before


def test_stage_move_is_all_or_nothing(client, login_as, crash_on):
    department = factories.department()
    staff = factories.user(Role.STAFF, department=department)
    project = fp.project(stage=Stage.PLANNING, department=department, is_key=False)
    db.session.commit()
    login_as(staff)
    since = project.stage_changed_at
    before = row_counts()
    crash_on("stage", "project")  # the stage and its StageChange are written by then
    assert_500(client.post(f"/projects/{project.id}/stage", data={"to": "attracting"}))
    assert row_counts() == before
    moved = db.session.get(Project, project.id)
    assert moved.stage is Stage.PLANNING and moved.stage_changed_at == since


def test_lead_conversion_is_all_or_nothing(client, login_as, crash_on):
    department = factories.department()
    staff = factories.user(Role.STAFF, department=department)
    lead = fl.lead(department=department, owner=staff, status=LeadStatus.NEGOTIATING)
    db.session.commit()
    login_as(staff)
    before = row_counts()
    crash_on("convert", "lead")  # the project, its stage history and the lead's status are written by then
    data = {"name": "转化项目", "planned_investment": "3000", "lead_department_id": department.id, "version": "1"}
    assert_500(client.post(f"/leads/{lead.id}/convert", data=data))
    assert row_counts() == before
    kept = db.session.get(Lead, lead.id)
    assert kept.status is LeadStatus.NEGOTIATING and kept.converted_on is None


def test_agreement_and_the_stage_it_moves_are_all_or_nothing(client, login_as, crash_on):
    department = factories.department()
    staff = factories.user(Role.STAFF, department=department)
    project = fa.project(stage=Stage.ATTRACTING, department=department)
    db.session.commit()
    login_as(staff)
    before = row_counts()
    crash_on("stage", "project")  # the agreement and its audit row are written by then
    form = fa.agreement_form(signed_on=(TODAY - dt.timedelta(days=1)).isoformat(), committed_construction_on=None)
    assert_500(client.post(f"/agreements/project/{project.id}/new", data=form))
    assert row_counts() == before
    kept = db.session.get(Project, project.id)
    assert kept.stage is Stage.ATTRACTING and kept.signed_on is None


def test_api_write_is_all_or_nothing(client, crash_on):
    from app.api.tokens import issue_token

    department = factories.department("东城街道")
    staff = factories.user(Role.STAFF, department=department)
    token, _row = issue_token(staff)
    db.session.commit()
    before = row_counts()
    crash_on("create", "lead")
    response = client.post(
        "/api/v1/leads",
        json={
            "company_name": "接口崩溃测试有限公司",
            "title": "不应留下的线索",
            "owner_department_id": department.id,
            "intended_investment": str(Decimal("100")),
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_500(response, json=True)
    assert row_counts() == before
