"""Error pages: HTML in Chinese for pages, JSON for /api; never a bare 500
for bad input (CSRF failures, oversized bodies, stale edits), and a clean
503 while the database is unreachable (a restart, a network cut): the pool
pre-pings, so the app serves again as soon as the database is back."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.db import db
from app.refusals import Refusal

MESSAGES = {
    400: "请求有误，请检查后重试。",
    401: "请先登录。",
    403: "您没有权限执行此操作。",
    404: "页面不存在，或您无权查看该记录。",
    405: "不支持该请求方式。",
    409: "记录已被他人修改，请刷新后重试。",
    413: "上传的文件或提交的内容过大。",
    422: "提交的数据无法处理。",
    429: "操作过于频繁，请稍后再试。",
    500: "系统内部错误，已记录，请稍后重试。",
    503: "服务暂时不可用，请稍后重试。",
}


CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def error_response(status: int, message: str, fields: dict[str, str] | None = None) -> tuple[Response, int]:
    body = {"error": {"code": CODES.get(status, "error"), "message": message, "fields": fields or {}}}
    return jsonify(body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


# The API names records, not pages.
API_MESSAGES = {404: "记录不存在，或您无权查看。"}


def render_error(status: int, message: str | None = None):
    if _wants_json():
        message = message or _(API_MESSAGES.get(status) or MESSAGES.get(status, "请求有误。"))
        return error_response(status, message)
    message = message or _(MESSAGES.get(status, "请求有误。"))
    return render_template("errors/error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(400, _("页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"))

    @app.errorhandler(Refusal)
    def refusal(exc: Refusal):
        """A refusal no view caught (e.g. a bad API query parameter): nothing
        was committed; answer its status and message (JSON names the field)."""
        db.session.rollback()
        if _wants_json():
            return error_response(exc.status, exc.message, {exc.field: exc.message} if exc.field else {})
        return render_error(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        # abort(403, "…") passes a message of our own; werkzeug's English
        # default descriptions are replaced by the Chinese ones above.
        custom = exc.description if exc.description != type(exc).description else None
        return render_error(status, custom)

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        """End the request's session here, before Flask-SQLAlchemy's own
        teardown would: when the database goes away just as a response goes
        out, the rollback on close fails, and that must not turn a finished
        request into gunicorn's bare 500 (the pool drops the dead connection)."""
        try:
            db.session.remove()
        except DBAPIError as error:
            with suppress(Exception):  # its connection is in an unknown state: close it hard
                db.session.registry().invalidate()
            db.session.registry.clear()
            app.logger.warning("Database connection lost while closing the session: %s", error.orig or error)

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        if not database_unavailable(exc):
            return server_error(exc)
        with suppress(Exception):  # the connection is gone; the pool replaces it
            db.session.rollback()
        # Nothing below may touch the database again (the page, the headers):
        # answer as to a visitor who is not signed in.
        g._login_user = app.login_manager.anonymous_user()
        app.logger.warning("Database unavailable on %s: %s", request.path, exc.orig or exc)
        message = _("数据库暂时无法连接，请稍后重试。如刚提交了表单，请稍后刷新页面核对是否已保存。")
        response = make_response(render_error(503, message))
        response.headers["Retry-After"] = "5"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        if app.testing:
            raise exc
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)


def database_unavailable(exc: DBAPIError) -> bool:
    """Lost, closed or refused connections (and SQLite's busy database) —
    not bugs such as a constraint violation, which stay a 500."""
    return isinstance(exc, (OperationalError, InterfaceError)) or bool(exc.connection_invalidated)
