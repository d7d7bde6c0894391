"""Follow-through (一抓到底): milestones with their validation, progress
updates maintaining `Project.last_progress_on`, and instructions (批示) that
only the project's own leader posts and the team acknowledges."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.models import Instruction, Milestone, ProgressUpdate, Project, Role
from app.projects import follow_through
from app.projects.services import ProjectError
from tests import factories
from tests import factories_projects as fp

TODAY = clock.today()


def test_progress_update_maintains_last_progress_on():
    staff = factories.user(Role.STAFF)
    project = fp.project(last_progress_on=None)
    follow_through.add_progress(project, "召开推进会", staff, TODAY - dt.timedelta(days=10))
    assert project.last_progress_on == TODAY - dt.timedelta(days=10)
    follow_through.add_progress(project, "现场办公", staff, TODAY - dt.timedelta(days=2))
    assert project.last_progress_on == TODAY - dt.timedelta(days=2)
    # An older update entered later does not move it back.
    follow_through.add_progress(project, "补录一次洽谈", staff, TODAY - dt.timedelta(days=40))
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Project, project.id).last_progress_on == TODAY - dt.timedelta(days=2)
    follow_through.refresh_last_progress(project)
    assert project.last_progress_on == TODAY - dt.timedelta(days=2)


def test_progress_needs_text_and_no_future_date():
    staff = factories.user(Role.STAFF)
    project = fp.project()
    with pytest.raises(ProjectError, match="请填写推进情况"):
        follow_through.add_progress(project, "  ", staff)
    with pytest.raises(ProjectError, match="推进日期不能晚于今天"):
        follow_through.add_progress(project, "明天的事", staff, TODAY + dt.timedelta(days=1))


def test_progress_over_http_updates_the_project(client, login_as):
    staff = login_as("staff")
    project = fp.project(department=staff.department, last_progress_on=None)
    db.session.commit()
    response = client.post(
        f"/projects/{project.id}/progress", data={"text": "陪同企业考察地块", "happened_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).last_progress_on == TODAY
    assert db.session.scalar(sa.select(ProgressUpdate.author_id)) == staff.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "土地挂牌", "due_on": ""}, "时间节点须填写计划完成日期"),
        ({"name": "", "due_on": "2026-01-01"}, "请填写节点名称"),
        ({"name": "土地挂牌", "due_on": "2026-01-01", "done_on": "2999-01-01"}, "完成日期不能晚于今天"),
        ({"name": "土地挂牌", "due_on": "2026-02-30"}, "计划完成日期"),
    ],
)
def test_bad_milestones_are_refused_with_a_clear_message(client, login_as, data, message):
    staff = login_as("staff")
    project = fp.project(department=staff.department)
    db.session.commit()
    response = client.post(f"/projects/{project.id}/milestones", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Milestone.id))) == 0


def test_milestone_add_complete_edit_delete(client, login_as):
    staff = login_as("staff")
    project = fp.project(department=staff.department)
    db.session.commit()
    client.post(f"/projects/{project.id}/milestones", data={"name": "土地挂牌", "due_on": "2026-03-01"})
    milestone = db.session.scalar(sa.select(Milestone))
    assert (milestone.name, milestone.due_on, milestone.done_on) == ("土地挂牌", dt.date(2026, 3, 1), None)
    client.post(f"/projects/{project.id}/milestones/{milestone.id}/done")
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).done_on == TODAY
    response = client.post(
        f"/projects/{project.id}/milestones/{milestone.id}",
        data={"name": "土地挂牌出让", "due_on": "2026-03-05", "done_on": "2099-01-01"},
    )
    assert "完成日期不能晚于今天" in response.get_data(as_text=True)
    client.post(
        f"/projects/{project.id}/milestones/{milestone.id}",
        data={"name": "土地挂牌出让", "due_on": "2026-03-05", "done_on": ""},
    )
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).name == "土地挂牌出让"
    client.post(f"/projects/{project.id}/milestones/{milestone.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(Milestone.id))) == 0


def test_milestone_of_another_project_is_404(client, login_as):
    staff = login_as("staff")
    mine = fp.project(department=staff.department)
    other = fp.project(department=staff.department)
    milestone = fp.milestone(other, due_on=TODAY)
    db.session.commit()
    assert client.post(f"/projects/{mine.id}/milestones/{milestone.id}/done").status_code == 404


def test_responsible_leader_manages_milestones_and_progress_but_not_the_facts(client, login_as):
    leader = login_as("leader")
    project = fp.project(leader=leader)
    db.session.commit()
    assert (
        client.post(f"/projects/{project.id}/milestones", data={"name": "开工", "due_on": "2026-05-01"}).status_code
        == 302
    )
    assert client.post(f"/projects/{project.id}/progress", data={"text": "现场调度"}).status_code == 302
    assert client.get(f"/projects/{project.id}/edit").status_code == 403
    assert client.post(f"/projects/{project.id}/stage", data={"to": "signed"}).status_code == 403


def test_other_leader_may_not_touch_progress_or_milestones(client, login_as):
    login_as("leader")
    project = fp.project(leader=factories.user(Role.LEADER))
    db.session.commit()
    assert client.get(f"/projects/{project.id}").status_code == 200  # leaders see all projects
    assert client.post(f"/projects/{project.id}/progress", data={"text": "x"}).status_code == 403
    assert (
        client.post(f"/projects/{project.id}/milestones", data={"name": "x", "due_on": "2026-05-01"}).status_code == 403
    )


# --- instructions -----------------------------------------------------------------


def test_only_the_projects_leader_posts_instructions():
    leader, other = factories.user(Role.LEADER), factories.user(Role.LEADER)
    project = fp.project(leader=leader)
    with pytest.raises(ProjectError, match="只有该项目的责任领导"):
        follow_through.post_instruction(project, "加快推进", other)
    with pytest.raises(ProjectError, match="只有该项目的责任领导"):
        follow_through.post_instruction(project, "加快推进", factories.user(Role.ADMIN))
    instruction = follow_through.post_instruction(project, "加快推进", leader)
    assert instruction.leader_id == leader.id and instruction.acknowledged_at is None


def test_another_leader_cannot_post_instructions_over_http(client, login_as):
    login_as("leader")
    project = fp.project(leader=factories.user(Role.LEADER))
    db.session.commit()
    assert client.post(f"/projects/{project.id}/instructions", data={"text": "抓紧"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0


def test_leader_posts_and_team_acknowledges(client, login_as):
    dept = factories.department()
    member = factories.user(Role.STAFF, department=factories.department())
    leader = factories.user(Role.LEADER)
    project = fp.project(leader=leader, department=dept, team=[member])
    db.session.commit()
    login_as(leader)
    assert client.post(f"/projects/{project.id}/instructions", data={"text": "本月底前完成供地"}).status_code == 302
    instruction = db.session.scalar(sa.select(Instruction))
    client.post("/auth/logout")
    login_as(member)
    response = client.post(f"/projects/{project.id}/instructions/{instruction.id}/acknowledge", data={"note": "已部署"})
    assert response.status_code == 302
    db.session.expire_all()
    instruction = db.session.get(Instruction, instruction.id)
    assert instruction.acknowledged_by_id == member.id and instruction.acknowledgement == "已部署"
    # Acknowledging twice is refused with a message, nothing changes.
    client.post(f"/projects/{project.id}/instructions/{instruction.id}/acknowledge", data={"note": "再签"})
    db.session.expire_all()
    assert db.session.get(Instruction, instruction.id).acknowledgement == "已部署"


def test_leader_and_viewer_cannot_acknowledge(client, login_as):
    leader = login_as("leader")
    project = fp.project(leader=leader)
    instruction = fp.instruction(project, leader)
    db.session.commit()
    assert client.post(f"/projects/{project.id}/instructions/{instruction.id}/acknowledge").status_code == 403


def test_empty_instruction_is_refused(client, login_as):
    leader = login_as("leader")
    project = fp.project(leader=leader)
    db.session.commit()
    response = client.post(f"/projects/{project.id}/instructions", data={"text": ""})
    assert response.status_code == 400
    assert "请填写批示内容" in response.get_data(as_text=True)
