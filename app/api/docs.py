"""The OpenAPI 3 document, generated from the registered operations and
their pydantic schemas (nothing written by hand), and a readable docs page
rendered on the server from that document (local files only, no CDN)."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify, render_template
from pydantic.json_schema import models_json_schema

from app.api import bp
from app.api.core import CODES, OPERATIONS, Operation
from app.api.schemas import ErrorResponse

_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for converter, name in _PATH_PARAM.findall(rule):
        schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1} if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _PATH_PARAM.sub(r"{\2}", rule), params


def build_spec() -> dict[str, Any]:
    models: list[tuple[Any, str]] = [(ErrorResponse, "serialization")]
    for op in OPERATIONS:
        if op.body is not None:
            models.append((op.body, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    key_map, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")

    def ref(model: Any, mode: str) -> dict[str, Any]:
        return key_map[(model, mode)]

    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path, params = _openapi_path(bp.url_prefix + op.path)
        if op.query is not None:
            schema = op.query.model_json_schema()
            required = set(schema.get("required", []))
            for name, prop in schema.get("properties", {}).items():
                params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
        entry: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": f"{op.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}",
            "parameters": params,
            "responses": _responses(op, ref),
        }
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(op.body, "validation")}},
            }
        elif op.files:
            upload = {"type": "string", "format": "binary"}
            entry["requestBody"] = {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": dict.fromkeys(op.files, upload),
                            "required": list(op.files),
                        }
                    }
                },
            }
        if op.auth:
            entry["security"] = [{"bearerAuth": []}]
        else:
            entry["security"] = []
        paths.setdefault(path, {})[op.method.lower()] = entry
    return {
        # 3.1: its schemas are JSON Schema 2020-12, which pydantic generates
        # (nullable fields as `anyOf [..., {"type": "null"}]`).
        "openapi": "3.1.0",
        "info": {
            "title": "招商线索管理系统 API",
            "version": "1.0.0",
            "description": "先以 POST /api/v1/tokens 换取令牌，再在请求头中携带 Authorization: Bearer <token>。"
            "金额为万元，以十进制字符串表示；日期为 YYYY-MM-DD。",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


def _responses(op: Operation, ref: Any) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if op.status == 204:
        responses["204"] = {"description": "完成"}
    elif op.response is not None:
        for status in (op.status, *op.also):
            responses[str(status)] = {
                "description": "成功",
                "content": {"application/json": {"schema": ref(op.response, "serialization")}},
            }
    else:
        responses[str(op.status)] = {"description": "成功"}
    error_schema = {"application/json": {"schema": ref(ErrorResponse, "serialization")}}
    statuses = set(op.errors) | {400, 422}
    if op.auth:
        statuses |= {401}
    if op.roles:
        statuses |= {403}
    for status in sorted(statuses):
        responses[str(status)] = {"description": CODES.get(status, "error"), "content": error_schema}
    return responses


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(build_spec())


@bp.route("/docs")
def docs():
    spec = build_spec()
    return render_template("api/docs.html", spec=spec, schemas=spec["components"]["schemas"], debug=current_app.debug)
