"""Look-alike companies across legal forms (issue 15): 河南翔宇医疗设备有限公司
typed while another department holds …股份有限公司 is shown as a look-alike
with the other department's 撞单 notice, in words people use; an identical
name needs a second confirmation before a new company is made; imports flag
look-alikes too."""

from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.db import db
from app.models import Company, Lead
from tests import factories
from tests import factories_leads as fl
from tests.factories_api import bearer
from tests.test_imports_leads import upload, workbook

JSC = "河南翔宇医疗设备股份有限公司"
LLC = "河南翔宇医疗设备有限公司"


def _setup():
    east, west = factories.department("东城街道"), factories.department("西城街道")
    alice = factories.user("staff", department=east)
    bob = factories.user("staff", department=west)
    fl.lead(company=fl.company(JSC), department=west, owner=bob, received_on=clock.today())
    db.session.commit()
    return alice


def _form(alice, **overrides):
    return {
        "company_name": LLC,
        "title": "医疗器械生产基地",
        "owner_department_id": str(alice.department_id),
        "owner_user_id": str(alice.id),
        "received_on": clock.today().isoformat(),
        **overrides,
    }


def test_the_other_legal_form_is_shown_with_who_follows_it(client, login_as):
    alice = _setup()
    login_as(alice)
    page = client.post("/leads/new", data=_form(alice)).get_data(as_text=True)
    assert "企业库中可能已有该企业" in page
    assert f"使用企业库中的「{JSC}」" in page
    assert "名称相近：公司类型不同（有限公司 / 股份有限公司）" in page
    assert "西城街道" in page  # the other department's 撞单 notice
    assert "规范化名称相同" not in page
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 1


def test_the_name_check_while_typing_shows_it_too(client, login_as):
    alice = _setup()
    login_as(alice)
    hint = client.get("/companies/check", query_string={"company_name": LLC}).get_data(as_text=True)
    assert JSC in hint


def test_choosing_the_look_alike_flags_the_conflict(client, login_as):
    alice = _setup()
    login_as(alice)
    jsc = db.session.scalar(sa.select(Company).where(Company.name == JSC))
    client.post("/leads/new", data=_form(alice, company_choice=str(jsc.id), confirm_duplicate="y"))
    lead = db.session.scalar(sa.select(Lead).where(Lead.title == "医疗器械生产基地"))
    assert lead.company_id == jsc.id and lead.has_conflict


def test_a_different_company_under_a_look_alike_name_is_made_in_one_step(client, login_as):
    alice = _setup()
    login_as(alice)
    client.post("/leads/new", data=_form(alice, company_choice="new"))
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 2


def test_an_identical_name_asks_twice_before_a_new_company(client, login_as):
    alice = _setup()
    login_as(alice)
    first = client.post("/leads/new", data=_form(alice, company_name=JSC)).get_data(as_text=True)
    assert "名称相同" in first and 'name="confirm_new_company"' in first
    again = client.post("/leads/new", data=_form(alice, company_name=JSC, company_choice="new"))
    assert "确属另一家企业，请勾选「确认新建同名企业」" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 1
    client.post("/leads/new", data=_form(alice, company_name=JSC, company_choice="new", confirm_new_company="y"))
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 2


def test_the_api_asks_the_same(client):
    alice = _setup()
    body = {"company_name": JSC, "title": "医疗器械生产基地", "company_choice": "new"}
    refused = client.post("/api/v1/leads", json=body, headers=bearer(alice))
    assert refused.status_code == 409
    assert "confirm_new_company=true" in refused.get_json()["error"]["message"]
    made = client.post("/api/v1/leads", json={**body, "confirm_new_company": True}, headers=bearer(alice))
    assert made.status_code == 201


def test_imports_flag_look_alikes(client, login_as):
    alice = _setup()
    login_as(alice)
    html = upload(
        client,
        workbook(
            [
                ["医疗器械生产基地", LLC, "", "", "", "5亿", "", "", "东城街道", "2026-03-01", ""],
                ["数据中心", "某某数据科技有限公司", "", "", "", "8000万", "", "", "东城街道", "2026-03-01", ""],
            ]
        ),
    ).get_data(as_text=True)
    assert f"名称相近：企业库已有「{JSC}」（公司类型不同（有限公司 / 股份有限公司））" in html
    assert "1 行的企业名称与企业库中的企业相近（第 3 行" in html
