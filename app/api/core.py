"""The JSON API's backbone: an `operation` decorator that validates query and
body with pydantic models, serialises the response model, and records the
operation so that `/api/v1/openapi.json` is generated from the very schemas
that validate requests. Errors are always `{"error": {"code", "message",
"fields"}}` with a 4xx status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from app.errors import CODES, error_response  # noqa: F401 - the API's error body
from app.models import Role
from app.params import MAX_ID
from app.refusals import Refusal


class ApiError(Exception):
    """Raise from an API view or service adapter to answer a JSON error."""

    def __init__(
        self, status: int, message: str, fields: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def _field_errors(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(p) for p in err["loc"]) or "body"
        fields.setdefault(name, _zh(err))
    return fields


def _zh(err: dict[str, Any]) -> str:
    """A Chinese message for a pydantic error."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "必填项。"
    if kind == "value_error" and isinstance(ctx.get("error"), Refusal):
        return ctx["error"].message  # e.g. the money parser's own words
    if kind.startswith("string_too_long"):
        return f"不能超过 {ctx.get('max_length')} 个字符。"
    if kind.startswith("string_too_short"):
        return f"至少 {ctx.get('min_length')} 个字符。"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}。"
    if kind in {"less_than_equal", "less_than"}:
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}。"
    if kind.startswith(("int_", "decimal_", "float_")):
        return "请输入有效的数字。"
    if kind.startswith("date"):
        return "请输入有效的日期（YYYY-MM-DD）。"
    if kind.startswith("bool"):
        return "请输入 true 或 false。"
    if kind in {"enum", "literal_error"}:
        return f"取值无效，可选：{ctx.get('expected', '')}。"
    if kind == "extra_forbidden":
        return "不允许的字段。"
    if kind.startswith("string"):
        return "请输入文本。"
    return err.get("msg", "取值无效。")


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    auth: bool
    roles: tuple[Role, ...]
    errors: tuple[int, ...] = field(default_factory=tuple)
    # Names of multipart file fields (uploads); the view reads request.files.
    files: tuple[str, ...] = field(default_factory=tuple)
    # Other success statuses the view may answer with (same response model).
    also: tuple[int, ...] = field(default_factory=tuple)


OPERATIONS: list[Operation] = []


def operation(
    bp: Any,
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    auth: bool = True,
    roles: tuple[Role, ...] = (),
    errors: tuple[int, ...] = (),
    endpoint: str | None = None,
    files: tuple[str, ...] = (),
    read_ok: bool = False,
    also: tuple[int, ...] = (),
) -> Callable:
    """Register a JSON operation on `bp`. The view receives `query=` and/or
    `body=` (validated models) plus URL arguments, and returns a response
    model (serialised with `status`), a (model, status) tuple or a Response.
    `files` names the multipart file fields of an upload operation (instead
    of a JSON body); the view reads them from `request.files`. A read-only
    token may only GET (`read_ok`: a write it may still make, e.g. revoking
    itself). `also` lists other success statuses the view may return (a
    PUT that answers 201 when it creates, `also=(200,)` when it updates)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(**url_args: Any) -> Any:
            if auth and not current_user.is_authenticated:
                return error_response(401, "请先获取令牌并在 Authorization: Bearer 头中提供。")
            if roles and current_user.role not in roles:
                return error_response(403, "您没有权限执行此操作。")
            read_only = request.environ.get("zs.api_token_scope") == "read"
            if auth and read_only and method not in ("GET", "HEAD") and not read_ok:
                return error_response(403, "只读令牌不能修改数据，请申请读写（write）令牌。")
            if any(isinstance(v, int) and not 0 < v <= MAX_ID for v in url_args.values()):
                # No record has such an id (and the database could not even compare it).
                return error_response(404, not_found().message)
            kwargs: dict[str, Any] = dict(url_args)
            try:
                if query is not None:
                    raw = {k: v if len(v) > 1 else v[0] for k, v in request.args.to_dict(flat=False).items()}
                    kwargs["query"] = query.model_validate(raw)
                if body is not None:
                    try:
                        payload = request.get_json(silent=True)
                    except RecursionError:  # nested thousands deep: not a body of ours
                        payload = None
                    if not isinstance(payload, dict):
                        return error_response(400, "请求体必须是 JSON 对象（Content-Type: application/json）。")
                    kwargs["body"] = body.model_validate(payload)
            except ValidationError as exc:
                return error_response(422, "提交的数据有误。", _field_errors(exc))
            try:
                result = view(**kwargs)
            except ApiError as exc:
                answer, code = error_response(exc.status, exc.message, exc.fields)
                answer.headers.update(exc.headers)
                return answer, code
            if isinstance(result, Response):
                return result
            code = status
            if isinstance(result, tuple):
                result, code = result
            if isinstance(result, BaseModel):
                return Response(result.model_dump_json(), status=code, mimetype="application/json")
            if result is None:
                return Response(status=204)
            return jsonify(result), code

        rule = "/" + path.lstrip("/")
        bp.add_url_rule(rule, endpoint=endpoint or view.__name__, view_func=wrapped, methods=[method])
        OPERATIONS.append(
            Operation(
                method,
                rule,
                summary,
                tag,
                query,
                body,
                response,
                status,
                auth,
                roles,
                tuple(errors),
                tuple(files),
                tuple(also),
            )
        )
        return wrapped

    return decorator


def require(condition: bool, status: int = 403, message: str = "您没有权限执行此操作。") -> None:
    if not condition:
        raise ApiError(status, message)


def not_found() -> ApiError:
    return ApiError(404, "记录不存在，或您无权查看。")
