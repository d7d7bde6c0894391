"""督办 on problems: a leader's 督办意见 raises a pending problem one level
(蓝 → 黄 → 红) and puts it first before the responsible department; the
level is the higher of that and the overdue weeks everywhere it is read
(the page, the ledger's level filter, the desk); the escalation history
shows when and why the level rose."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import Problem, RefKind, Role
from app.problems import services
from app.problems.rules import (
    Escalation,
    escalation_condition,
    escalation_expression,
    escalation_history,
    escalation_of,
)
from app.problems.services import ProblemError
from tests import factories
from tests import factories_projects as fp

TODAY = clock.today()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _assigned(deadline: dt.date):
    admin = factories.user(Role.ADMIN)
    dept = factories.department()
    handler = factories.user(Role.STAFF, department=dept)
    leader = factories.user(Role.LEADER, name="王建国")
    project = fp.project(leader=leader)
    problem = services.raise_problem(project, ref_id(RefKind.PROBLEM_CATEGORY, "土地"), "用地指标未落实", handler)
    services.assign_problem(problem, dept.id, days(10), admin, version=problem.version)
    problem.deadline = deadline  # assigned earlier: the deadline may have passed since
    db.session.commit()
    return problem, leader, handler, dept


def _levels_in_sql(problem: Problem) -> tuple[int, list[Escalation]]:
    level = db.session.scalar(sa.select(escalation_expression(TODAY)).where(Problem.id == problem.id))
    exact = [
        lvl
        for lvl in Escalation
        if db.session.scalar(sa.select(Problem.id).where(Problem.id == problem.id, escalation_condition(lvl, TODAY)))
    ]
    return int(level), exact


def test_supervision_raises_one_level_at_a_time_up_to_red():
    problem, leader, _handler, _dept = _assigned(days(10))  # not overdue
    assert escalation_of(problem, TODAY) is Escalation.NONE
    services.supervise_problem(problem, "请本周内落实指标", leader, version=problem.version)
    assert escalation_of(problem, TODAY) is Escalation.BLUE
    assert _levels_in_sql(problem) == (1, [Escalation.BLUE])
    services.supervise_problem(problem, "再次督办", leader, version=problem.version)
    services.supervise_problem(problem, "三次督办", leader, version=problem.version)
    services.supervise_problem(problem, "四次督办", leader, version=problem.version)
    assert escalation_of(problem, TODAY) is Escalation.RED
    assert _levels_in_sql(problem) == (3, [Escalation.RED])


def test_supervision_starts_from_the_overdue_level_and_weeks_can_overtake_it():
    problem, leader, _handler, _dept = _assigned(days(-9))  # 9 days overdue: 黄
    assert escalation_of(problem, TODAY) is Escalation.YELLOW
    services.supervise_problem(problem, "限期办结", leader, version=problem.version)
    assert escalation_of(problem, TODAY) is Escalation.RED
    assert _levels_in_sql(problem) == (3, [Escalation.RED])

    other, leader2, _h, _d = _assigned(days(-20))  # 红 by weeks; 督办 keeps red
    services.supervise_problem(other, "红色督办", leader2, version=other.version)
    assert _levels_in_sql(other) == (3, [Escalation.RED])


def test_an_answered_problem_no_longer_carries_the_raised_level():
    problem, leader, handler, _dept = _assigned(days(10))
    services.supervise_problem(problem, "请尽快办理", leader, version=problem.version)
    services.answer_problem(problem, "已落实", handler, version=problem.version)
    assert escalation_of(problem, TODAY) is Escalation.NONE
    assert _levels_in_sql(problem) == (0, [Escalation.NONE])


def test_refusals_and_no_supervision_before_assignment():
    problem, leader, _handler, _dept = _assigned(days(10))
    with pytest.raises(ProblemError, match="请填写督办意见"):
        services.supervise_problem(problem, "  ", leader, version=problem.version)
    reported = services.raise_problem(fp.project(), ref_id(RefKind.PROBLEM_CATEGORY, "土地"), "未交办", leader)
    with pytest.raises(ProblemError, match="尚未交办"):
        services.supervise_problem(reported, "督办", leader, version=reported.version)


def test_history_shows_the_weeks_and_each_supervision():
    problem, leader, _handler, _dept = _assigned(days(-9))
    services.supervise_problem(problem, "限期办结", leader, version=problem.version)
    steps = escalation_history(problem, TODAY)
    assert [(s.on, s.level) for s in steps] == [
        (days(-8), Escalation.BLUE),
        (days(-1), Escalation.YELLOW),
        (TODAY, Escalation.RED),
    ]
    assert steps[-1].by == "王建国" and steps[-1].reason == "督办意见：限期办结"
    assert "第 1 天" in steps[0].reason


def test_leader_supervises_over_http_and_the_department_sees_it_first(client, login_as):
    problem, leader, handler, dept = _assigned(days(10))
    calm, _l, _h, _d = _assigned(days(-3))  # another problem of the department, 蓝 by weeks
    calm.responsible_department_id = dept.id
    db.session.commit()
    login_as(leader)
    page = client.get(f"/problems/{problem.id}").get_data(as_text=True)
    assert "提交督办意见" in page
    response = client.post(f"/problems/{problem.id}/supervise", data={"note": "", "version": problem.version})
    assert response.status_code == 400 and "请填写督办意见" in response.get_data(as_text=True)
    response = client.post(f"/problems/{problem.id}/supervise", data={"note": "请本周落实", "version": problem.version})
    assert response.status_code == 302
    response = client.post(f"/problems/{problem.id}/supervise", data={"note": "旧页面", "version": problem.version})
    assert "尚未保存" in response.get_data(as_text=True)  # a stale page: nothing written
    text = _text(client.get(f"/problems/{problem.id}").get_data(as_text=True))
    assert "督办升级" in text and "督办意见：请本周落实" in text and "蓝色督办" in text
    db.session.refresh(problem)
    assert problem.supervised_level == 1
    services.supervise_problem(problem, "再次督办", leader, version=problem.version)  # 黄: above the calm one
    db.session.commit()
    client.post("/auth/logout")
    login_as(handler)
    home = _text(client.get("/").get_data(as_text=True))
    assert "交办我部门的问题" in home
    assert home.index("黄色督办") < home.index("蓝色督办")  # the supervised problem first
    # The ledger's level filter agrees with the page.
    ledger = client.get(f"/problems/?level=yellow&department_id={dept.id}").get_data(as_text=True)
    assert f"/problems/{problem.id}" in ledger and f'/problems/{calm.id}"' not in ledger


def test_staff_and_viewers_may_not_supervise(client, login_as):
    problem, _leader, handler, _dept = _assigned(days(10))
    login_as(handler)
    assert "提交督办意见" not in client.get(f"/problems/{problem.id}").get_data(as_text=True)
    response = client.post(f"/problems/{problem.id}/supervise", data={"note": "越权", "version": problem.version})
    assert response.status_code == 403
    db.session.refresh(problem)
    assert problem.supervised_level == 0
