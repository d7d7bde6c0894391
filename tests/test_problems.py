"""Problems (问题直报 → 销号): the life cycle and its order, who takes each
step, escalation 蓝 → 黄 → 红 per overdue week on its boundary days, the
ledger's filters, export, home panel, optimistic locking and query count."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import Problem, ProblemEvent, ProblemStatus, RefKind, Role
from app.problems import services
from app.problems.rules import Escalation, escalation_condition, escalation_expression, escalation_of
from app.problems.services import ProblemError
from tests import factories
from tests import factories_projects as fp

TODAY = clock.today()
S = ProblemStatus


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _steps(problem: Problem) -> list[tuple]:
    return db.session.execute(
        sa.select(ProblemEvent.from_status, ProblemEvent.to_status)
        .where(ProblemEvent.problem_id == problem.id)
        .order_by(ProblemEvent.id)
    ).all()


# --- life cycle (service) -----------------------------------------------------------


def test_full_life_cycle_records_every_step():
    reporter = factories.user(Role.STAFF)
    admin = factories.user(Role.ADMIN)
    handler_dept = factories.department()
    handler = factories.user(Role.STAFF, department=handler_dept)
    project = fp.project()
    problem = services.raise_problem(project, ref_id(RefKind.PROBLEM_CATEGORY, "土地"), "用地指标未落实", reporter)
    assert problem.status is S.REPORTED
    services.assign_problem(problem, handler_dept.id, days(10), admin, version=problem.version)
    services.start_problem(problem, handler, version=problem.version)
    services.answer_problem(problem, "已调整用地规划", handler, version=problem.version)
    assert problem.answered_on == TODAY
    services.return_problem(problem, "企业反映尚未落地", reporter, version=problem.version)
    assert problem.status is S.IN_PROGRESS
    services.answer_problem(problem, "指标已下达", handler, version=problem.version)
    services.accept_problem(problem, reporter, version=problem.version)
    assert problem.status is S.CLOSED and problem.resolved_on == TODAY
    assert _steps(problem) == [
        (None, S.REPORTED),
        (S.REPORTED, S.ASSIGNED),
        (S.ASSIGNED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.ANSWERED),
        (S.ANSWERED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.ANSWERED),
        (S.ANSWERED, S.CLOSED),
    ]
    notes = db.session.scalars(sa.select(ProblemEvent.note).order_by(ProblemEvent.id)).all()
    assert "退回：企业反映尚未落地" in notes


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.REPORTED, "start"),
        (S.REPORTED, "answer"),
        (S.ASSIGNED, "accept"),
        (S.IN_PROGRESS, "return"),
        (S.CLOSED, "assign"),
        (S.ANSWERED, "assign"),
        (S.CLOSED, "answer"),
    ],
)
def test_steps_out_of_order_are_refused(status, step):
    actor = factories.user(Role.ADMIN)
    dept = factories.department()
    problem = fp.problem(fp.project(), status=status, department=dept, deadline=days(5))
    calls = {
        "start": lambda: services.start_problem(problem, actor, version=problem.version),
        "answer": lambda: services.answer_problem(problem, "答复", actor, version=problem.version),
        "accept": lambda: services.accept_problem(problem, actor, version=problem.version),
        "return": lambda: services.return_problem(problem, "理由", actor, version=problem.version),
        "assign": lambda: services.assign_problem(problem, dept.id, days(5), actor, version=problem.version),
    }
    with pytest.raises(ProblemError, match="不能执行此操作"):
        calls[step]()
    assert problem.status is status


def test_required_inputs():
    actor = factories.user(Role.ADMIN)
    project = fp.project()
    with pytest.raises(ProblemError, match="请选择问题类别"):
        services.raise_problem(project, None, "描述", actor)
    with pytest.raises(ProblemError, match="请描述"):
        services.raise_problem(project, ref_id(RefKind.PROBLEM_CATEGORY, "审批"), " ", actor)
    problem = fp.problem(project)
    with pytest.raises(ProblemError, match="请选择责任部门"):
        services.assign_problem(problem, None, days(3), actor, version=problem.version)
    with pytest.raises(ProblemError, match="办理时限不能早于今天"):
        services.assign_problem(problem, factories.department().id, days(-1), actor, version=problem.version)
    answered = fp.problem(project, status=S.ANSWERED)
    with pytest.raises(ProblemError, match="退回须填写原因"):
        services.return_problem(answered, "", actor, version=answered.version)


def test_reassigning_changes_department_and_deadline_and_is_recorded():
    admin = factories.user(Role.ADMIN)
    first, second = factories.department(), factories.department()
    problem = fp.problem(fp.project(), status=S.IN_PROGRESS, department=first, deadline=days(2))
    services.assign_problem(problem, second.id, days(9), admin, note="改由专业部门办理", version=problem.version)
    assert problem.status is S.IN_PROGRESS
    assert (problem.responsible_department_id, problem.deadline) == (second.id, days(9))
    assert "重新交办" in db.session.scalars(sa.select(ProblemEvent.note).order_by(ProblemEvent.id.desc())).first()


# --- escalation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overdue", "level"),
    [
        (0, Escalation.NONE),  # deadline today
        (1, Escalation.BLUE),
        (7, Escalation.BLUE),
        (8, Escalation.YELLOW),
        (14, Escalation.YELLOW),
        (15, Escalation.RED),
        (60, Escalation.RED),
    ],
)
def test_escalation_one_level_per_overdue_week(overdue, level):
    problem = fp.problem(fp.project(), status=S.ASSIGNED, deadline=days(-overdue), department=factories.department())
    assert escalation_of(problem, TODAY) is level
    in_sql = db.session.scalar(sa.select(escalation_expression(TODAY)).where(Problem.id == problem.id))
    assert in_sql == int(level)
    matching = db.session.scalars(sa.select(Problem.id).where(escalation_condition(level, TODAY))).all()
    assert matching == [problem.id]


@pytest.mark.parametrize("status", [S.REPORTED, S.ANSWERED, S.CLOSED])
def test_only_pending_problems_escalate(status):
    problem = fp.problem(fp.project(), status=status, deadline=days(-30))
    assert escalation_of(problem, TODAY) is Escalation.NONE


# --- over HTTP: who does what ---------------------------------------------------------------


def _setup():
    lead_dept = factories.department()
    handler_dept = factories.department()
    leader = factories.user(Role.LEADER)
    reporter = factories.user(Role.STAFF, department=lead_dept)
    handler = factories.user(Role.STAFF, department=handler_dept)
    project = fp.project(department=lead_dept, leader=leader, team=[reporter])
    db.session.commit()
    return project, leader, reporter, handler, handler_dept


def test_the_life_cycle_over_http(client, login_as):
    project, leader, reporter, handler, handler_dept = _setup()
    login_as(reporter)
    response = client.post(
        "/problems/new",
        data={
            "project_id": project.id,
            "category_id": ref_id(RefKind.PROBLEM_CATEGORY, "环评"),
            "description": "环评批复慢",
        },
    )
    assert response.status_code == 302
    problem = db.session.scalar(sa.select(Problem))
    # The reporter may not assign.
    assert client.post(f"/problems/{problem.id}/assign", data={}).status_code == 403
    client.post("/auth/logout")

    login_as(leader)
    response = client.post(
        f"/problems/{problem.id}/assign",
        data={"department_id": handler_dept.id, "deadline": days(7).isoformat(), "version": problem.version},
    )
    assert response.status_code == 302
    client.post("/auth/logout")

    login_as(handler)
    db.session.expire_all()
    problem = db.session.get(Problem, problem.id)
    assert problem.status is S.ASSIGNED
    home = client.get("/").get_data(as_text=True)
    assert "交办我部门的问题" in home and "环评批复慢" in home
    assert client.post(f"/problems/{problem.id}/start", data={"version": problem.version}).status_code == 302
    db.session.expire_all()
    problem = db.session.get(Problem, problem.id)
    response = client.post(f"/problems/{problem.id}/answer", data={"resolution": "", "version": problem.version})
    assert response.status_code == 400 and "请填写办理结果" in response.get_data(as_text=True)
    client.post(f"/problems/{problem.id}/answer", data={"resolution": "已协调市生态环境局", "version": problem.version})
    # The handling department may not close its own problem.
    db.session.expire_all()
    problem = db.session.get(Problem, problem.id)
    assert client.post(f"/problems/{problem.id}/accept", data={"version": problem.version}).status_code == 403
    client.post("/auth/logout")

    login_as(reporter)
    assert client.post(f"/problems/{problem.id}/accept", data={"version": problem.version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Problem, problem.id).status is S.CLOSED


def test_stale_problem_step_is_told(client, login_as):
    project, leader, _reporter, _handler, handler_dept = _setup()
    problem = fp.problem(project)
    db.session.commit()
    login_as(leader)
    old = problem.version
    data = {"department_id": handler_dept.id, "deadline": days(7).isoformat(), "version": old}
    assert client.post(f"/problems/{problem.id}/assign", data=data).status_code == 302
    data["deadline"] = days(9).isoformat()
    response = client.post(f"/problems/{problem.id}/assign", data=data)
    assert "您的输入已保留" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Problem, problem.id).deadline == days(7)


def test_other_leader_cannot_assign_and_viewer_cannot_raise(client, login_as):
    project, _leader, _reporter, _handler, handler_dept = _setup()
    problem = fp.problem(project)
    db.session.commit()
    login_as("leader")
    data = {"department_id": handler_dept.id, "deadline": days(7).isoformat(), "version": problem.version}
    assert client.post(f"/problems/{problem.id}/assign", data=data).status_code == 403
    client.post("/auth/logout")
    login_as("viewer")
    assert client.get(f"/problems/{problem.id}").status_code == 200
    assert client.post("/problems/new", data={"project_id": project.id}).status_code == 403


def test_handling_department_sees_the_problem_but_outsiders_get_404(client, login_as):
    project, _leader, _reporter, handler, handler_dept = _setup()
    problem = fp.problem(project, status=S.ASSIGNED, department=handler_dept, deadline=days(3))
    db.session.commit()
    login_as(handler)
    assert client.get(f"/problems/{problem.id}").status_code == 200
    assert "用地指标未落实" in client.get("/problems/").get_data(as_text=True)
    # The project itself stays outside the handler's scope.
    assert client.get(f"/projects/{project.id}").status_code == 404
    client.post("/auth/logout")
    login_as("staff")
    assert client.get(f"/problems/{problem.id}").status_code == 404
    assert "用地指标未落实" not in client.get("/problems/").get_data(as_text=True)


def test_raising_from_the_project_page_keeps_input_on_error(client, login_as):
    staff = login_as("staff")
    project = fp.project(department=staff.department)
    db.session.commit()
    response = client.post(
        "/problems/new", data={"project_id": project.id, "from_project": "1", "category_id": "", "description": "缺水"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请选择问题类别" in html and "缺水" in html


# --- the ledger ----------------------------------------------------------------------------


def _ledger():
    dept_a, dept_b = factories.department(name="东城街道"), factories.department(name="区自然资源局")
    project = fp.project(name="京东亚洲一号智能物流园")
    rows = {
        "blue": fp.problem(project, status=S.ASSIGNED, deadline=days(-3), department=dept_a, description="蓝色问题"),
        "yellow": fp.problem(
            project,
            status=S.IN_PROGRESS,
            deadline=days(-10),
            department=dept_b,
            description="黄色问题",
            category="审批",
        ),
        "red": fp.problem(project, status=S.ASSIGNED, deadline=days(-20), department=dept_b, description="红色问题"),
        "fresh": fp.problem(project, status=S.REPORTED, description="新问题", category="融资"),
        "closed": fp.problem(project, status=S.CLOSED, deadline=days(-30), department=dept_a, description="已销号问题"),
    }
    db.session.commit()
    return rows, dept_a, dept_b


def _shown(client, query: str) -> set[str]:
    html = client.get(f"/problems/?{query}").get_data(as_text=True)
    return {name for name in ("蓝色问题", "黄色问题", "红色问题", "新问题", "已销号问题") if name in html}


def test_ledger_filters(client, login_as):
    login_as("admin")
    _rows, _dept_a, dept_b = _ledger()
    assert _shown(client, "") == {"蓝色问题", "黄色问题", "红色问题", "新问题", "已销号问题"}
    assert _shown(client, "overdue=1") == {"蓝色问题", "黄色问题", "红色问题"}
    assert _shown(client, "level=blue") == {"蓝色问题"}
    assert _shown(client, "level=yellow") == {"黄色问题"}
    assert _shown(client, "level=red") == {"红色问题"}
    assert _shown(client, f"department_id={dept_b.id}") == {"黄色问题", "红色问题"}
    assert _shown(client, "status=reported") == {"新问题"}
    assert _shown(client, f"category_id={ref_id(RefKind.PROBLEM_CATEGORY, '融资')}") == {"新问题"}
    assert _shown(client, "open=1") == {"蓝色问题", "黄色问题", "红色问题", "新问题"}
    assert _shown(client, "q=jdyz") == {"蓝色问题", "黄色问题", "红色问题", "新问题", "已销号问题"}
    assert _shown(client, "status=bogus&level=pink&category_id=x") == _shown(client, "")


def test_ledger_export(client, login_as):
    login_as("admin")
    _ledger()
    response = client.get("/problems/export.xlsx?overdue=1")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert "问题台账" in rows[0][0] and "仅超期" in rows[0][0]
    body = rows[2:]
    assert [r[3] for r in body] == ["红色问题", "黄色问题", "蓝色问题"]  # most escalated first
    assert [r[9] for r in body] == ["红色督办", "黄色督办", "蓝色督办"]
    assert [r[10] for r in body] == [20, 10, 3]


def test_ledger_query_count_does_not_grow(client, login_as, count_queries):
    login_as("staff", scope="all")
    dept = factories.department()

    def add(n: int) -> None:
        for i in range(n):
            fp.problem(fp.project(), status=S.ASSIGNED, deadline=days(-i), department=dept, raised_by=factories.user())
        db.session.commit()

    add(3)
    with count_queries() as few:
        client.get("/problems/?per_page=100")
    add(25)
    with count_queries() as many:
        client.get("/problems/?per_page=100")
    assert many() == few() and many() <= 10


def test_admin_home_lists_problems_waiting_to_be_assigned(client, login_as):
    login_as("admin")
    fp.problem(fp.project(), description="等待交办的问题")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "待交办的问题" in html and "等待交办的问题" in html
