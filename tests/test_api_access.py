"""Access rules on every API route that names a record: another
department's record answers 404 exactly like a missing one (nothing leaks),
the caller's own record does not; lists hold only what the caller may see;
a viewer reads but never writes."""

from __future__ import annotations

import pytest

from app.db import db
from app.lookups import ref_id
from app.models import RefKind
from tests.factories_api import Side, bearer, two_sides

MISSING = 2_000_000


def _routes(side: Side) -> list[tuple[str, str, dict | None]]:
    category = ref_id(RefKind.PROBLEM_CATEGORY, "土地")
    lead, project, problem, agreement = side.lead.id, side.project.id, side.problem.id, side.agreement.id
    approval = side.approval.id
    return [
        ("GET", f"/api/v1/leads/{lead}", None),
        ("PATCH", f"/api/v1/leads/{lead}", {"version": 1, "contact_name": "陈经理"}),
        ("POST", f"/api/v1/leads/{lead}/status", {"to": "negotiating", "version": 1}),
        ("POST", f"/api/v1/leads/{lead}/unshelve", {"version": 1}),
        ("POST", f"/api/v1/leads/{lead}/convert", {"version": 1}),
        ("GET", f"/api/v1/leads/{lead}/visits", None),
        ("POST", f"/api/v1/leads/{lead}/visits", {"visited_on": "2026-01-09", "summary": "电话沟通用地需求"}),
        ("GET", f"/api/v1/projects/{project}", None),
        ("PATCH", f"/api/v1/projects/{project}", {"version": 1, "location": "园区东片"}),
        ("POST", f"/api/v1/projects/{project}/stage", {"to": "signed"}),
        ("GET", f"/api/v1/projects/{project}/progress", None),
        ("POST", f"/api/v1/projects/{project}/progress", {"text": "召开推进会"}),
        ("GET", f"/api/v1/projects/{project}/problems", None),
        ("POST", f"/api/v1/projects/{project}/problems", {"category_id": category, "description": "用地指标未落实"}),
        ("GET", f"/api/v1/projects/{project}/agreements", None),
        (
            "POST",
            f"/api/v1/projects/{project}/agreements",
            {"kind": "framework", "signed_on": "2026-02-01", "agreed_investment": "100"},
        ),
        ("GET", f"/api/v1/projects/{project}/plans", None),
        ("PUT", f"/api/v1/projects/{project}/plans/2026", {"planned_investment": "1200"}),
        ("GET", f"/api/v1/projects/{project}/investments", None),
        ("POST", f"/api/v1/projects/{project}/investments", {"month": "2026-02", "completed": "100"}),
        ("GET", f"/api/v1/problems/{problem}", None),
        ("POST", f"/api/v1/problems/{problem}/steps", {"action": "start", "version": 1}),
        ("GET", f"/api/v1/agreements/{agreement}", None),
        ("PATCH", f"/api/v1/agreements/{agreement}", {"version": 1, "notes": "补充说明"}),
        ("GET", f"/api/v1/projects/{project}/approvals", None),
        (
            "POST",
            f"/api/v1/projects/{project}/approvals",
            {"item": "环评批复", "department_id": side.department.id, "due_on": "2026-06-30"},
        ),
        ("GET", f"/api/v1/approvals/{approval}", None),
        ("PATCH", f"/api/v1/approvals/{approval}", {"version": 1, "notes": "补充说明"}),
    ]


ROUTE_COUNT = 28


@pytest.mark.parametrize("index", range(ROUTE_COUNT))
def test_another_departments_record_is_not_found_and_ones_own_is(client, index):
    world = two_sides()
    headers = bearer(world.a.staff)
    method, path, body = _routes(world.b)[index]
    other = client.open(path, method=method, json=body, headers=headers)
    assert other.status_code == 404, (path, other.get_json())
    assert other.get_json()["error"]["code"] == "not_found"
    # Exactly what a record that does not exist answers: nothing leaks.
    missing_path = path.replace(f"/{path.split('/')[4]}", f"/{MISSING}", 1)
    missing = client.open(missing_path, method=method, json=body, headers=headers)
    assert missing.status_code == 404 and missing.get_json() == other.get_json()
    method, path, body = _routes(world.a)[index]
    own = client.open(path, method=method, json=body, headers=headers)
    assert own.status_code != 404, (path, own.get_json())


def test_the_route_table_covers_every_route_that_names_a_record(app):
    with app.test_request_context():
        world = two_sides()
        table = {(m, p) for m, p, _b in _routes(world.a)}
    assert len(table) == ROUTE_COUNT
    markers = ("<int:lead_id>", "<int:project_id>", "<int:problem_id>", "<int:agreement_id>", "<int:approval_id>")
    named = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and any(marker in rule.rule for marker in markers)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert len(named) == ROUTE_COUNT


def test_lists_hold_only_what_the_caller_may_see(client):
    world = two_sides()
    headers = bearer(world.a.staff)
    for path, own_id in (
        ("/api/v1/leads", world.a.lead.id),
        ("/api/v1/projects", world.a.project.id),
        ("/api/v1/problems", world.a.problem.id),
    ):
        body = client.get(path, headers=headers).get_json()
        assert [item["id"] for item in body["items"]] == [own_id], path
        assert body["total"] == 1
    everything = client.get("/api/v1/leads", headers=bearer(world.viewer)).get_json()
    assert everything["total"] == 2


def test_a_viewer_reads_every_record_but_changes_none(client):
    world = two_sides()
    headers = bearer(world.viewer)
    for method, path, body in _routes(world.b):
        response = client.open(path, method=method, json=body, headers=headers)
        expected = 200 if method == "GET" else 403
        assert response.status_code == expected, (method, path, response.get_json())
    creates = [
        ("/api/v1/leads", {"company_name": "某某科技有限公司", "title": "建设研发中心"}),
        ("/api/v1/projects", {"name": "某某项目"}),
        ("/api/v1/companies", {"name": "某某科技有限公司"}),
    ]
    for path, body in creates:
        assert client.post(path, json=body, headers=headers).status_code == 403
    db.session.rollback()
