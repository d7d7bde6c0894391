"""Access rules of the projects area as one table: every route × every actor
(anonymous, admin, the project's leader, another leader, staff of the lead
department, staff of another department, a team member from another
department, viewer) with the expected answer."""

from __future__ import annotations

import pytest

from app.db import db
from app.models import Role, Stage
from tests import factories
from tests import factories_projects as fp

ACTORS = ("anon", "admin", "leader_own", "leader_other", "staff_lead", "staff_other", "team_member", "viewer")

# route → expected status per actor, in ACTORS order. 302 after a POST means
# "done, redirected back"; for anonymous it is the redirect to sign-in.
TABLE = {
    ("GET", "/projects/"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/projects/kanban"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/projects/export.xlsx"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/projects/new"): (302, 200, 403, 403, 200, 200, 200, 403),
    ("GET", "/projects/{id}"): (302, 200, 200, 200, 200, 404, 200, 200),
    ("GET", "/projects/{id}/edit"): (302, 200, 403, 403, 200, 404, 200, 403),
    ("GET", "/projects/{id}/five-ones"): (302, 200, 403, 403, 403, 404, 403, 403),
    ("POST", "/projects/{id}/stage"): (302, 302, 403, 403, 302, 404, 302, 403),
    ("POST", "/projects/{id}/progress"): (302, 302, 302, 403, 302, 404, 302, 403),
    ("POST", "/projects/{id}/milestones"): (302, 302, 302, 403, 302, 404, 302, 403),
    ("POST", "/projects/{id}/instructions"): (302, 403, 302, 403, 403, 404, 403, 403),
    ("GET", "/projects/desk"): (302, 200, 200, 200, 403, 403, 403, 200),
    ("GET", "/projects/service-day"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/problems/"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/problems/new?project_id={id}"): (302, 200, 200, 403, 200, 404, 200, 403),
}

POST_DATA = {
    "/projects/{id}/stage": {"to": "attracting"},
    "/projects/{id}/progress": {"text": "召开推进会"},
    "/projects/{id}/milestones": {"name": "土地挂牌", "due_on": "2026-05-01"},
    "/projects/{id}/instructions": {"text": "加快推进"},
}


def _world(actor: str):
    lead_dept, other_dept = factories.department(), factories.department()
    leader = factories.user(Role.LEADER)
    member = factories.user(Role.STAFF, department=other_dept)
    project = fp.project(stage=Stage.PLANNING, is_key=True, department=lead_dept, leader=leader, team=[member])
    users = {
        "admin": lambda: factories.user(Role.ADMIN),
        "leader_own": lambda: leader,
        "leader_other": lambda: factories.user(Role.LEADER),
        "staff_lead": lambda: factories.user(Role.STAFF, department=lead_dept),
        "staff_other": lambda: factories.user(Role.STAFF, department=other_dept),
        "team_member": lambda: member,
        "viewer": lambda: factories.user(Role.VIEWER),
    }
    user = users[actor]() if actor != "anon" else None
    db.session.commit()
    return project, user


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "route"), list(TABLE))
def test_access_table(client, login_as, actor, method, route):
    project, user = _world(actor)
    if user is not None:
        login_as(user)
    path = route.format(id=project.id)
    response = client.get(path) if method == "GET" else client.post(path, data=POST_DATA.get(route, {}))
    expected = TABLE[(method, route)][ACTORS.index(actor)]
    assert response.status_code == expected, f"{actor} {method} {path}: {response.status_code}"
    if actor == "anon":
        assert "/auth/login" in response.headers["Location"]


def test_every_project_route_is_in_the_table_or_covered_elsewhere(app):
    """A new route must be added to the table (or to the list below, with the
    test file that covers its access rules)."""
    covered_elsewhere = {
        "/projects/<int:project_id>/milestones/<int:milestone_id>": "test_projects_follow_through",
        "/projects/<int:project_id>/milestones/<int:milestone_id>/done": "test_projects_follow_through",
        "/projects/<int:project_id>/milestones/<int:milestone_id>/delete": "test_projects_follow_through",
        "/projects/<int:project_id>/instructions/<int:instruction_id>/acknowledge": "test_projects_follow_through",
        "/projects/<int:project_id>/instructions/<int:instruction_id>/answer": "test_instructions",
        "/projects/<int:project_id>/instructions/<int:instruction_id>/close": "test_instructions",
        "/projects/<int:project_id>/instructions/<int:instruction_id>/return": "test_instructions",
        "/problems/<int:problem_id>/supervise": "test_problems_supervision",
        "/projects/service-day.xlsx": "test_desk",
        "/problems/<int:problem_id>": "test_problems",
        "/problems/<int:problem_id>/assign": "test_problems",
        "/problems/<int:problem_id>/start": "test_problems",
        "/problems/<int:problem_id>/answer": "test_problems",
        "/problems/<int:problem_id>/accept": "test_problems",
        "/problems/<int:problem_id>/return": "test_problems",
        "/problems/export.xlsx": "test_problems",
        "/problems/new-company": "test_company_problems",
    }
    in_table = {route.split("?")[0].replace("{id}", "<int:project_id>") for _method, route in TABLE}
    rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith(("/projects", "/problems"))}
    assert rules - in_table - set(covered_elsewhere) == set()
