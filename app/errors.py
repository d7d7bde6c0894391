"""Error pages: HTML in Chinese for pages, JSON for /api; never a bare 500
for bad input (CSRF failures, oversized bodies, stale edits)."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.db import db

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


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None):
    message = message or _(MESSAGES.get(status, "请求有误。"))
    if _wants_json():
        from app.api.core import error_response

        return error_response(status, message)
    return render_template("errors/error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(400, _("页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        # abort(403, "…") passes a message of our own; werkzeug's English
        # default descriptions are replaced by the Chinese ones above.
        custom = exc.description if exc.description != type(exc).description else None
        return render_error(status, custom)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        if app.testing:
            raise exc
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
