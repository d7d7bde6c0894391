"""Authentication rules: verify a sign-in (auditing success and failure),
change a password. Used by the HTML views and later the API."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.auth.sessions import invalidate_sessions
from app.db import db, utcnow
from app.models import User


class AuthError(Exception):
    """A refused sign-in or password change; the message is for the user and
    `field` names the form field it belongs next to."""

    def __init__(self, message: str, field: str = "password") -> None:
        super().__init__(message)
        self.field = field


def authenticate(username: str, password: str) -> User:
    """The user for these credentials, or AuthError. Audits both outcomes."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))
    if user is None or not verify_password(user.password_hash, password):
        audit.record(
            "login_failed",
            "user",
            user.id if user else None,
            summary=f"用户名 {username[:50]}",
            user_id=user.id if user else None,
        )
        raise AuthError(_("用户名或密码错误。"))
    if not user.active:
        audit.record("login_refused", "user", user.id, summary="账号已停用", user_id=user.id)
        raise AuthError(_("该账号已停用，请联系管理员。"))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record("login", "user", user.id, user_id=user.id)
    return user


def set_password(user: User, new_password: str) -> None:
    """Set a new password (policy checked) and end every existing session."""
    problem = password_problem(new_password)
    if problem:
        raise AuthError(problem, "new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    invalidate_sessions(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AuthError(_("当前密码不正确。"), "current_password")
    set_password(user, new_password)
    audit.record("password_change", "user", user.id)
