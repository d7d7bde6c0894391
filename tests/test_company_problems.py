"""企业诉求: a problem raised for a company alone (no project) — from the
company's page and from the ledger by the company's name — goes through the
same life cycle (交办 by a leader, 办理 and 反馈 by the responsible department,
销号 by the raiser), escalates when overdue, shows on the department's home
and in the ledger (filtered by kind and by the dates raised and closed) and
its export; only the responsible department, the raiser, admin, leaders and
the viewer see it. The API takes `company_id` without `project_id`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.db import db
from app.lookups import ref_id
from app.models import AuditLog, Problem, ProblemStatus, RefKind, Stage
from app.problems import company_problems, services
from app.problems.rules import Escalation, escalation_of
from app.problems.services import ProblemError
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east, bureau, west = (
        factories.department("东城街道"),
        factories.department("区人社局"),
        factories.department("西城街道"),
    )
    world = {
        "east": east,
        "bureau": bureau,
        "west": west,
        "raiser": factories.user("staff", department=east, name="孙丽娜"),
        "clerk": factories.user("staff", department=bureau, name="赵科长"),
        "outsider": factories.user("staff", department=west, name="钱某"),
        "leader": factories.user("leader", name="王副区长"),
        "viewer": factories.user("viewer", name="督查室"),
        "admin": factories.user("admin"),
        "company": fl.company("恒达精密机械有限公司"),
    }
    db.session.commit()
    return world


def _raise(world, description="技术工人招不到", need="用工", raised_on=None):
    return company_problems.raise_company_problem(
        world["company"], ref_id(RefKind.COMPANY_NEED, need), description, world["raiser"], raised_on=raised_on
    )


def test_staff_raise_a_company_problem_from_the_company_page(client, login_as, world):
    login_as(world["raiser"])
    page = client.get(f"/companies/{world['company'].id}").get_data(as_text=True)
    assert "提出企业诉求" in page
    response = client.post(
        f"/problems/new-company?company_id={world['company'].id}",
        data={"category_id": ref_id(RefKind.COMPANY_NEED, "水电"), "description": "新厂房用电增容迟迟未批"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    problem = db.session.scalars(sa.select(Problem)).one()
    assert (problem.project_id, problem.company_id, problem.status) == (
        None,
        world["company"].id,
        ProblemStatus.REPORTED,
    )
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "恒达精密机械有限公司" in detail and "新厂房用电增容迟迟未批" in detail
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "problem")).one()
    assert audit.summary.startswith("恒达精密机械有限公司")


def test_the_ledger_form_names_the_company_and_refuses_one_not_on_file(client, login_as, world):
    login_as(world["raiser"])
    assert "登记企业诉求" in client.get("/problems/").get_data(as_text=True)
    category = ref_id(RefKind.COMPANY_NEED, "融资")
    missing = client.post(
        "/problems/new-company", data={"company_name": "不存在的公司", "category_id": category, "description": "贷款"}
    )
    assert missing.status_code == 400 and "企业库中没有「不存在的公司」" in missing.get_data(as_text=True)
    found = client.post(
        "/problems/new-company",
        data={"company_name": "恒达精密机械有限公司", "category_id": category, "description": "流动资金贷款难"},
    )
    assert found.status_code == 302
    assert db.session.scalars(sa.select(Problem.company_id)).one() == world["company"].id


def test_a_project_category_is_refused_and_the_viewer_may_not_raise(client, login_as, world):
    with pytest.raises(ProblemError) as refused:
        company_problems.raise_company_problem(
            world["company"], ref_id(RefKind.PROBLEM_CATEGORY, "规划"), "x", world["raiser"]
        )
    assert refused.value.field == "category_id"
    login_as(world["viewer"])
    assert client.get("/problems/new-company").status_code == 403


def test_a_problem_needs_a_project_or_a_company(world):
    db.session.add(Problem(description="无主问题", raised_on=TODAY, status=ProblemStatus.REPORTED))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_life_cycle_escalation_and_home_panel(client, login_as, world, set_today):
    problem = _raise(world)
    db.session.commit()
    login_as(world["leader"])
    page = client.get(f"/problems/{problem.id}").get_data(as_text=True)
    assert "交办" in page
    deadline = TODAY + dt.timedelta(days=5)
    response = client.post(
        f"/problems/{problem.id}/assign",
        data={"version": problem.version, "department_id": world["bureau"].id, "deadline": deadline.isoformat()},
    )
    assert response.status_code == 302
    db.session.expire_all()
    problem = db.session.get(Problem, problem.id)
    assert problem.status is ProblemStatus.ASSIGNED
    # Overdue: one level a week.
    assert escalation_of(problem, deadline + dt.timedelta(days=9)) is Escalation.YELLOW
    set_today(deadline + dt.timedelta(days=2))
    client.post("/auth/logout")
    login_as(world["clerk"])
    home = client.get("/").get_data(as_text=True)
    assert "交办我部门的问题" in home and "恒达精密机械有限公司：技术工人招不到" in home
    assert (
        client.post(f"/problems/{problem.id}/answer", data={"version": 2, "resolution": "已对接招聘会"}).status_code
        == 302
    )
    client.post("/auth/logout")
    login_as(world["raiser"])
    assert client.post(f"/problems/{problem.id}/accept", data={"version": 3}).status_code == 302
    db.session.expire_all()
    problem = db.session.get(Problem, problem.id)
    assert problem.status is ProblemStatus.CLOSED and problem.resolved_on == deadline + dt.timedelta(days=2)


@pytest.mark.parametrize(
    ("who", "sees"),
    [("raiser", True), ("clerk", True), ("outsider", False), ("leader", True), ("viewer", True), ("admin", True)],
)
def test_who_sees_a_company_problem(client, login_as, world, who, sees):
    problem = _raise(world)
    services.assign_problem(problem, world["bureau"].id, TODAY + dt.timedelta(days=3), world["admin"], version=1)
    db.session.commit()
    login_as(world[who])
    assert client.get(f"/problems/{problem.id}").status_code == (200 if sees else 404)
    ledger = client.get("/problems/?subject=company").get_data(as_text=True)
    assert ("技术工人招不到" in ledger) is sees


def test_ledger_filters_by_kind_and_the_dates_raised_and_closed(client, login_as, world, set_today):
    project = fp.project(name="智能装备产业园", department=world["east"], stage=Stage.ATTRACTING)
    services.raise_problem(project, ref_id(RefKind.PROBLEM_CATEGORY, "土地"), "项目用地未落实", world["admin"])
    early = _raise(world, "五月的诉求", raised_on=dt.date(2026, 5, 10))
    _raise(world, "六月的诉求", raised_on=dt.date(2026, 6, 10))
    services.assign_problem(early, world["bureau"].id, TODAY, world["admin"], version=early.version)
    services.answer_problem(early, "已解决", world["clerk"], version=early.version)
    services.accept_problem(early, world["raiser"], version=early.version)
    db.session.commit()
    login_as(world["admin"])

    def rows(query):
        html = client.get(f"/problems/?{query}").get_data(as_text=True)
        return {text for text in ("项目用地未落实", "五月的诉求", "六月的诉求") if text in html}

    assert rows("subject=company") == {"五月的诉求", "六月的诉求"}
    assert rows("subject=project") == {"项目用地未落实"}
    assert rows("raised_from=2026-05-01&raised_to=2026-05-31") == {"五月的诉求"}
    assert rows(f"closed_from={TODAY.isoformat()}&closed_to={TODAY.isoformat()}") == {"五月的诉求"}
    assert rows(f"company_id={world['company'].id}") == {"五月的诉求", "六月的诉求"}
    warned = client.get("/problems/?raised_from=abc").get_data(as_text=True)
    assert "不是有效日期" in warned
    assert client.get("/problems/export.xlsx?raised_from=abc").status_code == 400
    export = client.get("/problems/export.xlsx?subject=company")
    sheet = load_workbook(io.BytesIO(export.data)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "恒达精密机械有限公司" in values and "企业诉求" in values and "智能装备产业园" not in values


def test_api_raises_a_company_problem_without_a_project(client, world):
    body = {
        "company_id": world["company"].id,
        "category_id": ref_id(RefKind.COMPANY_NEED, "审批"),
        "description": "环评审批慢",
    }
    assert client.post("/api/v1/problems", json=body, headers=bearer(world["viewer"])).status_code == 403
    wrong = {**body, "category_id": ref_id(RefKind.PROBLEM_CATEGORY, "规划")}
    assert client.post("/api/v1/problems", json=wrong, headers=bearer(world["raiser"])).status_code == 422
    raised = client.post("/api/v1/problems", json=body, headers=bearer(world["raiser"]))
    assert raised.status_code == 201, raised.get_json()
    out = raised.get_json()
    assert out["project_id"] is None and out["company_id"] == world["company"].id
    listed = client.get("/api/v1/problems?subject=company", headers=bearer(world["leader"])).get_json()
    assert [item["id"] for item in listed["items"]] == [out["id"]]
    hidden = client.get(f"/api/v1/problems/{out['id']}", headers=bearer(world["outsider"]))
    assert hidden.status_code == 404
