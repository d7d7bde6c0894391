"""The 批示 life cycle: issued with a 办理时限 → 签收 (办理中) → 反馈 → the
leader closes it (办结) or sends it back; overdue instructions on the
desk, in the light's reasons and on the team's home page; who may take
which step."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.models import Instruction, InstructionEvent, InstructionStatus, Role
from app.projects import instructions
from app.projects.desk import leader_desk
from app.projects.lights import light_of
from app.projects.services import ProjectError
from app.refusals import StaleEdit
from tests import factories
from tests import factories_projects as fp

TODAY = clock.today()
S = InstructionStatus


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _world():
    dept = factories.department()
    member = factories.user(Role.STAFF, department=dept, name="孙丽娜")
    leader = factories.user(Role.LEADER, name="王建国")
    project = fp.complete_project(leader=leader, department=dept, team=[member], name="万象城项目")
    db.session.commit()
    return project, leader, member


def _steps(instruction: Instruction) -> list[tuple]:
    return db.session.execute(
        sa.select(InstructionEvent.from_status, InstructionEvent.to_status)
        .where(InstructionEvent.instruction_id == instruction.id)
        .order_by(InstructionEvent.id)
    ).all()


def test_the_whole_life_cycle_and_a_return():
    project, leader, member = _world()
    instruction = instructions.post_instruction(project, "本月底前完成供地", leader)
    assert instruction.status is S.ISSUED and instruction.due_on == days(7)  # the default 时限
    instructions.acknowledge_instruction(instruction, member, "已部署", version=instruction.version)
    instructions.answer_instruction(instruction, "已完成挂牌前准备", member, version=instruction.version)
    instructions.return_instruction(instruction, "请明确挂牌日期", leader, due_on=days(3), version=instruction.version)
    assert instruction.status is S.ACKNOWLEDGED and instruction.due_on == days(3)
    instructions.answer_instruction(instruction, "定于下周一挂牌", member, version=instruction.version)
    instructions.close_instruction(instruction, leader, version=instruction.version)
    assert instruction.status is S.CLOSED and instruction.closed_by_id == leader.id
    assert _steps(instruction) == [
        (None, S.ISSUED),
        (S.ISSUED, S.ACKNOWLEDGED),
        (S.ACKNOWLEDGED, S.ANSWERED),
        (S.ANSWERED, S.ACKNOWLEDGED),
        (S.ACKNOWLEDGED, S.ANSWERED),
        (S.ANSWERED, S.CLOSED),
    ]


def test_a_reply_straight_from_issued_signs_for_it():
    project, leader, member = _world()
    instruction = instructions.post_instruction(project, "尽快对接", leader, days(2))
    instructions.answer_instruction(instruction, "已对接", member, version=instruction.version)
    assert instruction.acknowledged_by_id == member.id and instruction.status is S.ANSWERED


def test_refusals():
    project, leader, member = _world()
    with pytest.raises(ProjectError, match="办理时限不能早于今天"):
        instructions.post_instruction(project, "x", leader, days(-1))
    instruction = instructions.post_instruction(project, "尽快对接", leader)
    with pytest.raises(ProjectError, match="请填写办理情况反馈"):
        instructions.answer_instruction(instruction, " ", member, version=instruction.version)
    with pytest.raises(ProjectError, match="不能执行此操作"):
        instructions.close_instruction(instruction, leader, version=instruction.version)  # nothing answered yet
    with pytest.raises(ProjectError, match="只有工作专班成员"):
        instructions.answer_instruction(instruction, "越权", factories.user(Role.STAFF), version=instruction.version)
    with pytest.raises(StaleEdit):
        instructions.answer_instruction(instruction, "旧页面", member, version=instruction.version + 1)
    instructions.answer_instruction(instruction, "已办", member, version=instruction.version)
    with pytest.raises(ProjectError, match="只有作出批示的领导"):
        instructions.close_instruction(instruction, factories.user(Role.LEADER), version=instruction.version)
    with pytest.raises(ProjectError, match="退回须填写原因"):
        instructions.return_instruction(instruction, "", leader, version=instruction.version)


def test_overdue_instructions_turn_the_light_and_show_on_the_desk():
    project, leader, _member = _world()
    assert light_of(project, TODAY).css == "green"
    fp.instruction(project, leader, due_on=days(-3), status=S.ACKNOWLEDGED)
    db.session.commit()
    light = light_of(project, TODAY)
    assert light.css == "yellow" and "领导批示逾期 3 天未反馈" in light.reasons
    fp.instruction(project, leader, due_on=days(-10))
    db.session.commit()
    light = light_of(project, TODAY)
    assert light.css == "red" and light.reasons[0] == "领导批示逾期 10 天未反馈（共 2 条批示逾期）"
    fp.instruction(project, leader, due_on=days(-20), status=S.ANSWERED)  # answered: the leader's turn, not late
    db.session.commit()
    row = leader_desk(leader, TODAY).rows[0]
    assert (row.unacknowledged, row.instructions_overdue, row.instructions_answered) == (1, 2, 1)
    counts = leader_desk(leader, TODAY).counts
    assert (counts["instructions_overdue"], counts["instructions_answered"]) == (2, 1)


def test_the_life_cycle_over_http(client, login_as):
    project, leader, member = _world()
    login_as(leader)
    response = client.post(
        f"/projects/{project.id}/instructions", data={"text": "本周内对接企业总部", "due_on": days(5).isoformat()}
    )
    assert response.status_code == 302
    instruction = db.session.scalar(sa.select(Instruction))
    assert instruction.due_on == days(5)
    client.post("/auth/logout")

    login_as(member)
    home = _text(client.get("/").get_data(as_text=True))
    assert "待办理的领导批示" in home and "本周内对接企业总部" in home
    url = f"/projects/{project.id}/instructions/{instruction.id}"
    response = client.post(f"{url}/answer", data={"answer": "", "version": instruction.version})
    assert response.status_code == 400 and "请填写办理情况反馈" in response.get_data(as_text=True)
    typed = "已赴总部对接，选址意向为东区地块。"
    stale = client.post(f"{url}/answer", data={"answer": typed, "version": instruction.version + 5})
    assert stale.status_code in (400, 409) and typed in stale.get_data(as_text=True)  # the input is kept
    assert client.post(f"{url}/answer", data={"answer": typed, "version": instruction.version}).status_code == 302
    client.post("/auth/logout")

    login_as(leader)
    page = _text(client.get(f"/projects/{project.id}").get_data(as_text=True))
    assert "已反馈" in page and typed in page and "办结" in page
    db.session.refresh(instruction)
    assert client.post(f"{url}/close", data={"note": "", "version": instruction.version}).status_code == 302
    db.session.refresh(instruction)
    assert instruction.status is S.CLOSED
    page = _text(client.get(f"/projects/{project.id}").get_data(as_text=True))
    assert "已办结：王建国" in page


def test_who_may_take_which_step_over_http(client, login_as):
    project, leader, member = _world()
    instruction = fp.instruction(project, leader, status=S.ANSWERED)
    db.session.commit()
    url = f"/projects/{project.id}/instructions/{instruction.id}"
    login_as(member)
    assert client.post(f"{url}/close", data={"version": instruction.version}).status_code == 403
    client.post("/auth/logout")
    login_as("viewer")
    assert client.post(f"{url}/return", data={"reason": "x", "version": instruction.version}).status_code == 403
    assert client.post(f"{url}/answer", data={"answer": "x", "version": instruction.version}).status_code == 403
    db.session.refresh(instruction)
    assert instruction.status is S.ANSWERED
