"""The project page in the order each viewer works in (issue 16): the
responsible leader finds his 批示 and the problems right under the light;
the working team finds 推进记录 and the milestones first; a reader (督查)
the project's facts first. Every section is on every page, once."""

from __future__ import annotations

from app.db import db
from tests import factories
from tests import factories_projects as fp

SECTIONS = {
    "instructions": 'id="instructions"',
    "problems": 'id="problems"',
    "plan": 'id="plan"',
    "progress": 'id="progress"',
    "info": ">项目信息</h2>",
    "five_ones": 'id="five-ones"',
}


def _order(page: str) -> list[str]:
    for marker in SECTIONS.values():
        assert page.count(marker) == 1, marker
    return sorted(SECTIONS, key=lambda name: page.index(SECTIONS[name]))


def _page(client, project) -> str:
    db.session.commit()
    response = client.get(f"/projects/{project.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_leader_reads_instructions_and_problems_first(client, login_as):
    leader = login_as("leader")
    project = fp.complete_project(leader=leader)
    order = _order(_page(client, project))
    assert order[:2] == ["instructions", "problems"]
    assert order.index("info") > order.index("progress")


def test_team_writes_progress_and_milestones_first(client, login_as):
    dept = factories.department("东城街道")
    staff = login_as("staff", department=dept)
    project = fp.complete_project(department=dept, team=[staff])
    assert _order(_page(client, project))[:2] == ["progress", "plan"]


def test_a_reader_sees_the_facts_first(client, login_as):
    login_as("viewer")
    project = fp.complete_project()
    assert _order(_page(client, project))[0] == "info"
