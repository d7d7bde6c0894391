"""Fixtures: the app on a scratch database migrated to head (SQLite, or
PostgreSQL when TEST_DATABASE_URL is set), a clean state per test, a test
client that sends the CSRF token like a browser form does, `login_as`, and a
query counter."""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from app import clock, create_app, workdays
from app.db import db
from app.reference import ensure_reference_data
from config import TestingConfig
from tests import factories

PASSWORD = "Correct-Horse-42"

# The one clock (app/clock.py) starts the run at 10:00 Beijing time of today's
# date and ticks from there: a run that crosses midnight keeps one "today", and
# a test module's TODAY (read at import, after this) is the app's today.
clock.set_to(dt.datetime.combine(clock.today(), dt.time(10, 0), tzinfo=clock.zone()))


def _database_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{os.path.join(tmp_dir, 'test.sqlite3')}"


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    tmp_dir = tempfile.mkdtemp(prefix="zs-test-")
    url = _database_url(tmp_dir)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = os.path.join(tmp_dir, "uploads")

    application = create_app(Config)
    with application.app_context():
        from flask_migrate import downgrade, upgrade

        if db.engine.dialect.name == "postgresql":
            # A scratch database may hold tables from an interrupted run.
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        yield application
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            downgrade(revision="base")
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app: Flask) -> Iterator[None]:
    with app.app_context():
        factories.wipe_database()
        ensure_reference_data()
        db.session.commit()
        workdays.forget()  # the overrides a previous test added are gone with its rows
        workdays.calendar()
        db.session.commit()
        yield
        db.session.remove()


class Client(FlaskClient):
    """Posts carry a valid CSRF token unless `csrf=False` is passed.

    Each request runs in an empty context, so it gets its own app context,
    `g` and database session exactly as in production, instead of sharing
    the test's (Flask reuses an active app context for requests)."""

    def open(self, *args: Any, csrf: bool = True, **kwargs: Any):  # type: ignore[override]
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"} and not kwargs.get("json"):
            data = kwargs.get("data")
            if data is None:
                data = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                data = {**data, "csrf_token": self.csrf_token()}
                kwargs["data"] = data
        kwargs.setdefault("buffered", True)  # read streamed bodies inside the request's context
        return contextvars.Context().run(super().open, *args, **kwargs)

    def session_transaction(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        return _isolated_cm(super().session_transaction(*args, **kwargs))

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            raw = sess.get("csrf_token")
            if raw is None:
                import hashlib

                raw = hashlib.sha1(os.urandom(64)).hexdigest()
                sess["csrf_token"] = raw
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


@contextmanager
def _isolated_cm(cm: Any) -> Iterator[Any]:
    """Enter and leave a context manager inside one fresh, empty context."""
    ctx = contextvars.Context()
    value = ctx.run(cm.__enter__)
    try:
        yield value
    except BaseException as exc:
        if not ctx.run(cm.__exit__, type(exc), exc, exc.__traceback__):
            raise
    else:
        ctx.run(cm.__exit__, None, None, None)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def login_as(client: FlaskClient):
    """login_as(role_or_user, **user_fields) → the signed-in User."""

    def _login(who: Any = "staff", **fields: Any):
        user = who if not isinstance(who, str) else factories.user(role=who, password=PASSWORD, **fields)
        db.session.commit()
        response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return _login


@pytest.fixture
def count_queries(app: Flask):
    """Context manager counting SQL statements: `with count_queries() as n: ...; n()`."""

    @contextmanager
    def _counter():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return _counter


@pytest.fixture
def set_today():
    """set_today(date): the one clock reads 10:00 Beijing time of `date`
    (ticking) until the test ends."""
    before = clock.utcnow()

    def _set(day: dt.date) -> dt.date:
        clock.set_to(dt.datetime.combine(day, dt.time(10, 0), tzinfo=clock.zone()))
        return day

    yield _set
    clock.set_to(before)
