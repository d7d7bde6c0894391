"""Sign-in, sign-out and "change my password" pages."""

from __future__ import annotations

import time

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import ChangePasswordForm, LoginForm
from app.auth.services import (
    KNOWN_COOKIE,
    KNOWN_DAYS,
    RateLimitedError,
    change_password,
    known_usernames,
    remember_device,
    sign_in,
)
from app.auth.sessions import end_everything, end_session, is_this_device, open_sessions, open_tokens
from app.security import safe_next_url
from app.views import attempt


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        # A refused sign-in is committed too: its audit row and rate-limit count stay.
        agent = request.headers.get("User-Agent")
        known_cookie = request.cookies.get(KNOWN_COOKIE)
        known = (form.username.data or "").strip().lower() in known_usernames(known_cookie)
        result = attempt(
            lambda: sign_in(form.username.data, form.password.data, request.remote_addr, agent, known_device=known)
        ).value
        if isinstance(result.refusal, RateLimitedError):
            form.password.errors.append(result.refusal.message)
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(result.refusal.retry_after)}
        if result.refusal is not None:
            form[result.refusal.field].errors.append(result.refusal.message)
            return render_template("auth/login.html", form=form)
        session.clear()  # a fresh session at sign-in: no fixation
        session["_seen"] = time.time()  # the device's last activity is its sign-in
        login_user(result.user, remember=form.remember.data)
        flash(_("欢迎，%(name)s。", name=result.user.name), "success")
        _warn_if_targeted(result.failed_before)
        response = redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
        return _remember_device(response, known_cookie, result.user.username)
    return render_template("auth/login.html", form=form)


def _warn_if_targeted(failed_before: tuple[int, int] | None) -> None:
    if failed_before:
        message = _(
            "自您上次登录以来，该账号有 %(n)d 次失败的登录尝试（来自 %(m)d 个地址）。如非本人操作，请修改密码。",
            n=failed_before[0],
            m=failed_before[1],
        )
        flash(message, "warning")


def _remember_device(response: Response, cookie: str | None, username: str) -> Response:
    """This device signed in as `username`: the sign-in limits spare it."""
    response.set_cookie(
        KNOWN_COOKIE,
        remember_device(cookie, username),
        max_age=KNOWN_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign this device out; the user's other devices stay signed in."""
    attempt(lambda: end_session(current_user))
    logout_user()
    session.clear()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout-all", methods=["POST"])
@login_required
def logout_all():
    """退出所有设备: every session, remember-me cookie and API token."""
    attempt(lambda: end_everything(current_user))
    logout_user()
    session.clear()
    flash(_("已退出所有设备（含 API 令牌），请重新登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and attempt(
        lambda: change_password(current_user, form.current_password.data, form.new_password.data), form
    ):
        logout_user()
        session.clear()
        flash(_("密码已修改，请用新密码重新登录。"), "success")
        return redirect(url_for("auth.login"))
    devices = [(row, is_this_device(current_user, row)) for row in open_sessions(current_user)]
    return render_template("auth/password.html", form=form, devices=devices, tokens=open_tokens(current_user))
