"""API sign-in: bearer tokens (only their SHA-256 is stored), loaded by
Flask-Login's request loader so `current_user` and the permissions module
work for the API exactly as for pages. Token sign-in shares the HTML
sign-in's rate limit and audit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, request
from flask_login import LoginManager, current_user

from app import audit
from app.api.common import saving
from app.db import db, utcnow
from app.models import ApiToken, Role, User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


SCOPES = {"read": "只读", "write": "读写"}


def issue_token(
    user: User, name: str | None = None, *, scope: str = "write", days: int | None = None
) -> tuple[str, ApiToken]:
    """A new token for `user`, `scope` 'read' (GET only) or 'write', valid
    `days` (API_TOKEN_DAYS, 90, by default); returns the clear token (shown
    once) and its row."""
    clear = secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=hash_token(clear),
        name=name,
        scope=scope,
        expires_at=utcnow() + timedelta(days=days or current_app.config["API_TOKEN_DAYS"]),
    )
    db.session.add(row)
    db.session.flush()
    audit.record("create", "api_token", row.id, summary=name or "API 令牌", user_id=user.id)
    return clear, row


def revoke(token: ApiToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("revoke", "api_token", token.id, summary=f"用户 #{token.user_id}", user_id=actor.id)


def user_from_bearer() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip() or len(value) > 200:
        return None
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(value.strip())))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    # Refresh "last used" at most once a minute to keep reads cheap.
    if row.last_used_at is None or utcnow() - row.last_used_at > timedelta(minutes=1):
        with saving():
            row.last_used_at = utcnow()
    request.environ["zs.api_token_id"] = row.id
    request.environ["zs.api_token_scope"] = row.scope
    return user


def current_token_id() -> int | None:
    return request.environ.get("zs.api_token_id")


def read_only_token() -> bool:
    """Whether this request came with a read-only token."""
    return request.environ.get("zs.api_token_scope") == "read"


def visible_tokens_filter() -> sa.ColumnElement[bool]:
    if current_user.role is Role.ADMIN:
        return sa.true()
    return ApiToken.user_id == current_user.id


def init_api_auth(app: Flask, login_manager: LoginManager) -> None:
    """API requests authenticate by bearer token only (never the cookie)."""

    @login_manager.request_loader
    def _load_from_request(_request):
        if request.path.startswith("/api/"):
            return user_from_bearer()
        return None
