"""Optimistic locking on leads, projects, agreements and problems, with two
people: the one who saves second is told who changed the record and when,
finds their own input still in the form, and can save it again from there
(the form now carries the current version). Nothing of theirs is saved
until they do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import clock
from app.db import db
from app.models import Agreement, AuditLog, Lead, Problem, ProblemStatus, Project, Role, Stage
from app.templating import fmt_date
from tests import factories
from tests import factories_agreements as fa
from tests import factories_leads as fl
from tests import factories_projects as fp
from tests.conftest import PASSWORD

TODAY = clock.today()


class _Inputs(HTMLParser):
    """name → value of a page's <input>s, <textarea>s and <select>s (the
    selected option, else the first), as a browser would submit them; the
    first field of a name wins. Unchecked checkboxes are left out."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.setdefault(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, "")
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, None
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and self._select_chosen is None:
                self._select_chosen = value

    def handle_data(self, data):
        if self._textarea and not self.values[self._textarea]:
            self.values[self._textarea] = data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = self._select_chosen if self._select_chosen is not None else self._select_first
            self.values.setdefault(self._select, chosen or "")
            self._select = None


def inputs(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def second_browser(app: Flask, user) -> FlaskClient:
    other = app.test_client()
    response = other.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return other


def assert_told(html: str, entity: str, record_id: int, winner) -> None:
    """The refusal names the winner and the time of their change."""
    at = db.session.scalar(
        sa.select(AuditLog.at)
        .where(AuditLog.entity == entity, AuditLog.entity_id == record_id, AuditLog.user_id == winner.id)
        .order_by(AuditLog.id.desc())
        .limit(1)
    )
    assert at is not None, "the winner's change is audited"
    assert winner.name in html, "names who changed it"
    assert fmt_date(at) in html, "says when (local time, to the minute)"
    assert "尚未保存" in html and "您的输入已保留" in html


def test_lead_edit_loser_is_told_who_and_when_and_can_save_again(app, client, login_as):
    department = factories.department("东城街道")
    winner = factories.user(Role.STAFF, department=department, name="孙丽娜")
    loser = factories.user(Role.STAFF, department=department, name="周伟")
    lead = fl.lead(department=department, owner=winner, title="原投资意向")
    db.session.commit()
    login_as(loser)
    form = inputs(client.get(f"/leads/{lead.id}/edit").get_data(as_text=True))
    assert form["version"] == "1"

    other = second_browser(app, winner)
    mine = {**inputs(other.get(f"/leads/{lead.id}/edit").get_data(as_text=True)), "title": "孙的修改"}
    mine.pop("confirm_duplicate", None)
    assert other.post(f"/leads/{lead.id}/edit", data=mine).status_code == 302

    form.pop("confirm_duplicate", None)
    response = client.post(f"/leads/{lead.id}/edit", data={**form, "title": "周的修改"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert_told(html, "lead", lead.id, winner)
    again = inputs(html)
    assert again["title"] == "周的修改"
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).title == "孙的修改"

    again.pop("confirm_duplicate", None)
    assert client.post(f"/leads/{lead.id}/edit", data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).title == "周的修改"


def test_project_edit_loser_is_told_who_and_when_and_can_save_again(app, client, login_as):
    department = factories.department("东城街道")
    winner = factories.user(Role.STAFF, department=department, name="孙丽娜")
    loser = factories.user(Role.STAFF, department=department, name="周伟")
    project = fp.project(name="原项目名称", department=department, is_key=False, stage=Stage.PLANNING)
    db.session.commit()
    login_as(loser)
    form = inputs(client.get(f"/projects/{project.id}/edit").get_data(as_text=True))

    other = second_browser(app, winner)
    theirs = inputs(other.get(f"/projects/{project.id}/edit").get_data(as_text=True))
    assert other.post(f"/projects/{project.id}/edit", data={**theirs, "name": "孙的修改"}).status_code == 302

    response = client.post(f"/projects/{project.id}/edit", data={**form, "name": "周的修改"})
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 409)
    assert_told(html, "project", project.id, winner)
    again = inputs(html)
    assert again["name"] == "周的修改"
    db.session.expire_all()
    assert db.session.get(Project, project.id).name == "孙的修改"
    assert client.post(f"/projects/{project.id}/edit", data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).name == "周的修改"


def test_agreement_edit_loser_is_told_who_and_when_and_can_save_again(app, client, login_as):
    department = factories.department("东城街道")
    winner = factories.user(Role.STAFF, department=department, name="孙丽娜")
    loser = factories.user(Role.STAFF, department=department, name="周伟")
    project = fa.project(department=department)
    agreement = fa.agreement(project)
    db.session.commit()
    login_as(loser)
    page = client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    version = inputs(page)["version"]

    other = second_browser(app, winner)
    theirs = fa.agreement_form(agreed_investment="61000", version=version)
    assert other.post(f"/agreements/{agreement.id}/edit", data=theirs).status_code == 302

    mine = fa.agreement_form(agreed_investment="99999", notes="周补充的备注", version=version)
    response = client.post(f"/agreements/{agreement.id}/edit", data=mine)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 409)
    assert_told(html, "agreement", agreement.id, winner)
    again = inputs(html)
    assert again["agreed_investment"] == "99999" and again["notes"].strip() == "周补充的备注"
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).agreed_investment == 61000
    resubmit = fa.agreement_form(agreed_investment="99999", notes="周补充的备注", version=again["version"])
    assert client.post(f"/agreements/{agreement.id}/edit", data=resubmit).status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).agreed_investment == 99999


def test_problem_step_loser_is_told_who_and_when_and_can_save_again(app, client, login_as):
    lead_dept, handler_dept = factories.department("东城街道"), factories.department("自然资源局")
    leader = factories.user(Role.LEADER, name="分包领导")
    admin = factories.user(Role.ADMIN, name="管理员甲")
    project = fp.project(department=lead_dept, leader=leader)
    problem = fp.problem(project, status=ProblemStatus.REPORTED)
    db.session.commit()
    login_as(leader)
    page = client.get(f"/problems/{problem.id}").get_data(as_text=True)
    version = inputs(page)["version"]

    other = second_browser(app, admin)
    data = {"department_id": handler_dept.id, "deadline": (TODAY + dt.timedelta(days=7)).isoformat()}
    assert other.post(f"/problems/{problem.id}/assign", data={**data, "version": version}).status_code == 302

    mine = {"department_id": handler_dept.id, "deadline": (TODAY + dt.timedelta(days=20)).isoformat()}
    response = client.post(
        f"/problems/{problem.id}/assign", data={**mine, "note": "领导的交办意见", "version": version}
    )
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 409)
    assert_told(html, "problem", problem.id, admin)
    assert mine["deadline"] in html and "领导的交办意见" in html
    db.session.expire_all()
    assert db.session.get(Problem, problem.id).deadline == TODAY + dt.timedelta(days=7)
    fresh = inputs(html)["version"]
    assert fresh != version
    response = client.post(f"/problems/{problem.id}/assign", data={**mine, "version": fresh})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Problem, problem.id).deadline == TODAY + dt.timedelta(days=20)


def test_an_edit_keeps_amounts_exact_to_the_yuan(client, login_as):
    """万元 amounts carry four decimals (one 元): the edit form shows them
    whole and saving it unchanged changes nothing."""
    department = factories.department("东城街道")
    staff = factories.user(Role.STAFF, department=department)
    lead = fl.lead(department=department, owner=staff, intended_investment=Decimal("1234.5678"))
    project = fp.project(department=department, is_key=False, planned_investment=Decimal("98765.4321"))
    db.session.commit()
    login_as(staff)
    form = inputs(client.get(f"/leads/{lead.id}/edit").get_data(as_text=True))
    assert form["intended_investment"] == "1234.5678"
    form.pop("confirm_duplicate", None)
    assert client.post(f"/leads/{lead.id}/edit", data=form).status_code == 302
    form = inputs(client.get(f"/projects/{project.id}/edit").get_data(as_text=True))
    assert form["planned_investment"] == "98765.4321"
    assert client.post(f"/projects/{project.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).intended_investment == Decimal("1234.5678")
    assert db.session.get(Project, project.id).planned_investment == Decimal("98765.4321")
