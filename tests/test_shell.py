"""The UI shell: menus per role, Chinese first with English available,
security headers, error pages, static assets served locally."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("role", "sees_admin"),
    [("admin", True), ("leader", False), ("staff", False), ("viewer", False)],
)
def test_menu_depends_on_role(client, login_as, role, sees_admin):
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    assert "工作台" in html
    assert ("系统管理" in html) is sees_admin


def test_admin_pages_are_forbidden_to_others(client, login_as):
    login_as("staff")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "没有权限" in response.get_data(as_text=True)


def test_english_is_available(client, login_as):
    login_as("admin")
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Workbench" in html
    html = client.get("/").get_data(as_text=True)  # the choice sticks
    assert "Workbench" in html
    assert "工作台" in client.get("/?lang=zh_CN").get_data(as_text=True)


def test_security_headers_on_pages_and_errors(client, login_as):
    login_as("staff")
    for path in ("/", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"


def test_not_found_page_is_chinese(client, login_as):
    login_as("staff")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_templates_load_no_cdn_and_no_inline_script():
    root = Path(__file__).resolve().parent.parent / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f"{path} refers to an external URL"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"{path} has an inline script"
        assert " style=" not in text, f"{path} has an inline style (CSP)"


def test_vendor_assets_are_served_locally(client):
    for path in (
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "/static/vendor/echarts/echarts.min.js",
        "/static/js/app.js",
    ):
        assert client.get(path).status_code == 200, path


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
