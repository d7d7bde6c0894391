"""Amounts as people type them, read by the one parser (app/money.py) on
every form, import and API body: 3.5亿 is 35,000 万元, never 3.5; what it
cannot read is refused naming the field; a foreign unit is refused, not
dropped; an implausibly large amount for one lead or project waits for the
person to confirm it; the form shows what it read as it is typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.imports import cells
from app.models import Agreement, Lead, Project
from tests import factories
from tests import factories_projects as fp
from tests.factories_api import bearer

TYPED = [
    ("3.5亿", "35000"),
    ("3.5亿元", "35000"),
    ("3500万", "3500"),
    ("3500万元", "3500"),
    ("12,000", "12000"),
    ("１２０００", "12000"),
    ("１２，０００", "12000"),
    ("3.5 亿", "35000"),
    ("35000000元", "3500"),
    ("800", "800"),
]


@pytest.fixture
def alice():
    east = factories.department("东城街道")
    person = factories.user("staff", department=east)
    db.session.commit()
    return person


def lead_form(owner, **overrides):
    return {
        "company_name": "华润置业有限公司",
        "title": "拟设立华中区域总部",
        "intended_investment": "50000",
        "owner_department_id": str(owner.department_id),
        "owner_user_id": str(owner.id),
        "received_on": clock.today().isoformat(),
        **overrides,
    }


@pytest.mark.parametrize(("typed", "wan"), TYPED)
def test_a_lead_form_reads_what_people_type(client, login_as, alice, typed, wan):
    login_as(alice)
    response = client.post("/leads/new", data=lead_form(alice, intended_investment=typed))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Lead.intended_investment)) == Decimal(wan)


@pytest.mark.parametrize(("typed", "wan"), TYPED)
def test_the_api_reads_the_same(client, alice, typed, wan):
    response = client.post(
        "/api/v1/leads",
        json={"company_name": "华润置业有限公司", "title": "华中总部", "intended_investment": typed},
        headers=bearer(alice),
    )
    assert response.status_code == 201, response.get_json()
    assert Decimal(response.get_json()["intended_investment"]) == Decimal(wan)


@pytest.mark.parametrize(("typed", "wan"), TYPED)
def test_imports_read_the_same(typed, wan):
    assert cells.amount_wan(typed) == Decimal(wan)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("三千五百万", "金额格式无法识别"),
        ("约3.5亿", "金额格式无法识别"),
        ("3,50", "金额格式无法识别"),
        ("1.2万美元", "此项以万元计，不能填写「万美元」"),
        ("-5", "金额不能为负数"),
        ("0.00001", "金额最多精确到元"),
    ],
)
def test_what_cannot_be_read_is_refused_naming_the_field(client, login_as, alice, typed, message):
    login_as(alice)
    page = client.post("/leads/new", data=lead_form(alice, intended_investment=typed)).get_data(as_text=True)
    assert f"意向投资额（万元）：{message}" in page
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 0
    api = client.post(
        "/api/v1/leads",
        json={"company_name": "华润置业有限公司", "title": "华中总部", "intended_investment": typed},
        headers=bearer(alice),
    )
    assert api.status_code == 422
    assert message in api.get_json()["error"]["fields"]["intended_investment"]


def test_the_amount_field_is_text_and_shows_what_it_read(client, login_as, alice):
    login_as(alice)
    page = client.get("/leads/new").get_data(as_text=True)
    assert 'name="intended_investment" type="text"' in page
    assert 'hx-get="/money/preview/cny"' in page
    assert (
        client.get("/money/preview/cny", query_string={"intended_investment": "3.5亿"}).get_data(as_text=True)
        == "= 35,000 万元（3.5 亿元）"
    )
    refused = client.get("/money/preview/cny", query_string={"intended_investment": "3.5个亿"}).get_data(as_text=True)
    assert "金额格式无法识别" in refused and "text-danger" in refused
    usd = client.get("/money/preview/usd", query_string={"foreign_investment": "1.2万美元"}).get_data(as_text=True)
    assert usd == "= 1.2 万美元"
    assert client.get("/money/preview/eur?v=1").status_code == 404


def test_a_foreign_investment_field_takes_dollars_and_refuses_yuan(client, login_as):
    staff = login_as("staff")
    project = fp.project(department=staff.department)
    db.session.commit()
    data = {"kind": "investment", "signed_on": clock.today().isoformat(), "agreed_investment": "5亿"}
    client.post(f"/agreements/project/{project.id}/new", data={**data, "foreign_investment": "3亿元"})
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 0
    client.post(f"/agreements/project/{project.id}/new", data={**data, "foreign_investment": "1.2万美元"})
    agreement = db.session.scalar(sa.select(Agreement))
    assert (agreement.agreed_investment, agreement.foreign_investment) == (Decimal("50000"), Decimal("1.2"))


def test_an_implausible_amount_waits_for_confirmation(client, login_as, alice, app):
    login_as(alice)
    page = client.post("/leads/new", data=lead_form(alice, intended_investment="1200亿")).get_data(as_text=True)
    assert "12,000,000 万元（1,200 亿元），超过 10,000,000 万元（1,000 亿元），请核对单位" in page
    assert 'name="confirm_amount"' in page
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 0
    confirmed = client.post("/leads/new", data=lead_form(alice, intended_investment="1200亿", confirm_amount="y"))
    assert confirmed.status_code == 302
    assert db.session.scalar(sa.select(Lead.intended_investment)) == Decimal("12000000")


def test_a_project_amount_is_guarded_too(client, login_as):
    staff = login_as("staff")
    project = fp.project(department=staff.department, planned_investment=Decimal("50000"))
    db.session.commit()
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert "= 50,000 万元（5 亿元）" in form
    page = client.post(
        f"/projects/{project.id}/edit",
        data={"name": project.name, "planned_investment": "2000亿", "version": str(project.version)},
    ).get_data(as_text=True)
    assert "请核对单位" in page
    db.session.expire_all()
    assert db.session.get(Project, project.id).planned_investment == Decimal("50000")


def test_the_api_guards_the_same_amount(client, alice):
    body = {"company_name": "华润置业有限公司", "title": "华中总部", "intended_investment": "1200亿"}
    refused = client.post("/api/v1/leads", json=body, headers=bearer(alice))
    assert refused.status_code == 422
    assert "请核对单位" in refused.get_json()["error"]["fields"]["intended_investment"]
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 0
    confirmed = client.post("/api/v1/leads", json={**body, "confirm_amount": True}, headers=bearer(alice))
    assert confirmed.status_code == 201
    assert db.session.scalar(sa.select(Lead.intended_investment)) == Decimal("12000000")
