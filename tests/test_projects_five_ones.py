"""五个一: completeness (DESIGN.md items 2–5) in SQL and on the project page
agreeing item by item, 五个一落实率, and the assignment of leader, team and
plan — with handovers that need a reason and who may assign."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.db import db
from app.models import LeaderHandover, Project, Role, Stage
from app.projects import assignment
from app.projects.five_ones import (
    checklist,
    complete_expression,
    implementation_rate,
    implementation_rate_by,
)
from app.projects.services import ProjectError
from tests import factories
from tests import factories_projects as fp

TODAY = dt.date(2026, 6, 15)


def complete_in_sql(project: Project) -> bool:
    return bool(db.session.scalar(sa.select(complete_expression(TODAY)).where(Project.id == project.id)))


def assert_agree(project: Project, expected: bool) -> list[str]:
    db.session.flush()
    db.session.expire(project)
    in_sql = complete_in_sql(project)
    items = checklist(project, TODAY)
    assert in_sql is expected
    assert items.complete is expected
    return items.missing


def test_a_complete_project():
    project = fp.complete_project(TODAY, created_on=TODAY - dt.timedelta(days=90))
    assert assert_agree(project, True) == []


@pytest.mark.parametrize(
    ("breaks", "missing"),
    [
        ("no_leader", "未明确责任领导"),
        ("leader_not_a_leader", "不是在职的领导账号"),
        ("leader_inactive", "不是在职的领导账号"),
        ("no_department", "未明确牵头部门"),
        ("no_team", "未组建工作专班"),
        ("no_plan_text", "未制定推进方案"),
        ("blank_plan_text", "未制定推进方案"),
        ("no_milestone", "未设定时间节点"),
        ("stale", "已 31 天无推进记录"),
    ],
)
def test_each_missing_one_makes_it_incomplete(breaks, missing):
    project = fp.complete_project(TODAY, created_on=TODAY - dt.timedelta(days=90))
    if breaks == "no_leader":
        project.responsible_leader_id = None
    elif breaks == "leader_not_a_leader":
        project.responsible_leader_id = factories.user(Role.STAFF).id
    elif breaks == "leader_inactive":
        db.session.get(type(project.team[0]), project.responsible_leader_id).active = False
    elif breaks == "no_department":
        project.lead_department_id = None
    elif breaks == "no_team":
        project.team = []
    elif breaks == "no_plan_text":
        project.plan_text = None
    elif breaks == "blank_plan_text":
        project.plan_text = "   "
    elif breaks == "no_milestone":
        for milestone in list(project.milestones):
            db.session.delete(milestone)
    elif breaks == "stale":
        project.last_progress_on = TODAY - dt.timedelta(days=31)
    db.session.flush()
    assert any(missing in text for text in assert_agree(project, False))


def test_follow_through_boundary_and_its_end():
    project = fp.complete_project(TODAY, last_progress_on=TODAY - dt.timedelta(days=30))
    assert_agree(project, True)  # exactly 30 days: still within "every 30 days"
    project.last_progress_on = TODAY - dt.timedelta(days=31)
    assert_agree(project, False)
    project.stage = Stage.PRODUCTION  # follow-through ends at production
    assert_agree(project, True)


def test_a_new_project_without_updates_is_within_its_first_30_days():
    project = fp.complete_project(TODAY, created_on=TODAY - dt.timedelta(days=30), last_progress_on=None)
    project.last_progress_on = None
    assert_agree(project, True)
    project.created_at = dt.datetime.combine(TODAY - dt.timedelta(days=31), dt.time(9))
    assert any("建档 31 天" in m for m in assert_agree(project, False))


def test_implementation_rate_counts_active_key_projects_only():
    dept = factories.department()
    fp.complete_project(TODAY, department=dept)
    fp.complete_project(TODAY)
    fp.project(is_key=True, department=dept)  # incomplete key
    fp.project(is_key=False)  # not key: not counted
    fp.project(is_key=True, stage=Stage.EXITED)  # exited: not counted
    rate = implementation_rate(today=TODAY)
    assert (rate.complete, rate.total) == (2, 3)
    assert rate.percent == "66.7%"
    by_dept = implementation_rate_by(Project.lead_department_id, today=TODAY)
    assert (by_dept[dept.id].complete, by_dept[dept.id].total) == (1, 2)
    assert implementation_rate(Project.id < 0, today=TODAY).percent == "—"


def test_rate_is_one_query(count_queries):
    for _ in range(5):
        fp.complete_project(TODAY)
    db.session.commit()
    with count_queries() as counted:
        implementation_rate(today=TODAY)
    assert counted() == 1


# --- assignment ---------------------------------------------------------------


def test_naming_the_first_leader_is_recorded_without_a_reason():
    admin = factories.user(Role.ADMIN)
    leader = factories.user(Role.LEADER)
    project = fp.project()
    assignment.change_leader(project, leader.id, None, admin)
    handover = db.session.scalar(sa.select(LeaderHandover))
    assert (handover.from_leader_id, handover.to_leader_id) == (None, leader.id)
    assert handover.reason


def test_changing_the_leader_needs_a_reason_and_keeps_history():
    admin = factories.user(Role.ADMIN)
    first, second = factories.user(Role.LEADER), factories.user(Role.LEADER)
    project = fp.project(leader=first)
    with pytest.raises(ProjectError, match="须填写交接原因") as exc:
        assignment.change_leader(project, second.id, "  ", admin)
    assert exc.value.field == "handover_reason"
    assignment.change_leader(project, second.id, "工作分工调整", admin)
    assert project.responsible_leader_id == second.id
    handover = db.session.scalar(sa.select(LeaderHandover))
    assert (handover.from_leader_id, handover.to_leader_id, handover.reason) == (first.id, second.id, "工作分工调整")


def test_only_leaders_can_be_responsible_and_only_staff_on_teams():
    admin = factories.user(Role.ADMIN)
    project = fp.project()
    with pytest.raises(ProjectError, match="领导账号"):
        assignment.change_leader(project, factories.user(Role.STAFF).id, None, admin)
    with pytest.raises(ProjectError, match="专班成员"):
        assignment.assign_five_ones(
            project, {"team_ids": [factories.user(Role.LEADER).id]}, admin, version=project.version
        )


def _five_form(project, **overrides) -> dict:
    data = {
        "responsible_leader_id": "",
        "handover_reason": "",
        "lead_department_id": str(project.lead_department_id or ""),
        "plan_text": "倒排工期，挂图作战。",
        "version": str(project.version),
    }
    data.update(overrides)
    return data


def test_admin_assigns_the_five_ones_over_http(client, login_as):
    login_as("admin")
    dept = factories.department()
    leader = factories.user(Role.LEADER)
    member = factories.user(Role.STAFF, department=dept)
    project = fp.project(department=dept)
    db.session.commit()
    data = _five_form(project, responsible_leader_id=str(leader.id))
    data["team_ids"] = [str(member.id)]
    response = client.post(f"/projects/{project.id}/five-ones", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.responsible_leader_id == leader.id
    assert [m.id for m in project.team] == [member.id]
    assert project.plan_text == "倒排工期，挂图作战。"


def test_handover_without_reason_is_refused_over_http(client, login_as):
    login_as("admin")
    first, second = factories.user(Role.LEADER), factories.user(Role.LEADER)
    project = fp.project(leader=first, department=factories.department())
    db.session.commit()
    response = client.post(
        f"/projects/{project.id}/five-ones", data=_five_form(project, responsible_leader_id=str(second.id))
    )
    assert response.status_code == 200
    assert "更换责任领导须填写交接原因" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Project, project.id).responsible_leader_id == first.id


def test_team_only_change_still_detects_a_concurrent_save(client, login_as):
    login_as("admin")
    dept = factories.department()
    a, b = factories.user(Role.STAFF, department=dept), factories.user(Role.STAFF, department=dept)
    project = fp.project(department=dept)
    db.session.commit()
    version = project.version
    first = _five_form(project, version=str(version))
    first["team_ids"] = [str(a.id)]
    assert client.post(f"/projects/{project.id}/five-ones", data=first).status_code == 302
    second = _five_form(project, version=str(version))
    second["team_ids"] = [str(b.id)]
    response = client.post(f"/projects/{project.id}/five-ones", data=second)
    assert "您的输入已保留" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [m.id for m in db.session.get(Project, project.id).team] == [a.id]


@pytest.mark.parametrize(
    ("who", "is_key", "status"),
    [
        ("lead_staff", False, 200),  # lead-department staff assign non-key projects
        ("lead_staff", True, 403),  # key projects: admin only
        ("team_member", False, 403),  # a team member from another department does not
        ("leader", False, 403),
        ("viewer", False, 403),
    ],
)
def test_who_may_assign_the_five_ones(client, login_as, who, is_key, status):
    dept = factories.department()
    project = fp.project(department=dept, is_key=is_key)
    if who == "lead_staff":
        login_as("staff", department=dept)
    elif who == "team_member":
        member = login_as("staff")
        project.team = [member]
    elif who == "leader":
        leader = login_as("leader")
        project.responsible_leader_id = leader.id
    else:
        login_as(who)
    db.session.commit()
    assert client.get(f"/projects/{project.id}/five-ones").status_code == status


def test_project_page_shows_the_checklist_with_what_is_missing(client, login_as):
    login_as("admin")
    project = fp.project(name="缺方案的项目", department=factories.department(), leader=factories.user(Role.LEADER))
    db.session.commit()
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "五个一落实情况" in html
    assert "未组建工作专班" in html and "未制定推进方案" in html and "未设定时间节点" in html
