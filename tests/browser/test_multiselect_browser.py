"""The searchable multiple select (issue 16): the 工作专班 picker of ~70
people is typed into, not Ctrl-clicked. Three people picked with plain
clicks are three members; one removed with its × is gone, on the page and
in the saved project; the hint names no one."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.browser.conftest import pick, sign_in


def _team(live_server, project_id: int) -> set[str]:
    with live_server.app.app_context():
        from app.db import db
        from app.models import Project

        project = db.session.get(Project, project_id)
        names = {u.name for u in project.team}
        db.session.remove()
        return names


def _a_key_project(live_server) -> int:
    with live_server.app.app_context():
        from app.db import db
        from app.models import Project

        ident = db.session.scalar(
            sa.select(Project.id).where(Project.is_key.is_(True), Project.archived_at.is_(None)).order_by(Project.id)
        )
        db.session.remove()
        return ident


def test_team_is_picked_by_typing_and_removed_with_a_cross(page, live_server):
    project_id = _a_key_project(live_server)
    before = _team(live_server, project_id)
    sign_in(page, live_server, "admin")
    page.goto(live_server.path(f"/projects/{project_id}/five-ones"))
    assert page.locator(".ts-wrapper").count() >= 1
    assert "当前成员" not in page.locator("main").inner_text()

    offered = page.evaluate(
        "() => [...document.querySelectorAll('select[multiple] option')].map(o => [o.textContent.trim(), o.selected])"
    )
    chosen = [text.split("（")[0] for text, selected in offered if not selected][:3]
    assert len(chosen) == 3
    # Start from an empty team: remove every chip already there.
    while page.locator(".ts-control .item .remove").count():
        page.locator(".ts-control .item .remove").first.click()
    pick(page, "工作专班成员", chosen)
    assert page.locator(".ts-control .item").count() == 3
    page.locator(".ts-control .item", has_text=chosen[1]).locator(".remove").click()
    assert page.locator(".ts-control .item").count() == 2

    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/projects/{project_id}"))
    assert _team(live_server, project_id) == {chosen[0], chosen[2]} != before
