"""The password policy (issue 17): at least 10 characters; not the username
(even with digits or symbols around it); not a common password, dressed up
or not (Password12, qwertyuiop1); not the published demo password outside
demo mode — on the user's own change, an admin's new user and reset."""

from __future__ import annotations

import pytest

from app.auth.passwords import DEMO_PASSWORD, password_problem


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("short1!", "至少需要 10 个字符"),
        ("wangxiaoming", "不能是用户名"),
        ("wangxiaoming2026", "不能是用户名"),
        ("Password12", "过于常见"),
        ("qwertyuiop1", "过于常见"),
        ("1qaz2wsx!!", "过于常见"),
        ("zhaoshang123", "过于常见"),
        ("1234567890", "过于常见"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(app, password, says):
    with app.test_request_context():
        problem = password_problem(password, "wangxiaoming")
    assert problem is not None and says in problem


def test_a_sound_password_passes(app):
    with app.test_request_context():
        assert password_problem("河南招商-Kf8q2Lx", "wangxiaoming") is None


def test_the_demo_password_only_in_demo_mode(app, monkeypatch):
    with app.test_request_context():
        monkeypatch.setitem(app.config, "DEMO_DATA_ALLOWED", False)
        assert "演示账号" in (password_problem(DEMO_PASSWORD, "someone") or "")
        monkeypatch.setitem(app.config, "DEMO_DATA_ALLOWED", True)
        assert password_problem(DEMO_PASSWORD, "someone") is None


def test_the_admin_cannot_give_a_user_their_username_as_password(client, login_as):
    login_as("admin")
    page = client.post(
        "/admin/users/new",
        data={"username": "zhangwei", "name": "张伟", "role": "viewer", "scope": "all", "password": "zhangwei2026"},
    ).get_data(as_text=True)
    assert "不能是用户名" in page
