"""Problems and agreements over the API: the problem life cycle with each
step under its own permission (as on the problem page), visibility for the
responsible department, agreements moving a project to 签约, the counting
rules' input checks, and optimistic locking on both."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import Agreement, ProblemEvent, ProblemStatus, RefKind, Stage, StageChange
from tests import factories
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = clock.today()


@pytest.fixture
def case():
    east, bureau = factories.department("东城街道"), factories.department("自然资源局")
    alice = factories.user("staff", department=east, name="孙丽娜")
    clerk = factories.user("staff", department=bureau, name="赵科长")
    leader = factories.user("leader", name="王副区长")
    project = fp.project(department=east, team=[alice], leader=leader, stage=Stage.ATTRACTING)
    db.session.commit()
    return east, bureau, alice, clerk, leader, project


def step(client, problem_id, user, **body):
    return client.post(f"/api/v1/problems/{problem_id}/steps", json=body, headers=bearer(user))


def test_problem_life_cycle_each_step_by_whom_the_page_allows(client, case):
    _east, bureau, alice, clerk, leader, project = case
    raised = client.post(
        f"/api/v1/projects/{project.id}/problems",
        json={"category_id": ref_id(RefKind.PROBLEM_CATEGORY, "土地"), "description": "用地指标未落实"},
        headers=bearer(alice),
    )
    assert raised.status_code == 201, raised.get_json()
    problem = raised.get_json()
    assert problem["status"] == "reported" and problem["raised_by_id"] == alice.id
    pid = problem["id"]
    deadline = (TODAY + dt.timedelta(days=10)).isoformat()
    # 交办 is the project's leader's (or admin's), not the team's.
    assert (
        step(client, pid, alice, action="assign", version=1, department_id=bureau.id, deadline=deadline).status_code
        == 403
    )
    # The bureau cannot see the problem before it is assigned to it.
    assert client.get(f"/api/v1/problems/{pid}", headers=bearer(clerk)).status_code == 404
    assigned = step(client, pid, leader, action="assign", version=1, department_id=bureau.id, deadline=deadline)
    assert assigned.status_code == 200 and assigned.get_json()["status"] == "assigned"
    version = assigned.get_json()["version"]
    assert client.get(f"/api/v1/problems/{pid}", headers=bearer(clerk)).status_code == 200
    assert step(client, pid, alice, action="start", version=version).status_code == 403
    started = step(client, pid, clerk, action="start", version=version)
    assert started.status_code == 200 and started.get_json()["status"] == "in_progress"
    no_answer = step(client, pid, clerk, action="answer", version=started.get_json()["version"])
    assert no_answer.status_code == 422 and "resolution" in no_answer.get_json()["error"]["fields"]
    answered = step(
        client, pid, clerk, action="answer", version=started.get_json()["version"], resolution="已调剂用地指标"
    )
    assert answered.status_code == 200 and answered.get_json()["status"] == "answered"
    stale = step(client, pid, alice, action="accept", version=started.get_json()["version"])
    assert stale.status_code == 409 and "赵科长" in stale.get_json()["error"]["message"]
    closed = step(client, pid, alice, action="accept", version=answered.get_json()["version"])
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert closed.get_json()["resolved_on"] == TODAY.isoformat()
    events = db.session.scalars(sa.select(ProblemEvent.to_status).order_by(ProblemEvent.id)).all()
    assert events == [
        ProblemStatus.REPORTED,
        ProblemStatus.ASSIGNED,
        ProblemStatus.IN_PROGRESS,
        ProblemStatus.ANSWERED,
        ProblemStatus.CLOSED,
    ]


def test_raising_needs_a_category_of_the_right_list(client, case):
    _east, _bureau, alice, _clerk, _leader, project = case
    wrong_list = client.post(
        f"/api/v1/projects/{project.id}/problems",
        json={"category_id": ref_id(RefKind.INDUSTRY, "智能制造"), "description": "用地指标未落实"},
        headers=bearer(alice),
    )
    assert wrong_list.status_code == 422 and "category_id" in wrong_list.get_json()["error"]["fields"]
    blank = client.post(
        f"/api/v1/projects/{project.id}/problems",
        json={"category_id": ref_id(RefKind.PROBLEM_CATEGORY, "土地"), "description": "   "},
        headers=bearer(alice),
    )
    assert blank.status_code == 422


def test_overdue_problems_show_their_escalation_in_the_ledger(client, case):
    _east, bureau, alice, clerk, _leader, project = case
    fp.problem(project, status=ProblemStatus.ASSIGNED, department=bureau, deadline=TODAY - dt.timedelta(days=9))
    db.session.commit()
    ledger = client.get("/api/v1/problems?overdue=1", headers=bearer(clerk)).get_json()
    assert ledger["total"] == 1
    assert ledger["items"][0]["escalation"] == "yellow" and ledger["items"][0]["days_overdue"] == 9
    own = client.get(f"/api/v1/projects/{project.id}/problems?open=1", headers=bearer(alice)).get_json()
    assert own["total"] == 1


def agreement(**overrides):
    return {
        "kind": "investment",
        "signed_on": (TODAY - dt.timedelta(days=3)).isoformat(),
        "agreed_investment": "30000",
        **overrides,
    }


def test_recording_an_agreement_moves_the_project_to_signed(client, case):
    _east, _bureau, alice, _clerk, _leader, project = case
    response = client.post(f"/api/v1/projects/{project.id}/agreements", json=agreement(), headers=bearer(alice))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["agreed_investment"] == "30000.0000"
    db.session.refresh(project)
    assert project.stage is Stage.SIGNED and project.signed_on == TODAY - dt.timedelta(days=3)
    move = db.session.scalar(sa.select(StageChange).where(StageChange.to_stage == Stage.SIGNED))
    assert move.changed_on == TODAY - dt.timedelta(days=3)
    listed = client.get(f"/api/v1/projects/{project.id}/agreements", headers=bearer(alice)).get_json()
    assert listed["total"] == 1


def test_agreement_input_is_checked_like_the_form(client, case):
    _east, _bureau, alice, _clerk, _leader, project = case
    url = f"/api/v1/projects/{project.id}/agreements"
    future = client.post(
        url, json=agreement(signed_on=(TODAY + dt.timedelta(days=1)).isoformat()), headers=bearer(alice)
    )
    assert future.status_code == 422 and "signed_on" in future.get_json()["error"]["fields"]
    increase = client.post(url, json=agreement(is_capital_increase=True), headers=bearer(alice))
    assert increase.status_code == 422 and "is_capital_increase" in increase.get_json()["error"]["fields"]
    dates = client.post(
        url,
        json=agreement(committed_construction_on="2027-06-01", committed_production_on="2027-01-01"),
        headers=bearer(alice),
    )
    assert dates.status_code == 422
    negative = client.post(url, json=agreement(agreed_investment="-5"), headers=bearer(alice))
    assert negative.status_code == 422 and "agreed_investment" in negative.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 0
    db.session.refresh(project)
    assert project.stage is Stage.ATTRACTING


def test_agreement_edit_with_version_and_stale_edit_refused(client, case):
    _east, _bureau, alice, _clerk, _leader, project = case
    admin = factories.user("admin", name="管理员甲")
    db.session.commit()
    created = client.post(
        f"/api/v1/projects/{project.id}/agreements", json=agreement(), headers=bearer(alice)
    ).get_json()
    first = client.patch(
        f"/api/v1/agreements/{created['id']}",
        json={"version": created["version"], "agreed_investment": "32000", "their_signatory": "张总"},
        headers=bearer(admin),
    )
    assert first.status_code == 200 and first.get_json()["agreed_investment"] == "32000.0000"
    assert first.get_json()["kind"] == "investment"  # fields not sent are kept
    stale = client.patch(
        f"/api/v1/agreements/{created['id']}",
        json={"version": created["version"], "notes": "改"},
        headers=bearer(alice),
    )
    assert stale.status_code == 409 and "管理员甲" in stale.get_json()["error"]["message"]
    cleared = client.patch(
        f"/api/v1/agreements/{created['id']}",
        json={"version": first.get_json()["version"], "kind": None},
        headers=bearer(alice),
    )
    assert cleared.status_code == 422 and "kind" in cleared.get_json()["error"]["fields"]
