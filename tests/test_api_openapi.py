"""The OpenAPI document is complete: every API route and method is in it,
uploads are documented as multipart, every operation documents its error
answers, the docs page lists them all, and bodies are held to the types
the document states."""

from __future__ import annotations

import re

from app.api.core import OPERATIONS
from app.db import db
from tests import factories
from tests.factories_api import bearer


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
    assert [p["name"] for p in upload["parameters"]] == ["commit", "confirm_changes"]
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


def test_bodies_take_values_of_the_documented_types_only(client):
    """What the document says is what is accepted: no `false` for a number,
    no "5" for an integer, no 1 for a boolean, no number for a date, no text
    a database cannot store; query strings still carry numbers as text."""
    headers = bearer(factories.user("admin"))
    db.session.commit()
    for body, field in (
        ({"name": "部门", "sort_order": False}, "sort_order"),
        ({"name": "部门", "sort_order": "5"}, "sort_order"),
        ({"name": "部门", "active": 1}, "active"),
        ({"name": "部\u0000门"}, "name"),
    ):
        response = client.post("/api/v1/departments", json=body, headers=headers)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], body
    dated = client.post(
        "/api/v1/projects/1/agreements",
        json={"kind": "investment", "signed_on": 0, "agreed_investment": "1"},
        headers=headers,
    )
    assert dated.status_code == 422 and "signed_on" in dated.get_json()["error"]["fields"]
    assert client.get("/api/v1/projects?page=2&key=1&per_page=5", headers=headers).status_code == 200
    assert client.get("/api/v1/leads?received_from=0.0", headers=headers).status_code == 422
