"""Flask-Login wiring: users are loaded by "id:session_version", so bumping
a user's session version invalidates every session and remember-me cookie
they hold; idle sessions expire."""

from __future__ import annotations

import time

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy.orm import joinedload

from app.db import db
from app.models import User


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.before_request(_enforce_idle_timeout)


def load_user(token: str) -> User | None:
    # The JSON API authenticates by bearer token only, never by the cookie
    # (so it needs no CSRF token): see app/api/tokens.py.
    if has_request_context() and request.path.startswith("/api/"):
        return None
    try:
        user_id, version = (int(part) for part in token.split(":", 1))
    except (ValueError, AttributeError):
        return None
    # With the department, which the page header shows: one query, not two.
    user = db.session.get(User, user_id, options=[joinedload(User.department)])
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def invalidate_sessions(user: User) -> None:
    """Refuse every existing session and remember-me cookie of `user`."""
    user.session_version = (user.session_version or 1) + 1


def _enforce_idle_timeout() -> None:
    if request.path.startswith(("/api/", "/static/")):
        return
    now = time.time()  # elapsed time, not a calendar date: the real clock
    last = session.get("_seen")
    limit = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
    if last is not None and now - last > limit and current_user.is_authenticated:
        from flask_login import logout_user

        logout_user()
        session.clear()
        # …and the remember-me cookie with it, or the next request would sign
        # the idle browser straight back in (Flask-Login deletes it on "clear").
        session["_remember"] = "clear"
        return
    # Avoid rewriting the cookie on every request: refresh once a minute.
    if last is None or now - last > 60:
        session["_seen"] = now
