"""Authentication rules: verify a sign-in (auditing success and failure),
change a password. Used by the HTML views and later the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import audit
from app.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.auth.sessions import end_everything, start_session
from app.db import db, utcnow
from app.models import LoginAttempt, User
from app.refusals import Refusal


class AuthError(Refusal):
    """A refused sign-in or password change; the message is for the user and
    `field` names the form field it belongs next to."""

    def __init__(self, message: str, field: str = "password") -> None:
        super().__init__(message, field)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-" + "x" * 12)


class RateLimitedError(AuthError):
    """Too many failed sign-ins for this account or address."""


def _recent_failures(condition: sa.ColumnElement[bool]) -> int:
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return (
        db.session.scalar(
            sa.select(sa.func.count(LoginAttempt.id)).where(
                condition, LoginAttempt.success.is_(False), LoginAttempt.at >= utcnow() - window
            )
        )
        or 0
    )


def check_rate_limit(username: str, ip: str | None) -> None:
    """Refuse before verifying anything when the account or the address has
    failed too often within the window."""
    minutes = current_app.config["LOGIN_WINDOW_MINUTES"]
    message = _("登录失败次数过多，请 %(n)d 分钟后再试。", n=minutes)
    if _recent_failures(LoginAttempt.username == username) >= current_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        raise RateLimitedError(message)
    if ip and _recent_failures(LoginAttempt.ip == ip) >= current_app.config["LOGIN_MAX_FAILURES_PER_IP"]:
        raise RateLimitedError(message)


def authenticate(username: str, password: str, ip: str | None = None) -> User:
    """The user for these credentials, or AuthError. Audits both outcomes and
    records the attempt for the rate limit."""
    username = username.strip().lower()[:50]
    check_rate_limit(username, ip)
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username))
    # Verify against a dummy hash for unknown users: same cost, no user enumeration by timing.
    ok = verify_password(user.password_hash if user else _dummy_hash(), password) and user is not None
    db.session.add(LoginAttempt(username=username, ip=ip, success=ok))
    if not ok:
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


@dataclass(frozen=True)
class SignIn:
    """What a sign-in came to: the user, or the refusal to show."""

    user: User | None
    refusal: AuthError | None = None


def sign_in(username: str, password: str, ip: str | None = None, user_agent: str | None = None) -> SignIn:
    """`authenticate` and open this device's session, with a refused sign-in
    as an answer rather than an exception: the audit row of the failed
    attempt and its rate-limit count are kept, so the caller commits in both
    cases (the one unit of work that is not rolled back on a refusal)."""
    try:
        user = authenticate(username, password, ip)
    except AuthError as exc:
        return SignIn(None, exc)
    start_session(user, ip, user_agent)
    return SignIn(user)


def set_password(user: User, new_password: str) -> None:
    """Set a new password (policy checked) and end every existing session."""
    problem = password_problem(new_password, user.username)
    if problem:
        raise AuthError(problem, "new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    end_everything(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AuthError(_("当前密码不正确。"), "current_password")
    set_password(user, new_password)
    audit.record("password_change", "user", user.id)
