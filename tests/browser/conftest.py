"""Browser fixtures: the system Chromium driven by Playwright, and a live app
per test on a free loopback port with its own fresh copy of a demo database.

Without Chromium the journeys skip locally; CI sets REQUIRE_BROWSER=1, which
turns a missing browser into a failure."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from app import create_app
from config import TestingConfig

DEMO_PASSWORD = "zhaoshang-demo"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("Chromium not found but REQUIRE_BROWSER is set (install Debian's chromium).")
        pytest.skip("Chromium not found: browser journeys skipped (set CHROMIUM_PATH or install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _config(db_file: Path, upload_dir: Path) -> type[TestingConfig]:
    class BrowserConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_file}"
        UPLOAD_DIR = str(upload_dir)
        TESTING = False  # real error pages, as users see them

    return BrowserConfig


@pytest.fixture(scope="session")
def demo_database() -> Path:
    """A migrated database with the demo district, built once; each test
    works on a copy of it."""
    folder = Path(tempfile.mkdtemp(prefix="zs-browser-"))
    template = folder / "demo.sqlite3"
    application = create_app(_config(template, folder / "uploads"))
    with application.app_context():
        from flask_migrate import upgrade

        from app import demo
        from app.db import db

        upgrade()
        demo.run_all()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return template


@dataclass
class LiveServer:
    url: str
    app: Any

    def path(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def live_server(demo_database: Path, tmp_path: Path) -> Iterator[LiveServer]:
    db_file = tmp_path / "live.sqlite3"
    shutil.copy(demo_database, db_file)
    application = create_app(_config(db_file, tmp_path / "uploads"))
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=application)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with application.app_context():
            from app.db import db

            db.engine.dispose()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Any, server: LiveServer, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(server.path("/auth/login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(server.path("/"))


def sign_out(page: Any, server: LiveServer) -> None:
    page.context.clear_cookies()


def has_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


def pick(page: Any, label: str, names: list[str]) -> None:
    """Choose `names` in the searchable multiple select labelled `label` the
    way a user does: tap the box, type part of each name, tap the match (a
    chip appears). A name already chosen is left as it is."""
    control = page.get_by_role("combobox", name=label)  # Tom Select labels its search input
    box = page.locator(".ts-wrapper", has=control).locator(".ts-control")
    for name in names:
        if box.locator(".item", has_text=name).count():
            continue
        box.click()
        page.keyboard.type(name)
        page.locator(".ts-dropdown .option:visible", has_text=name).first.click()
        box.locator(".item", has_text=name).first.wait_for()
