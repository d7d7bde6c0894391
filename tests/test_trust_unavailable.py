"""While the database is unreachable every request answers a clean 503 —
the Chinese page for people, JSON for the API, security headers included —
whether the connection fails in the view or while loading the signed-in
user, and the app serves normally again once the database answers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from app.api.tokens import issue_token
from app.db import db
from app.models import Role
from tests import factories


def lost_connection(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def production_errors(app, monkeypatch):
    monkeypatch.setattr(app, "testing", False)


def assert_503_page(response) -> None:
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "数据库暂时无法连接" in html and "503" in html
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_a_lost_connection_in_a_view_is_a_503_page(app, client, login_as, monkeypatch, production_errors):
    login_as("staff")
    monkeypatch.setattr("app.main.routes.panels_for", lost_connection)
    assert_503_page(client.get("/"))
    monkeypatch.undo()
    assert client.get("/").status_code == 200  # back as soon as the database answers


def test_a_lost_connection_while_loading_the_user_is_a_503_page(app, client, login_as, monkeypatch, production_errors):
    login_as("staff")
    monkeypatch.setattr(app.login_manager, "_user_callback", lost_connection)
    assert_503_page(client.get("/leads/"))
    assert_503_page(client.post("/leads/new", data={"title": "x"}))


def test_the_api_answers_503_json(app, client, monkeypatch, production_errors):
    user = factories.user(Role.STAFF)
    token, _row = issue_token(user)
    db.session.commit()
    monkeypatch.setattr(app.login_manager, "_request_callback", lost_connection)
    response = client.get("/api/v1/leads", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert "数据库暂时无法连接" in response.get_json()["error"]["message"]


def test_other_database_errors_stay_a_500(app, client, login_as, monkeypatch, production_errors):
    login_as("staff")

    def broken(*_args, **_kwargs):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr("app.main.routes.panels_for", broken)
    response = client.get("/")
    assert response.status_code == 500 and "系统内部错误" in response.get_data(as_text=True)


def test_healthz_reports_an_unreachable_database_as_503(app, client, monkeypatch, production_errors):
    monkeypatch.setattr(db.session, "execute", lost_connection)
    response = client.get("/healthz")
    assert response.status_code == 503
    monkeypatch.undo()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert db.session.scalar(sa.text("SELECT 1")) == 1


def test_a_connection_lost_as_the_response_goes_out_does_not_spoil_it(app, client, login_as, monkeypatch):
    """The database restarting between the view and the session's closing
    rollback: the finished page still goes out."""
    from sqlalchemy.orm import Session

    login_as("staff")
    real_close, failed = Session.close, []

    def close(self):
        if not failed:
            failed.append(True)
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))
        return real_close(self)

    monkeypatch.setattr(Session, "close", close)
    response = client.get("/leads/")
    assert failed and response.status_code == 200
    monkeypatch.undo()
    assert client.get("/leads/").status_code == 200
