"""Flask-Login wiring. A user is loaded by "id:session_version:device
secret": each signed-in device has a `UserSession` row (the secret's
SHA-256), so signing out ends that device only (its session and remember-me
cookies stop working), while bumping the session version — or
`end_everything`, which also revokes the API tokens — ends every device.
Idle sessions expire; a device's last activity is kept to the minute."""

from __future__ import annotations

import hashlib
import secrets
import time

import sqlalchemy as sa
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy.orm import joinedload

from app.db import db, utcnow
from app.models import ApiToken, User, UserSession


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.before_request(_enforce_idle_timeout)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(user: User, ip: str | None, user_agent: str | None) -> str:
    """A new device session for `user` (at sign-in); its secret, which the
    cookies carry through `user.get_id()`."""
    secret = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(secret), ip=ip, user_agent=(user_agent or "")[:200]))
    user.login_sid = secret
    return secret


def load_user(token: str) -> User | None:
    # The JSON API authenticates by bearer token only, never by the cookie
    # (so it needs no CSRF token): see app/api/tokens.py.
    if has_request_context() and request.path.startswith("/api/"):
        return None
    try:
        raw_id, raw_version, secret = token.split(":", 2)
        user_id, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    if not secret:
        return None
    # The user with the department the header shows, only while this
    # device's session is open: one query.
    user = db.session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.token_hash == _hash(secret), UserSession.ended_at.is_(None))
        .options(joinedload(User.department))
    )
    if user is None or not user.active or user.session_version != version:
        return None
    user.login_sid = secret
    return user


def end_session(user: User) -> None:
    """Sign this device out (the others stay signed in)."""
    if user.login_sid:
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.token_hash == _hash(user.login_sid), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def open_sessions(user: User) -> list[UserSession]:
    """The devices `user` is signed in on, most recent first."""
    # A device quiet for longer than a remember-me cookie lives is gone.
    since = utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]
    stmt = (
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.last_seen_at >= since)
        .order_by(UserSession.last_seen_at.desc())
    )
    return list(db.session.scalars(stmt))


def open_tokens(user: User) -> list[ApiToken]:
    """The user's API tokens still in force, newest first."""
    stmt = (
        sa.select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc())
    )
    return list(db.session.scalars(stmt))


def is_this_device(user: User, row: UserSession) -> bool:
    return bool(user.login_sid) and row.token_hash == _hash(user.login_sid)


def invalidate_sessions(user: User) -> None:
    """Refuse every existing session and remember-me cookie of `user`."""
    user.session_version = (user.session_version or 1) + 1


def end_everything(user: User) -> None:
    """Sign `user` out everywhere: every session, remember-me cookie and API
    token (a password change or reset, a deactivation, 退出所有设备)."""
    invalidate_sessions(user)
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _enforce_idle_timeout() -> None:
    if request.path.startswith(("/api/", "/static/")):
        return
    now = time.time()  # elapsed time, not a calendar date: the real clock
    last = session.get("_seen")
    limit = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
    if last is not None and now - last > limit and current_user.is_authenticated:
        from flask_login import logout_user

        if current_user.login_sid:
            _touch_device(current_user.login_sid, ended=True)  # the idle device is signed out
        logout_user()
        session.clear()
        # …and the remember-me cookie with it, or the next request would sign
        # the idle browser straight back in (Flask-Login deletes it on "clear").
        session["_remember"] = "clear"
        return
    # Avoid rewriting the cookie on every request: refresh once a minute,
    # and the device's last activity with it (its own short transaction).
    if last is None or now - last > 60:
        session["_seen"] = now
        if current_user.is_authenticated and current_user.login_sid:
            _touch_device(current_user.login_sid, ended=False)


def _touch_device(secret: str, *, ended: bool) -> None:
    """Record a device's activity (or its idle sign-out) on a connection of
    its own, best effort: the request's session and the user it loaded are
    not touched, and a database busy with a long write (an import commit on
    SQLite) costs the page at most a moment, never an error."""
    values = {"ended_at": utcnow()} if ended else {"last_seen_at": utcnow()}
    sqlite = db.engine.dialect.name == "sqlite"
    try:
        with db.engine.connect() as connection:
            if sqlite:
                connection.exec_driver_sql("PRAGMA busy_timeout=200")
            try:
                update = sa.update(UserSession).where(UserSession.token_hash == _hash(secret))
                connection.execute(update.values(**values))
                connection.commit()
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA busy_timeout=5000")
    except sa.exc.OperationalError:
        current_app.logger.info("device activity not recorded: the database is busy")
