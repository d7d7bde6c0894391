"""No existence leak: lists, search, exports, autocomplete, report pages,
drill-downs, the meeting pack and the API never show a record to someone
who may not open it. Staff of another department see none of the owning
department's lead, visit, project, problem, plan or scan; a team member
from a third department sees the project but not the lead behind it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.api.tokens import issue_token
from app.db import db
from tests import factories_trust as ft

LEAD_SECRETS = ("东城机密投资意向", "介绍营商环境")
PROJECT_SECRETS = ("东城智能制造产业园", "用地指标未落实", "年内供地开工", "协议.pdf")

PAGES = (
    "/",
    "/leads/?q=东城",
    "/leads/?q=hrzy",
    "/leads/export.xlsx",
    "/leads/visits",
    "/companies/",
    "/companies/{company}",
    "/companies/check?company_name=华润置业有限公司",
    "/projects/",
    "/projects/?q=东城",
    "/projects/kanban",
    "/projects/export.xlsx",
    "/projects/service-day",
    "/projects/service-day.xlsx",
    "/problems/",
    "/problems/export.xlsx",
    "/agreements/",
    "/agreements/export.xlsx",
    "/agreements/events",
    "/reports/funnel",
    "/reports/library",
    "/reports/activity",
    "/reports/targets",
    "/reports/key-projects",
    "/reports/speed",
    "/reports/pack",
    "/reports/pack?format=xlsx",
    "/reports/drill/leads?m=activity.leads",
    "/reports/drill/projects?m=key.all",
    "/reports/drill/projects?m=library.all",
    "/reports/drill/visits?m=activity.visits",
    "/reports/drill/companies?m=activity.companies",
    "/api/v1/leads",
    "/api/v1/leads?q=东城",
    "/api/v1/companies",
    "/api/v1/companies/{company}",
    "/api/v1/companies/duplicates?name=华润置业",
    "/api/v1/projects",
    "/api/v1/problems",
    "/api/v1/reports/library",
    "/api/v1/reports/funnel",
    # Records themselves: 404 pages must not echo them either.
    "/leads/{lead}",
    "/leads/{lead}/edit",
    "/leads/visits/{visit}/edit",
    "/projects/{project}",
    "/problems/{problem}",
    "/agreements/{agreement}",
    "/agreements/files/{attachment}",
    "/api/v1/leads/{lead}",
    "/api/v1/projects/{project}",
)


def readable(response) -> str:
    """The text a person would see: cells of a workbook, else the body."""
    if response.status_code == 200 and "spreadsheet" in (response.mimetype or ""):
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
        )
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("actor", "hidden"),
    [("staff_other", LEAD_SECRETS + PROJECT_SECRETS), ("team_member", LEAD_SECRETS)],
)
def test_nothing_one_may_not_open_shows_anywhere(client, login_as, actor, hidden):
    world = ft.build()
    user = world.users[actor]
    login_as(user)
    token, _row = issue_token(user)
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    leaks = []
    for page in PAGES:
        path = page.format(**world.ids)
        response = client.get(path, headers=bearer if path.startswith("/api/") else {})
        assert response.status_code in (200, 404), path
        text = readable(response)
        leaks += [f"{path}: {secret}" for secret in hidden if secret in text]
    assert not leaks


def test_the_team_member_does_see_the_project(client, login_as):
    """The other side of the table above: what a team member may open shows."""
    world = ft.build()
    login_as(world.users["team_member"])
    assert "东城智能制造产业园" in client.get("/projects/").get_data(as_text=True)
    assert "东城智能制造产业园" in readable(client.get("/projects/export.xlsx"))
    assert "用地指标未落实" in client.get("/problems/").get_data(as_text=True)


def test_the_meeting_pack_names_red_and_yellow_projects_only_to_who_may_see_them(client, login_as):
    world = ft.build()
    login_as(world.users["staff_own"])
    assert "东城智能制造产业园" in client.get("/reports/pack").get_data(as_text=True)
    client.post("/auth/logout")
    login_as(world.users["viewer"])
    assert "东城智能制造产业园" in client.get("/reports/pack").get_data(as_text=True)
