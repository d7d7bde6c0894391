"""Visits on leads and projects: quick entry, what a visit maintains on its
lead, follow-ups ("my follow-ups"), edit and withdraw, and the project's
visit panel (its own visits and its origin lead's, one query)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import render_template_string

from app import clock
from app.db import db
from app.leads import visits
from app.leads.project_panel import project_panel
from app.models import LeadStatus, LeadStatusChange, ProgressUpdate, RefKind, Visit
from app.projects.services import create_project
from tests import factories
from tests import factories_leads as fl

TODAY = clock.today()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def desk():
    east = factories.department("东城街道")
    alice = factories.user("staff", department=east)
    lead = fl.lead(company=fl.company("华润置业有限公司"), department=east, owner=alice, received_on=days_ago(10))
    db.session.commit()
    return east, alice, lead


def visit_form(**overrides):
    data = {
        "visited_on": days_ago(2).isoformat(),
        "kind_id": str(fl.ref(RefKind.VISIT_KIND, "外出拜访").id),
        "place": "企业总部",
        "counterpart": "王总（董事长）",
        "summary": "介绍营商环境，对方有意来我区考察。",
        "next_step": "邀请来访",
        "follow_up_on": days_ago(1).isoformat(),
    }
    data.update(overrides)
    return data


def test_first_visit_moves_a_new_lead_to_contacted(client, login_as, desk):
    _east, alice, lead = desk
    leader = factories.user("leader", name="王副区长", title="副区长")
    db.session.commit()
    login_as(alice)
    response = client.post(
        f"/leads/{lead.id}/visits",
        data=visit_form(participant_ids=[alice.id], leader_present_id=leader.id),
    )
    assert response.status_code == 302
    db.session.refresh(lead)
    assert lead.status is LeadStatus.CONTACTED
    assert lead.contacted_on == days_ago(2) and lead.last_visit_on == days_ago(2)
    change = db.session.scalars(
        sa.select(LeadStatusChange).where(LeadStatusChange.lead_id == lead.id).order_by(LeadStatusChange.id.desc())
    ).first()
    assert change.to_status is LeadStatus.CONTACTED and change.changed_by_id == alice.id
    visit = db.session.scalar(sa.select(Visit))
    assert visit.department_id == lead.owner_department_id and visit.leader_present_id == leader.id
    assert [u.id for u in visit.participants] == [alice.id]
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "介绍营商环境" in page and "王副区长" in page


def test_later_visits_keep_status_and_update_last_visit(app, desk):
    _east, alice, lead = desk
    visits.log_visit({"visited_on": days_ago(5), "summary": "首次拜访"}, alice, lead=lead)
    assert lead.status is LeadStatus.CONTACTED
    visits.log_visit({"visited_on": days_ago(1), "summary": "二次拜访"}, alice, lead=lead)
    visits.log_visit({"visited_on": days_ago(8), "summary": "补录更早的拜访"}, alice, lead=lead)
    db.session.commit()
    db.session.refresh(lead)
    assert lead.last_visit_on == days_ago(1)
    assert lead.contacted_on == days_ago(8)  # the first visit
    assert [c.to_status for c in lead.status_changes].count(LeadStatus.CONTACTED) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"follow_up_on": days_ago(5).isoformat()}, "不能早于拜访日期"),
        ({"visited_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "不能晚于今天"),
        ({"summary": ""}, "请填写对接情况"),
        ({"kind_id": "999999"}, "所选项不存在"),
        ({"participant_ids": ["999999"]}, "所选项不存在"),
        ({"leader_present_id": "999999"}, "所选项不存在"),
        ({"counterpart": "人" * 10000}, "500"),
    ],
)
def test_bad_visit_input_is_refused_and_nothing_saved(client, login_as, desk, overrides, message):
    _east, alice, lead = desk
    login_as(alice)
    response = client.post(f"/leads/{lead.id}/visits", data=visit_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0
    db.session.refresh(lead)
    assert lead.status is LeadStatus.NEW and lead.last_visit_on is None


def test_follow_up_before_visit_refused_in_the_service_too(app, desk):
    _east, alice, lead = desk
    with pytest.raises(visits.LeadError, match="不能早于"):
        visits.log_visit({"visited_on": days_ago(1), "follow_up_on": days_ago(3), "summary": "x"}, alice, lead=lead)


def test_my_follow_ups_on_the_home_page(client, login_as, desk):
    east, alice, lead = desk
    colleague = factories.user("staff", department=east)
    other_lead = fl.lead(company=fl.company("宇通客车股份有限公司"), department=east, owner=colleague)
    due = visits.log_visit(
        {"visited_on": days_ago(9), "summary": "第一次", "follow_up_on": days_ago(2), "next_step": "回访甲"},
        alice,
        lead=lead,
    )
    visits.log_visit(
        {"visited_on": days_ago(9), "summary": "同事的", "follow_up_on": days_ago(1), "next_step": "同事回访"},
        colleague,
        lead=other_lead,
    )
    later = visits.log_visit(
        {"visited_on": days_ago(1), "summary": "计划中", "follow_up_on": TODAY + dt.timedelta(days=7)},
        colleague,
        lead=other_lead,
        # a later visit settles the earlier promise
    )
    db.session.commit()
    assert later.follow_up_done is False
    login_as(alice)
    home = client.get("/").get_data(as_text=True)
    assert "我的待跟进" in home and "回访甲" in home and "同事回访" not in home
    response = client.post(f"/leads/visits/{due.id}/done", data={"next": "/"})
    assert response.status_code == 302
    db.session.refresh(due)
    assert due.follow_up_done
    assert "回访甲" not in client.get("/").get_data(as_text=True)


def test_later_visit_settles_earlier_follow_ups(app, desk):
    _east, alice, lead = desk
    first = visits.log_visit({"visited_on": days_ago(9), "summary": "a", "follow_up_on": days_ago(3)}, alice, lead=lead)
    visits.log_visit({"visited_on": days_ago(4), "summary": "b"}, alice, lead=lead)
    db.session.refresh(first)
    assert first.follow_up_done
    assert visits.due_follow_ups(alice, TODAY) == ([], 0)


def test_follow_up_for_participants_and_lead_owner(app, desk):
    east, alice, lead = desk
    helper = factories.user("staff", department=east)
    boss = factories.user("admin")
    visits.log_visit(
        {"visited_on": days_ago(3), "summary": "x", "follow_up_on": TODAY, "participant_ids": [helper.id]},
        boss,
        lead=lead,
    )
    for person in (alice, helper, boss):  # lead owner, participant, author
        assert visits.due_follow_ups(person, TODAY)[1] == 1
    assert visits.due_follow_ups(factories.user("staff", department=east), TODAY)[1] == 0


def test_edit_and_withdraw_keep_last_visit_correct(client, login_as, desk):
    _east, alice, lead = desk
    old = visits.log_visit({"visited_on": days_ago(6), "summary": "旧"}, alice, lead=lead)
    new = visits.log_visit({"visited_on": days_ago(2), "summary": "新"}, alice, lead=lead)
    db.session.commit()
    login_as(alice)
    response = client.post(
        f"/leads/visits/{new.id}/edit", data={"visited_on": days_ago(3).isoformat(), "summary": "新（改）"}
    )
    assert response.status_code == 302
    db.session.refresh(lead)
    assert lead.last_visit_on == days_ago(3)
    assert client.post(f"/leads/visits/{new.id}/delete").status_code == 302
    db.session.refresh(lead)
    assert lead.last_visit_on == days_ago(6)
    assert "新（改）" not in client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert client.get(f"/leads/visits/{new.id}/edit").status_code == 404
    assert old.archived_at is None


# --- projects -------------------------------------------------------------------------


@pytest.fixture
def project_world(desk):
    east, alice, lead = desk
    fl.visit(lead, by=alice, visited_on=days_ago(8), summary="线索阶段的拜访")
    leader = factories.user("leader")
    project = create_project(
        {"name": "华润华中总部项目", "company_id": lead.company_id, "lead_department_id": east.id,
         "responsible_leader_id": leader.id},
        alice,
        lead_id=lead.id,
    )  # fmt: skip
    db.session.add(
        Visit(project_id=project.id, department_id=east.id, visited_on=days_ago(1), summary="项目阶段的拜访")
    )
    db.session.commit()
    return project, leader, alice


def test_project_visits_include_the_origin_lead_newest_first_in_one_query(app, project_world, count_queries):
    project, _leader, _alice = project_world
    db.session.expire_all()
    assert project.lead_id is not None  # loads the project before counting
    with count_queries() as n:
        found = visits.project_visits(project)
        names = [(v.summary, [u.name for u in v.participants], v.kind, v.created_by) for v in found]
    assert [name for name, *_ in names] == ["项目阶段的拜访", "线索阶段的拜访"]
    assert n() == 1


def test_project_visit_form_and_panel(client, login_as, project_world):
    project, leader, _alice = project_world
    other_staff = factories.user("staff")
    db.session.commit()
    login_as(leader)  # the responsible leader may follow the project
    response = client.post(
        f"/leads/visits/new?project_id={project.id}",
        data={"visited_on": TODAY.isoformat(), "summary": "领导带队洽谈", "leader_present_id": leader.id},
    )
    assert response.status_code == 302
    visit = db.session.scalar(sa.select(Visit).where(Visit.summary == "领导带队洽谈"))
    assert visit.project_id == project.id and visit.lead_id is None
    assert visit.department_id == project.lead_department_id
    # A visit on a project is a progress step (follow-through for the light).
    db.session.refresh(project)
    assert project.last_progress_on == TODAY
    update = db.session.scalar(sa.select(ProgressUpdate).where(ProgressUpdate.project_id == project.id))
    assert update.text.endswith("领导带队洽谈") and update.author_id == leader.id
    client.post("/auth/logout")
    login_as(other_staff)
    assert client.get(f"/leads/visits/new?project_id={project.id}").status_code == 404
    client.post("/auth/logout")
    login_as(factories.user("viewer"))
    assert client.get(f"/leads/visits/new?project_id={project.id}").status_code == 403


def test_project_panel_template_renders(app, project_world):
    project, _leader, alice = project_world
    from flask_login import login_user

    with app.test_request_context("/"):
        login_user(alice)
        html = render_template_string(
            '{% include "leads/_project_panel.html" %}', project=project, panel=project_panel(project, alice)
        )
    assert "项目阶段的拜访" in html and "线索阶段的拜访" in html and "记录拜访" in html
