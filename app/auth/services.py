"""Authentication rules: verify a sign-in (auditing success and failure),
change a password. Used by the HTML views and later the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app import audit, clock
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
    """Too many failed sign-ins: `retry_after` seconds until the next try."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        minutes = -(-self.retry_after // 60)
        when = (clock.now() + timedelta(seconds=self.retry_after)).strftime("%H:%M")
        super().__init__(_("登录失败次数过多，请在 %(when)s 之后（约 %(n)d 分钟后）再试。", when=when, n=minutes))


def _failures(condition: sa.ColumnElement[bool], since: datetime) -> list[datetime]:
    """When the failed attempts matching `condition` since `since` were, newest first."""
    stmt = (
        sa.select(LoginAttempt.at)
        .where(condition, LoginAttempt.success.is_(False), LoginAttempt.at >= since)
        .order_by(LoginAttempt.at.desc())
    )
    return list(db.session.scalars(stmt))


def _known_address(username: str, ip: str) -> bool:
    """Whether this account signed in from this address in the last 90 days."""
    since = utcnow() - timedelta(days=90)
    found = sa.select(LoginAttempt.id).where(
        LoginAttempt.username == username,
        LoginAttempt.ip == ip,
        LoginAttempt.success.is_(True),
        LoginAttempt.at >= since,
    )
    return db.session.scalar(found.limit(1)) is not None


def check_rate_limit(username: str, ip: str | None, *, known_device: bool = False) -> None:
    """Refuse (429, with when to try again) before verifying anything:

    - one account from one address: LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS
      failures in the window lock that pair until the oldest of them ages out;
    - one account from everywhere: past LOGIN_ACCOUNT_DELAY_AFTER failures,
      each further try waits a growing delay (15 s, 30 s … at most 15 min)
      after the latest failure — except from an address the account signed
      in from before, so an attacker cannot keep the owner out;
    - one address for every account: LOGIN_MAX_FAILURES_PER_IP, a ceiling
      fit for a whole office behind one NAT.

    A device the account signed in on before (`known_device`: a signed
    cookie) is spared the first two, so a colleague behind the same NAT or an
    attacker elsewhere cannot keep the owner out."""
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    now = utcnow()
    since = now - window
    if ip and not known_device:
        pair = _failures(sa.and_(LoginAttempt.username == username, LoginAttempt.ip == ip), since)
        limit = config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]
        if len(pair) >= limit:
            raise RateLimitedError(int((pair[limit - 1] + window - now).total_seconds()))
    account = _failures(LoginAttempt.username == username, since)
    extra = len(account) - config["LOGIN_ACCOUNT_DELAY_AFTER"]
    if extra >= 0 and not known_device and not (ip and _known_address(username, ip)):
        delay = timedelta(seconds=min(15 * 2 ** min(extra, 10), 900))
        if account[0] + delay > now:
            raise RateLimitedError(int((account[0] + delay - now).total_seconds()))
    if ip:
        limit = config["LOGIN_MAX_FAILURES_PER_IP"]
        address = _failures(LoginAttempt.ip == ip, since)
        if len(address) >= limit:
            raise RateLimitedError(int((address[limit - 1] + window - now).total_seconds()))


def failed_since(username: str, since: datetime | None) -> tuple[int, int]:
    """(failed attempts, distinct addresses) on an account since `since`
    (the last sign-in): the owner and the admin see it was targeted."""
    condition = sa.and_(LoginAttempt.username == username, LoginAttempt.success.is_(False))
    if since is not None:
        condition = sa.and_(condition, LoginAttempt.at > since)
    row = db.session.execute(
        sa.select(sa.func.count(LoginAttempt.id), sa.func.count(sa.distinct(LoginAttempt.ip))).where(condition)
    ).one()
    return row[0] or 0, row[1] or 0


def clear_rate_limit(user: User) -> int:
    """Admin: forget the failed sign-ins of `user` (audited); how many."""
    gone = db.session.execute(
        sa.delete(LoginAttempt)
        .where(sa.func.lower(LoginAttempt.username) == user.username.lower(), LoginAttempt.success.is_(False))
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record("clear_login_limit", "user", user.id, summary=f"清除登录失败记录 {gone} 条")
    return gone or 0


def authenticate(username: str, password: str, ip: str | None = None, *, known_device: bool = False) -> User:
    """The user for these credentials, or AuthError. Audits both outcomes and
    records the attempt for the rate limit."""
    username = username.strip().lower()[:50]
    check_rate_limit(username, ip, known_device=known_device)
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
    # (failed attempts, addresses) on the account since its previous sign-in.
    failed_before: tuple[int, int] | None = None


def sign_in(
    username: str,
    password: str,
    ip: str | None = None,
    user_agent: str | None = None,
    *,
    device: bool = True,
    known_device: bool = False,
) -> SignIn:
    """`authenticate` and open this device's session, with a refused sign-in
    as an answer rather than an exception: the audit row of the failed
    attempt and its rate-limit count are kept, so the caller commits in both
    cases (the one unit of work that is not rolled back on a refusal)."""
    previous = db.session.scalar(
        sa.select(User.last_login_at).where(sa.func.lower(User.username) == username.strip().lower()[:50])
    )
    try:
        user = authenticate(username, password, ip, known_device=known_device)
    except AuthError as exc:
        return SignIn(None, exc)
    failures = failed_since(user.username.lower(), previous)
    if device:  # (an API token's sign-in opens no device session)
        start_session(user, ip, user_agent)
    return SignIn(user, failed_before=failures if failures[0] else None)


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


KNOWN_COOKIE = "zs_known"
KNOWN_DAYS = 180


def _known_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def known_usernames(cookie: str | None) -> list[str]:
    """The accounts that signed in on this device (a signed cookie; forged
    or expired: none)."""
    if not cookie:
        return []
    try:
        names = _known_serializer().loads(cookie, max_age=KNOWN_DAYS * 86400)
    except BadSignature:
        return []
    return [name for name in names if isinstance(name, str)][:5] if isinstance(names, list) else []


def remember_device(cookie: str | None, username: str) -> str:
    """The cookie value after `username` signed in on this device."""
    names = [username.lower(), *(name for name in known_usernames(cookie) if name != username.lower())]
    return _known_serializer().dumps(names[:5])
