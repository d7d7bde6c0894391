"""Companies over the API: the duplicate check before creating (credit code
on file refused, look-alikes to confirm), who may edit, and the duplicate
finder telling which departments follow a company — by name and date only."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.db import db
from app.lookups import ref_id
from app.models import Company, RefKind
from tests import factories
from tests import factories_leads as fl
from tests.factories_api import bearer

CODE = "91110000600037341L"


@pytest.fixture
def towns():
    east, west = factories.department("东城街道"), factories.department("西城街道")
    alice = factories.user("staff", department=east, name="孙丽娜")
    bob = factories.user("staff", department=west, name="周伟")
    db.session.commit()
    return east, west, alice, bob


def test_create_list_and_read_a_company(client, towns):
    _east, _west, alice, _bob = towns
    tier = ref_id(RefKind.TIER, "上市公司")
    created = client.post(
        "/api/v1/companies",
        json={"name": "郑州宇通客车股份有限公司", "credit_code": CODE, "tier_ids": [tier], "hq_region": "河南郑州"},
        headers=bearer(alice),
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["tier_ids"] == [tier] and body["credit_code"] == CODE
    listed = client.get("/api/v1/companies?q=宇通", headers=bearer(alice)).get_json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    by_pinyin = client.get("/api/v1/companies?q=ytkc", headers=bearer(alice)).get_json()
    assert by_pinyin["total"] == 1
    assert client.get(f"/api/v1/companies/{body['id']}", headers=bearer(alice)).get_json()["name"] == body["name"]


def test_credit_code_on_file_is_refused_and_look_alikes_must_be_confirmed(client, towns):
    _east, _west, alice, _bob = towns
    fl.company("华润置业（郑州）有限公司", credit_code=CODE)
    db.session.commit()
    same_code = client.post(
        "/api/v1/companies", json={"name": "另一家公司", "credit_code": CODE}, headers=bearer(alice)
    )
    assert same_code.status_code == 422 and "credit_code" in same_code.get_json()["error"]["fields"]
    look_alike = client.post("/api/v1/companies", json={"name": "华润置业(郑州)有限公司"}, headers=bearer(alice))
    assert look_alike.status_code == 409 and "confirm_duplicate" in look_alike.get_json()["error"]["message"]
    confirmed = client.post(
        "/api/v1/companies", json={"name": "华润置业(郑州)有限公司", "confirm_duplicate": True}, headers=bearer(alice)
    )
    assert confirmed.status_code == 201
    bad_code = client.post(
        "/api/v1/companies", json={"name": "新公司", "credit_code": "91110000600037341X"}, headers=bearer(alice)
    )
    assert bad_code.status_code == 422 and "credit_code" in bad_code.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 2


def test_duplicate_finder_names_other_departments_and_dates_only(client, towns):
    east, _west, alice, bob = towns
    company = fl.company("华润置业有限公司", credit_code=CODE, first_department_id=east.id)
    company.first_reported_on = dt.date(2026, 1, 5)
    fl.lead(company=company, department=east, owner=alice, title="拟设立华中区域总部", received_on=dt.date(2026, 1, 5))
    db.session.commit()
    found = client.get("/api/v1/companies/duplicates?name=华润置业有限公司", headers=bearer(bob))
    assert found.status_code == 200
    match = found.get_json()["matches"][0]
    assert match["company"]["id"] == company.id and match["reason"] == "name"
    assert match["followers"] == [
        {"department_id": east.id, "department_name": "东城街道", "since": "2026-01-05", "holder": True}
    ]
    assert "拟设立华中区域总部" not in found.get_data(as_text=True)
    own = client.get("/api/v1/companies/duplicates?name=华润置业有限公司", headers=bearer(alice)).get_json()
    assert own["matches"][0]["followers"] == []  # one's own department is not "another"
    checked = client.get("/api/v1/companies/duplicates?credit_code=91110000600037341X", headers=bearer(bob)).get_json()
    assert checked["credit_code_problem"] and checked["matches"] == []
    viewer = client.get("/api/v1/companies/duplicates?name=华润", headers=bearer(factories.user("viewer")))
    assert viewer.status_code == 403


def test_only_those_who_follow_a_company_edit_it(client, towns):
    east, _west, alice, bob = towns
    company = fl.company("华润置业有限公司", first_department_id=east.id)
    db.session.commit()
    refused = client.patch(
        f"/api/v1/companies/{company.id}", json={"hq_region": "深圳", "version": company.version}, headers=bearer(bob)
    )
    assert refused.status_code == 403
    edited = client.patch(
        f"/api/v1/companies/{company.id}", json={"hq_region": "深圳", "version": company.version}, headers=bearer(alice)
    )
    assert edited.status_code == 200 and edited.get_json()["hq_region"] == "深圳"
    version = edited.get_json()["version"]
    stale = client.patch(
        f"/api/v1/companies/{company.id}", json={"hq_region": "上海", "version": 1}, headers=bearer(alice)
    )
    assert stale.status_code == 409  # edited since version 1: an optimistic lock, as for leads and projects
    assert edited.get_json()["name"] == "华润置业有限公司"
    fl.company("华润置地有限公司")
    db.session.commit()
    renamed = client.patch(
        f"/api/v1/companies/{company.id}", json={"name": "华润置地有限公司", "version": version}, headers=bearer(alice)
    )
    assert renamed.status_code == 409
    blank = client.patch(
        f"/api/v1/companies/{company.id}", json={"name": None, "version": version}, headers=bearer(alice)
    )
    assert blank.status_code == 422 and "name" in blank.get_json()["error"]["fields"]
