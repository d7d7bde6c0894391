"""CSRF on every state-changing HTML request: each POST route of the access
table refuses a request without the token (a clear Chinese 400, nothing
written) and accepts the token in the X-CSRFToken header, as htmx sends it.
The JSON API takes bearer tokens only, never the cookie, so it needs none."""

from __future__ import annotations

import sqlalchemy as sa

from app.db import db
from tests import factories_trust as ft
from tests.test_access_matrix import TABLE, _path


def row_counts() -> tuple[int, ...]:
    db.session.rollback()
    selects = [sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in db.metadata.sorted_tables]
    return tuple(db.session.execute(sa.select(*selects)).one())


def html_posts(world: ft.World) -> list[str]:
    return [_path(row, world.ids) for row in TABLE if row.method == "POST" and not row.rule.startswith("/api/")]


def test_every_html_post_needs_the_csrf_token(client, login_as):
    world = ft.build()
    login_as(world.users["admin"])
    before = row_counts()
    paths = html_posts(world)
    assert len(paths) >= 60
    for path in paths:
        response = client.post(path, data={"reason": "x", "title": "x"}, csrf=False)
        assert response.status_code == 400, path
        assert "CSRF" in response.get_data(as_text=True), path
    assert row_counts() == before


def test_the_token_in_a_header_is_accepted_as_htmx_sends_it(client, login_as):
    world = ft.build()
    login_as(world.users["admin"])
    token = client.csrf_token()
    for path in html_posts(world):
        if path.startswith("/auth/logout"):
            continue
        response = client.post(path, data={}, headers={"X-CSRFToken": token}, csrf=False)
        assert not (response.status_code == 400 and "CSRF" in response.get_data(as_text=True)), path


def test_the_api_ignores_the_cookie_and_needs_no_csrf_token(client, login_as):
    world = ft.build()
    login_as(world.users["staff_own"])
    response = client.post("/api/v1/leads", json={"company_name": "x", "title": "x"})
    assert response.status_code == 401  # the session cookie signs nobody in to the API
