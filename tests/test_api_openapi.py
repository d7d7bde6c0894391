"""The OpenAPI document is complete: every API route and method is in it,
uploads are documented as multipart, every operation documents its error
answers, and the docs page lists them all."""

from __future__ import annotations

import re

from app.api.core import OPERATIONS


def _api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule in ("/api/v1/openapi.json", "/api/v1/docs"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routes |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_api_route_is_in_the_document(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    documented = {(method, path) for path, methods in spec["paths"].items() for method in methods}
    routes = _api_routes(app)
    assert routes == documented
    assert len(routes) == len(OPERATIONS) >= 45


def test_uploads_are_multipart_and_errors_are_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    upload = spec["paths"]["/api/v1/imports/projects"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["file"] == {"type": "string", "format": "binary"} and form["required"] == ["file"]
    assert {"200", "401", "403", "413", "422"} <= set(upload["responses"])
    assert [p["name"] for p in upload["parameters"]] == ["commit"]
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if "{" in path:
                assert "404" in op["responses"], (method, path)
            if op["security"]:
                assert "401" in op["responses"], (method, path)
    lead_patch = spec["paths"]["/api/v1/leads/{lead_id}"]["patch"]
    schema_name = lead_patch["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert "version" in spec["components"]["schemas"][schema_name]["required"]
    assert {"409", "422"} <= set(lead_patch["responses"])


def test_docs_page_lists_every_operation(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    for path in ("/api/v1/imports/leads", "/api/v1/reports/funnel", "/api/v1/problems/{problem_id}/steps"):
        assert path in html
    assert "multipart/form-data" in html
