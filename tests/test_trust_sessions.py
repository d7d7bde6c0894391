"""Session hardening, proven through HTTP: stolen cookies (session and
remember-me) are refused once their owner signs out, idle sessions end, the
`next` of every redirecting form stays on our site, and every response —
error pages included — carries the security headers (signed-in pages are
never cached)."""

from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.db import db
from app.models import Role, Stage
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp
from tests.conftest import PASSWORD

EVIL_TARGETS = (
    "https://evil.example/x",
    "//evil.example",
    "///evil.example",
    " //evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
)


def _sign_in(client, user, **extra):
    response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def _fresh_client(app, **cookies):
    other = app.test_client()
    for key, value in cookies.items():
        other.set_cookie(key, value)
    return other


def _signed_in(client) -> bool:
    response = client.get("/")
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def test_a_replayed_remember_me_cookie_is_refused_after_sign_out(app, client):
    user = factories.user(Role.STAFF)
    db.session.commit()
    _sign_in(client, user, remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    # The cookie alone signs in from another browser while it is valid …
    assert _signed_in(_fresh_client(app, remember_token=remember.value))
    assert client.post("/auth/logout").status_code == 302
    # … and not after its owner signed out (the session version moved on).
    thief = _fresh_client(app, remember_token=remember.value)
    assert not _signed_in(thief)
    assert not _signed_in(thief)  # nor on a second try


def test_a_replayed_session_cookie_is_refused_after_sign_out(app, client):
    user = factories.user(Role.STAFF)
    db.session.commit()
    _sign_in(client, user)
    stolen = client.get_cookie("session").value
    assert _signed_in(_fresh_client(app, session=stolen))
    client.post("/auth/logout")
    assert not _signed_in(_fresh_client(app, session=stolen))


def test_remember_me_cookie_is_refused_after_a_password_reset_by_admin(app, client):
    user = factories.user(Role.STAFF)
    db.session.commit()
    _sign_in(client, user, remember="y")
    remember = client.get_cookie("remember_token").value
    admin_client = app.test_client()
    admin = factories.user(Role.ADMIN)
    db.session.commit()
    _sign_in(admin_client, admin)
    response = admin_client.post(f"/admin/users/{user.id}/password", data={"password": "Another-Good-Pass-7"})
    assert response.status_code == 302
    assert not _signed_in(_fresh_client(app, remember_token=remember))


def test_remember_me_lifetime_and_flags_are_explicit(app, client):
    user = factories.user(Role.STAFF)
    db.session.commit()
    response = _sign_in(client, user, remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_DURATION"] <= dt.timedelta(days=30)
    expires = client.get_cookie("remember_token").expires
    assert expires is not None
    assert expires - dt.datetime.now(dt.UTC) <= app.config["REMEMBER_COOKIE_DURATION"] + dt.timedelta(minutes=1)


def test_idle_session_expires_after_the_configured_minutes(app, client):
    user = factories.user(Role.STAFF)
    db.session.commit()
    _sign_in(client, user)
    limit = app.config["IDLE_TIMEOUT_MINUTES"] * 60
    now = dt.datetime.now(dt.UTC).timestamp()
    with client.session_transaction() as sess:
        sess["_seen"] = now - limit + 120  # two minutes short of the limit
    assert _signed_in(client)
    with client.session_transaction() as sess:
        sess["_seen"] = now - limit - 60
    response = client.get("/leads/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert not _signed_in(client)  # the session itself is gone, not just this request


def test_a_fresh_session_at_sign_in(app, client):
    """No fixation: what was planted in the session before sign-in is gone."""
    user = factories.user(Role.STAFF)
    db.session.commit()
    client.get("/auth/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"
    _sign_in(client, user)
    with client.session_transaction() as sess:
        assert "planted" not in sess


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_sign_in_never_redirects_off_site(client, target):
    user = factories.user(Role.STAFF)
    db.session.commit()
    response = client.post(
        "/auth/login", query_string={"next": target}, data={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS[:4])
def test_forms_with_a_next_field_never_redirect_off_site(client, login_as, target):
    department = factories.department()
    staff = factories.user(Role.STAFF, department=department)
    lead = fl.lead(department=department, owner=staff)
    visit = fl.visit(lead, by=staff, follow_up_on=clock.today())
    project = fp.project(stage=Stage.PLANNING, department=department, is_key=False)
    db.session.commit()
    login_as(staff)
    responses = [
        client.post(f"/leads/visits/{visit.id}/done", data={"next": target}),
        client.post(f"/records/lead/{lead.id}/archive", data={"next": target, "reason": "测试"}),
        client.post(f"/projects/{project.id}/stage", data={"next": target, "to": "attracting"}),
    ]
    for response in responses:
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//"), location
        assert "evil" not in location


def _assert_headers(response, *, signed_in: bool) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().partition(" ")[::2] for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    if signed_in:
        assert response.headers["Cache-Control"] == "no-store"


def test_headers_on_pages_and_every_kind_of_error_page(app, client, login_as, monkeypatch):
    _assert_headers(client.get("/auth/login"), signed_in=False)
    _assert_headers(client.get("/no-such-page"), signed_in=False)
    _assert_headers(client.get("/api/v1/leads"), signed_in=False)  # 401 JSON
    staff = login_as("staff")
    from app.api.tokens import issue_token

    token, _row = issue_token(staff)
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    for path, status in {"/api/v1/leads": 200, "/api/v1/leads/999999": 404, "/api/v1/nothing-here": 404}.items():
        response = client.get(path, headers=bearer)
        assert response.status_code == status, path
        _assert_headers(response, signed_in=path != "/api/v1/nothing-here")
    cases = {
        "/": 200,
        "/leads/": 200,
        "/leads/export.xlsx": 200,
        "/no-such-page": 404,
        "/leads/999999": 404,
        "/admin/": 403,
    }
    for path, status in cases.items():
        response = client.get(path)
        assert response.status_code == status, path
        _assert_headers(response, signed_in=True)
    response = client.put("/leads/")
    assert response.status_code == 405
    _assert_headers(response, signed_in=True)
    response = client.post("/leads/new", data={"title": "x"}, csrf=False)
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    _assert_headers(response, signed_in=True)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    response = client.post("/leads/new", data={"title": "x" * 20_000})
    assert response.status_code == 413
    _assert_headers(response, signed_in=True)

    # An unexpected crash: the Chinese 500 page, headers included.
    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app, "testing", False)
    monkeypatch.setattr("app.main.routes.panels_for", boom)
    response = client.get("/")
    assert response.status_code == 500
    assert "系统内部错误" in response.get_data(as_text=True)
    _assert_headers(response, signed_in=True)


def test_static_files_keep_the_security_headers(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    _assert_headers(response, signed_in=False)


def test_no_page_sets_an_inline_script_or_style(client, login_as):
    """The CSP forbids inline code: no page may render a <script> block with
    a body, an on*= handler or a style= attribute (the browser would drop it)."""
    import re

    department = factories.department()
    staff = factories.user(Role.STAFF, department=department)
    lead = fl.lead(department=department, owner=staff)
    project = fp.project(stage=Stage.PLANNING, department=department, is_key=False)
    db.session.commit()
    login_as(staff)
    for path in ("/", "/leads/", f"/leads/{lead.id}", f"/projects/{project.id}", "/reports/funnel", "/no-such"):
        html = client.get(path).get_data(as_text=True)
        for match in re.finditer(r"<script\b[^>]*>(.*?)</script>", html, re.S | re.I):
            assert not match.group(1).strip() or "application/json" in match.group(0), path
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), path
        assert not re.search(r"\sstyle\s*=", html, re.I), path


def test_idle_timeout_also_ends_the_remember_me_cookie(app, client):
    """Otherwise the idle browser is sent to sign in once and then let
    straight back in by the remember-me cookie on the next click."""
    user = factories.user(Role.STAFF)
    db.session.commit()
    _sign_in(client, user, remember="y")
    with client.session_transaction() as sess:
        sess["_seen"] = dt.datetime.now(dt.UTC).timestamp() - app.config["IDLE_TIMEOUT_MINUTES"] * 60 - 60
    response = client.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get_cookie("remember_token") is None
    assert not _signed_in(client)
