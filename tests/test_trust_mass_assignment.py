"""Mass assignment: a staff member who adds fields the form does not offer
them — `department_id`, `owner_department_id` outside their scope,
`responsible_leader_id`, `lead_department_id`, `is_key`, `team_ids`, `role`,
`scope`, bookkeeping columns — to an HTML form or an API body changes
nothing: the request is refused, or saved without those fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app import clock
from app.api.tokens import issue_token
from app.db import db
from app.models import Agreement, Company, Lead, Problem, Project, User, Visit
from tests import factories_trust as ft

TODAY = clock.today()

SMUGGLED = {
    "role": "admin",
    "scope": "all",
    "department_id": None,  # filled with the other department
    "owner_department_id": None,
    "lead_department_id": None,
    "responsible_department_id": None,
    "first_department_id": None,
    "responsible_leader_id": None,
    "is_key": "y",
    "team_ids": None,
    "created_by_id": None,
    "owner_user_id": None,
    "raised_by_id": None,
    "status": "closed",
    "stage": "production",
    "archived_at": "2020-01-01",
    "merged_into_id": None,
    "project_id": None,
    "version": None,
}


def smuggled(world: ft.World) -> dict[str, Any]:
    ids = world.ids
    other = world.users["staff_other"]
    values = dict(SMUGGLED)
    for name in ("department_id", "owner_department_id", "lead_department_id", "responsible_department_id"):
        values[name] = ids["other_dept"]
    values.update(
        first_department_id=ids["other_dept"],
        responsible_leader_id=world.users["leader_other"].id,
        team_ids=other.id,
        created_by_id=other.id,
        owner_user_id=other.id,
        raised_by_id=other.id,
        merged_into_id=ids["company"],
        project_id=ids["spare_project"],
    )
    values.pop("version")
    return values


def columns(record) -> dict[str, Any]:
    db.session.refresh(record)
    values = {c.key: getattr(record, c.key) for c in sa.inspect(type(record)).column_attrs}
    for name in ("updated_at", "version", "search_text", "last_used_at"):
        values.pop(name, None)
    return values


def staff_world(client, login_as) -> ft.World:
    world = ft.build()
    login_as(world.users["staff_own"])
    return world


def test_own_account_fields_cannot_be_raised(client, login_as):
    world = staff_world(client, login_as)
    staff = world.users["staff_own"]
    before = columns(staff)
    data = {**smuggled(world), "current_password": "wrong-password-9", "new_password": "x", "confirm": "x"}
    response = client.post("/auth/password", data=data)
    assert response.status_code == 200 and "当前密码不正确" in response.get_data(as_text=True)
    after = columns(db.session.get(User, staff.id))
    assert after == before


def test_lead_edit_cannot_move_the_lead_or_forge_bookkeeping(client, login_as):
    world = staff_world(client, login_as)
    lead = db.session.get(Lead, world.ids["lead"])
    before = columns(lead)
    form = {
        **smuggled(world),
        "company_name": lead.company.name,
        "company_id": str(lead.company_id),
        "title": lead.title,
        "intended_investment": str(lead.intended_investment),
        "received_on": lead.received_on.isoformat(),
        "version": str(lead.version),
    }
    response = client.post(f"/leads/{lead.id}/edit", data=form)
    assert response.status_code == 200 and "is-invalid" in response.get_data(as_text=True)  # told next to the field
    assert columns(lead) == before
    # Without the out-of-scope department the same smuggled form saves — but only the offered fields.
    form["owner_department_id"] = str(world.ids["own_dept"])
    form["owner_user_id"] = str(world.users["staff_own"].id)
    form["title"] = "改过的投资意向"
    assert client.post(f"/leads/{lead.id}/edit", data=form).status_code == 302
    after = columns(lead)
    assert after.pop("title") == "改过的投资意向"
    before.pop("title")
    assert after == before


def test_new_lead_outside_scope_is_refused(client, login_as):
    world = staff_world(client, login_as)
    count = db.session.scalar(sa.select(sa.func.count(Lead.id)))
    form = {**smuggled(world), "company_name": "越权测试有限公司", "title": "越权的线索", "received_on": str(TODAY)}
    assert client.post("/leads/new", data=form).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == count


def test_project_edit_ignores_leader_department_team_key_and_stage(client, login_as):
    world = staff_world(client, login_as)
    project = db.session.get(Project, world.ids["project"])
    before = columns(project)
    team = [m.id for m in project.team]
    form = {
        **smuggled(world),
        "name": "改过的项目名称",
        "company_name": project.company.name,
        "planned_investment": str(project.planned_investment),
        "version": str(project.version),
    }
    assert client.post(f"/projects/{project.id}/edit", data=form).status_code == 302
    after = columns(project)
    assert after.pop("name") == "改过的项目名称"
    before.pop("name")
    assert after == before
    assert [m.id for m in project.team] == team


def test_new_project_gets_the_staff_members_department_and_no_leader(client, login_as):
    world = staff_world(client, login_as)
    form = {**smuggled(world), "name": "新建的项目", "planned_investment": "100", "stage_note": ""}
    form["stage"] = "planning"
    # Another department is not on offer: refused next to the field.
    assert client.post("/projects/new", data=form).status_code == 200
    assert db.session.scalar(sa.select(Project).where(Project.name == "新建的项目")) is None
    form["lead_department_id"] = str(world.ids["own_dept"])
    assert client.post("/projects/new", data=form).status_code == 302
    created = db.session.scalar(sa.select(Project).where(Project.name == "新建的项目"))
    # Saved without anything the form does not offer staff.
    assert created.lead_department_id == world.ids["own_dept"]
    assert created.responsible_leader_id is None and created.is_key is False
    assert created.created_by_id == world.users["staff_own"].id and created.archived_at is None
    assert created.team == [] and created.stage.value == "planning"


def test_lead_conversion_by_staff_cannot_make_a_key_project(client, login_as):
    world = staff_world(client, login_as)
    lead = db.session.get(Lead, world.ids["lead"])
    form = {
        **smuggled(world),
        "name": "转化的项目",
        "planned_investment": "100",
        "lead_department_id": str(world.ids["own_dept"]),
        "responsible_leader_id": "",
        "version": str(lead.version),
    }
    assert client.post(f"/leads/{lead.id}/convert", data=form).status_code in (200, 302)
    created = db.session.scalar(sa.select(Project).where(Project.name == "转化的项目"))
    assert created is not None
    assert created.is_key is False and created.lead_department_id == world.ids["own_dept"]
    assert created.stage.value == "attracting" and created.created_by_id == world.users["staff_own"].id


def test_company_edit_ignores_first_reporter_and_merge_columns(client, login_as):
    world = staff_world(client, login_as)
    company = db.session.get(Company, world.ids["company"])
    before = columns(company)
    form = {**smuggled(world), "name": company.name, "credit_code": "", "hq_region": "郑州", "version": company.version}
    client.post(f"/companies/{company.id}/edit", data=form)
    after = columns(company)
    assert after.pop("hq_region") == "郑州"
    before.pop("hq_region")
    assert after == before


def test_visit_belongs_to_its_leads_department_whatever_is_posted(client, login_as):
    world = staff_world(client, login_as)
    form = {**smuggled(world), "visited_on": str(TODAY), "summary": "越权字段测试"}
    response = client.post(f"/leads/visits/new?lead_id={world.ids['lead']}", data=form)
    assert response.status_code == 302
    visit = db.session.scalar(sa.select(Visit).where(Visit.summary == "越权字段测试"))
    assert visit.department_id == world.ids["own_dept"] and visit.lead_id == world.ids["lead"]
    assert visit.created_by_id == world.users["staff_own"].id and visit.project_id is None


def test_problem_report_ignores_department_status_and_reporter(client, login_as):
    world = staff_world(client, login_as)
    category = db.session.scalar(sa.select(Problem.category_id).where(Problem.id == world.ids["problem"]))
    form = {**smuggled(world), "category_id": str(category), "description": "越权字段测试"}
    response = client.post(f"/problems/new?project_id={world.ids['project']}", data=form)
    assert response.status_code == 302
    problem = db.session.scalar(sa.select(Problem).where(Problem.description == "越权字段测试"))
    assert problem.project_id == world.ids["project"] and problem.status.value == "reported"
    assert problem.responsible_department_id is None and problem.raised_by_id == world.users["staff_own"].id


def test_agreement_stays_on_the_project_of_its_url(client, login_as):
    world = staff_world(client, login_as)
    form = {
        **smuggled(world),
        "kind": "framework",
        "signed_on": str(TODAY - dt.timedelta(days=1)),
        "agreed_investment": "10",
    }
    response = client.post(f"/agreements/project/{world.ids['project']}/new", data=form)
    assert response.status_code == 302
    created = db.session.scalar(sa.select(Agreement).order_by(Agreement.id.desc()).limit(1))
    assert created.project_id == world.ids["project"] and created.archived_at is None
    assert created.created_by_id == world.users["staff_own"].id


# --- the API ---------------------------------------------------------------------------


def bearer(world: ft.World) -> dict[str, str]:
    token, _row = issue_token(world.users["staff_own"])
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_api_user_fields_cannot_be_raised(client, login_as):
    world = staff_world(client, login_as)
    staff = world.users["staff_own"]
    before = columns(staff)
    body = {"role": "admin", "scope": "all", "department_id": world.ids["other_dept"], "active": True}
    response = client.patch(f"/api/v1/users/{staff.id}", json=body, headers=bearer(world))
    assert response.status_code == 403
    assert columns(db.session.get(User, staff.id)) == before


def test_api_project_update_cannot_set_leader_team_department_or_key(client, login_as):
    world = staff_world(client, login_as)
    project = db.session.get(Project, world.ids["project"])
    before = columns(project)
    team = [m.id for m in project.team]
    headers = bearer(world)
    attempts = [
        {"responsible_leader_id": world.users["leader_other"].id, "handover_reason": "换人"},
        {"lead_department_id": world.ids["other_dept"]},
        {"is_key": False},
        {"team_ids": [world.users["staff_other"].id]},
    ]
    for body in attempts:
        response = client.patch(
            f"/api/v1/projects/{project.id}", json={**body, "version": project.version}, headers=headers
        )
        # Refused, or saved without the field (is_key is silently the admin's).
        assert response.status_code in (200, 403, 422), (body, response.get_json())
        assert columns(project) == before, body
        assert [m.id for m in project.team] == team


def test_api_lead_cannot_be_created_or_moved_outside_scope(client, login_as):
    world = staff_world(client, login_as)
    headers = bearer(world)
    count = db.session.scalar(sa.select(sa.func.count(Lead.id)))
    body = {"company_name": "越权测试有限公司", "title": "越权的线索", "owner_department_id": world.ids["other_dept"]}
    assert client.post("/api/v1/leads", json=body, headers=headers).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == count
    lead = db.session.get(Lead, world.ids["lead"])
    before = columns(lead)
    body = {"owner_department_id": world.ids["other_dept"], "version": lead.version}
    assert client.patch(f"/api/v1/leads/{lead.id}", json=body, headers=headers).status_code == 422
    assert columns(lead) == before


def test_api_bodies_with_unknown_fields_are_refused(client, login_as):
    world = staff_world(client, login_as)
    headers = bearer(world)
    lead = db.session.get(Lead, world.ids["lead"])
    before = columns(lead)
    body = {"title": "改过", "created_by_id": world.users["staff_other"].id, "version": lead.version}
    response = client.patch(f"/api/v1/leads/{lead.id}", json=body, headers=headers)
    assert response.status_code == 422 and "created_by_id" in response.get_json()["error"]["fields"]
    assert columns(lead) == before


def test_api_conversion_by_staff_cannot_make_a_key_project(client, login_as):
    world = staff_world(client, login_as)
    lead = db.session.get(Lead, world.ids["lead"])
    body = {"name": "接口转化的项目", "is_key": True, "version": lead.version}
    response = client.post(f"/api/v1/leads/{lead.id}/convert", json=body, headers=bearer(world))
    assert response.status_code == 201
    created = db.session.scalar(sa.select(Project).where(Project.name == "接口转化的项目"))
    assert created.is_key is False
