"""Access rules for every leads/companies/visits route: staff see and change
what is within their data scope (404 beyond it, no existence leak), leaders
and viewers see everything, viewers change nothing, admin everything."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.models import DataScope, Lead, Visit
from tests import factories
from tests import factories_leads as fl


@pytest.fixture
def world():
    """Two departments (one with a sub-department), a lead and visit in each."""
    east = factories.department("东城街道")
    east_sub = factories.department("东城招商分队", parent_id=east.id)
    west = factories.department("西城街道")
    alice = factories.user("staff", department=east, username="alice")
    bob = factories.user("staff", department=west, username="bob")
    company = fl.company("华润置业有限公司")
    east_lead = fl.lead(company=company, department=east, owner=alice, title="东城的线索")
    west_lead = fl.lead(company=company, department=west, owner=bob, title="西城机密意向")
    sub_lead = fl.lead(company=fl.company("宇通客车股份有限公司"), department=east_sub, title="分队的线索")
    east_visit = fl.visit(east_lead, by=alice, summary="东城拜访纪要")
    west_visit = fl.visit(west_lead, by=bob, summary="西城拜访纪要", follow_up_on=clock.today())
    conflict_id = db.session.scalar(sa.text("SELECT id FROM company_conflict"))
    db.session.commit()
    return {
        "east": east,
        "west": west,
        "sub": east_sub,
        "alice": alice,
        "bob": bob,
        "company": company,
        "lead": east_lead,
        "other_lead": west_lead,
        "sub_lead": sub_lead,
        "visit": east_visit,
        "other_visit": west_visit,
        "conflict_id": conflict_id,
    }


def who(world, role):
    if role == "staff":
        return world["alice"]
    return factories.user(role)


# (method, url template, {role: expected status}); `lead` is Alice's
# department's, `other_lead` the other department's.
ROUTES = [
    ("GET", "/leads/", {"staff": 200, "leader": 200, "viewer": 200, "admin": 200}),
    ("GET", "/leads/export.xlsx", {"staff": 200, "leader": 200, "viewer": 200, "admin": 200}),
    ("GET", "/leads/visits", {"staff": 200, "leader": 200, "viewer": 200, "admin": 200}),
    ("GET", "/leads/new", {"staff": 200, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/leads/{lead}", {"staff": 200, "leader": 200, "viewer": 200, "admin": 200}),
    ("GET", "/leads/{other_lead}", {"staff": 404, "leader": 200, "viewer": 200, "admin": 200}),
    ("GET", "/leads/{lead}/edit", {"staff": 200, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/leads/{other_lead}/edit", {"staff": 404, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/leads/{lead}/convert", {"staff": 200, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/leads/{other_lead}/convert", {"staff": 404, "leader": 403, "viewer": 403, "admin": 200}),
    ("POST", "/leads/{other_lead}/status", {"staff": 404, "leader": 403, "viewer": 403}),
    ("POST", "/leads/{other_lead}/shelve", {"staff": 404, "leader": 403, "viewer": 403}),
    ("POST", "/leads/{other_lead}/unshelve", {"staff": 404, "leader": 403, "viewer": 403}),
    ("POST", "/leads/{other_lead}/visits", {"staff": 404, "leader": 403, "viewer": 403}),
    ("POST", "/leads/{other_lead}/archive", {"staff": 404, "leader": 403, "viewer": 403}),
    ("GET", "/leads/visits/new?lead_id={lead}", {"staff": 200, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/leads/visits/new?lead_id={other_lead}", {"staff": 404, "leader": 403, "viewer": 403, "admin": 200}),
    # Without a lead: staff pick one first (the phone home's 记录拜访); others have nothing to pick.
    ("GET", "/leads/visits/new", {"staff": 200, "admin": 200, "leader": 404, "viewer": 404}),
    ("GET", "/leads/visits/{visit}/edit", {"staff": 200, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/leads/visits/{other_visit}/edit", {"staff": 404, "leader": 403, "viewer": 403, "admin": 200}),
    ("POST", "/leads/visits/{other_visit}/delete", {"staff": 404, "leader": 403, "viewer": 403}),
    ("POST", "/leads/visits/{other_visit}/done", {"staff": 404, "viewer": 403}),
    ("GET", "/companies/", {"staff": 200, "leader": 200, "viewer": 200, "admin": 200}),
    ("GET", "/companies/{company}", {"staff": 200, "leader": 200, "viewer": 200, "admin": 200}),
    ("GET", "/companies/new", {"staff": 200, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/companies/{company}/edit", {"staff": 200, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/companies/check?company_name=华润", {"staff": 200, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/companies/conflicts", {"staff": 403, "leader": 403, "viewer": 403, "admin": 200}),
    ("GET", "/companies/conflicts/{conflict}", {"staff": 403, "leader": 403, "viewer": 403, "admin": 200}),
    ("POST", "/companies/conflicts/{conflict}", {"staff": 403, "leader": 403, "viewer": 403}),
    ("GET", "/companies/{company}/merge", {"staff": 403, "leader": 403, "viewer": 403, "admin": 200}),
    ("POST", "/companies/{company}/merge", {"staff": 403, "leader": 403, "viewer": 403}),
]
CASES = [(m, url, role, status) for m, url, expected in ROUTES for role, status in expected.items()]


@pytest.mark.parametrize(("method", "url", "role", "status"), CASES)
def test_route_access(client, login_as, world, method, url, role, status):
    login_as(who(world, role))
    path = url.format(
        lead=world["lead"].id,
        other_lead=world["other_lead"].id,
        visit=world["visit"].id,
        other_visit=world["other_visit"].id,
        company=world["company"].id,
        conflict=world["conflict_id"],
    )
    before = db.session.scalar(sa.select(sa.func.count(Visit.id))), db.session.scalar(sa.select(Lead.status))
    response = client.open(path, method=method, data={} if method == "POST" else None)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status >= 400:
        assert "西城机密意向" not in response.get_data(as_text=True)
        db.session.expire_all()
        after = db.session.scalar(sa.select(sa.func.count(Visit.id))), db.session.scalar(sa.select(Lead.status))
        assert before == after  # nothing changed


def test_anonymous_is_sent_to_sign_in(client, world):
    for path in ("/leads/", f"/leads/{world['lead'].id}", "/companies/", "/leads/export.xlsx"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_staff_cannot_find_another_departments_lead(client, login_as, world):
    login_as(world["alice"])
    for q in ("西城机密", "hrzy", "华润"):
        assert "西城机密意向" not in client.get("/leads/", query_string={"q": q}).get_data(as_text=True)
    assert "西城机密意向" not in client.get("/leads/", query_string={"department_id": world["west"].id}).get_data(
        as_text=True
    )
    assert "西城机密意向".encode() not in client.get("/leads/export.xlsx").data
    visits = client.get("/leads/visits").get_data(as_text=True)
    assert "东城拜访纪要" in visits and "西城拜访纪要" not in visits
    company = client.get(f"/companies/{world['company'].id}").get_data(as_text=True)
    assert "东城的线索" in company and "西城机密意向" not in company and "西城拜访纪要" not in company
    assert "西城街道" in company  # which department follows, not what it does


def test_leader_and_viewer_see_everything(client, login_as, world):
    for role in ("leader", "viewer"):
        login_as(factories.user(role))
        html = client.get("/leads/").get_data(as_text=True)
        assert "东城的线索" in html and "西城机密意向" in html
        assert "登记线索" not in html
        client.post("/auth/logout")


def test_own_scope_sees_only_own_leads(client, login_as, world):
    carol = factories.user("staff", department=world["east"], scope=DataScope.OWN)
    mine = fl.lead(department=world["east"], owner=carol, title="卡萝尔的线索")
    db.session.commit()
    login_as(carol)
    html = client.get("/leads/").get_data(as_text=True)
    assert "卡萝尔的线索" in html and "东城的线索" not in html
    assert client.get(f"/leads/{world['lead'].id}").status_code == 404
    assert client.get(f"/leads/{mine.id}").status_code == 200


def test_department_tree_scope_covers_sub_departments(client, login_as, world):
    head = factories.user("staff", department=world["east"], scope=DataScope.DEPARTMENT_TREE)
    db.session.commit()
    login_as(head)
    html = client.get("/leads/").get_data(as_text=True)
    assert "分队的线索" in html and "东城的线索" in html and "西城机密意向" not in html
    assert client.get(f"/leads/{world['sub_lead'].id}").status_code == 200
    # Alice (department scope) does not see the sub-department's lead.
    client.post("/auth/logout")
    login_as(world["alice"])
    assert client.get(f"/leads/{world['sub_lead'].id}").status_code == 404


def test_viewer_posts_change_nothing(client, login_as, world):
    login_as(factories.user("viewer"))
    lead = world["lead"]
    assert client.post(f"/leads/{lead.id}/status", data={"to": "contacted", "version": lead.version}).status_code == 403
    response = client.post(f"/leads/{lead.id}/visits", data={"visited_on": clock.today().isoformat(), "summary": "x"})
    assert response.status_code == 403
    assert client.post("/leads/new", data={"company_name": "x", "title": "y"}).status_code == 403
