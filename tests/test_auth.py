"""Sign-in, sign-out, password change, sessions and the role guard."""

from __future__ import annotations

import sqlalchemy as sa

from app.db import db
from app.models import AuditLog, Role, User
from tests import factories
from tests.conftest import PASSWORD


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/auth/login", data={"username": username, "password": password, **extra})


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_sign_in_succeeds_and_is_audited(client):
    user = factories.user("staff")
    db.session.commit()
    response = _login(client, user.username)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity_id == user.id)).all()
    assert "login" in actions


def test_wrong_password_shows_chinese_message_and_is_audited(client):
    user = factories.user("staff")
    db.session.commit()
    response = _login(client, user.username, "wrong-password-1")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "login_failed")) == 1


def test_unknown_user_gets_the_same_message(client):
    response = _login(client, "nobody", "whatever-123")
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(client):
    user = factories.user("staff", active=False)
    db.session.commit()
    response = _login(client, user.username)
    assert response.status_code == 200
    assert "已停用" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_missing_csrf_token_is_a_clear_400(client):
    user = factories.user("staff")
    db.session.commit()
    response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_over_long_username_is_refused_with_message(client):
    response = _login(client, "x" * 10000, "whatever")
    assert response.status_code == 200
    assert "长度" in response.get_data(as_text=True) or "字符" in response.get_data(as_text=True)


def test_sign_out_invalidates_a_replayed_cookie(client, app):
    user = factories.user("staff")
    db.session.commit()
    _login(client, user.username)
    with client.session_transaction() as sess:
        stolen = dict(sess)
    assert client.post("/auth/logout").status_code == 302
    # Replay the old session contents: the session version no longer matches.
    with client.session_transaction() as sess:
        sess.update(stolen)
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_deactivation_ends_existing_sessions(client):
    user = factories.user("staff")
    db.session.commit()
    _login(client, user.username)
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_change_password_requires_current_and_signs_out_everywhere(client):
    user = factories.user("staff")
    db.session.commit()
    _login(client, user.username)
    bad = client.post(
        "/auth/password",
        data={"current_password": "nope-nope-1", "new_password": "Brand-New-Pass-9", "confirm": "Brand-New-Pass-9"},
    )
    assert "当前密码不正确" in bad.get_data(as_text=True)
    weak = client.post(
        "/auth/password", data={"current_password": PASSWORD, "new_password": "123456", "confirm": "123456"}
    )
    assert "至少" in weak.get_data(as_text=True)
    ok = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "new_password": "Brand-New-Pass-9", "confirm": "Brand-New-Pass-9"},
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 302  # signed out
    assert _login(client, user.username, "Brand-New-Pass-9").status_code == 302


def test_sixty_four_character_password_is_accepted(client):
    user = factories.user("staff")
    db.session.commit()
    _login(client, user.username)
    long_pw = "Aa1-" * 16
    ok = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": long_pw, "confirm": long_pw})
    assert ok.status_code == 302
    assert _login(client, user.username, long_pw).status_code == 302


def test_passwords_are_stored_as_argon2id(client):
    user = factories.user("staff")
    assert user.password_hash.startswith("$argon2id$")


def test_next_parameter_only_redirects_to_our_own_paths(client):
    user = factories.user("staff")
    db.session.commit()
    response = client.post(
        "/auth/login?next=https://evil.example/x", data={"username": user.username, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=//evil.example", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=/admin/", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/admin/"


def test_session_cookie_flags(client):
    user = factories.user("staff")
    db.session.commit()
    response = _login(client, user.username, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember


def test_role_change_invalidates_session(client):
    user = factories.user("staff")
    db.session.commit()
    _login(client, user.username)
    admin = factories.user("admin")
    db.session.commit()
    from app.admin.services import update_user

    update_user(
        user,
        {
            "username": user.username,
            "name": user.name,
            "role": "viewer",
            "scope": "all",
            "department_id": user.department_id,
        },
        admin,
    )
    db.session.commit()
    assert db.session.get(User, user.id).role is Role.VIEWER
    assert client.get("/").status_code == 302


def test_sign_in_is_rate_limited_per_account(client, app):
    user = factories.user("staff")
    db.session.commit()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]
    for _ in range(limit):
        assert _login(client, user.username, "wrong-password-1").status_code == 200
    blocked = _login(client, user.username)  # even the right password now waits
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Another account from another address is not affected.
    other = factories.user("staff")
    db.session.commit()
    response = client.post(
        "/auth/login",
        data={"username": other.username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 302


def test_sign_in_is_rate_limited_per_address(client, app):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    try:
        for n in range(3):
            client.post("/auth/login", data={"username": f"guess{n}", "password": "wrong-password-1"})
        user = factories.user("staff")
        db.session.commit()
        assert _login(client, user.username).status_code == 429
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_IP"] = 300
