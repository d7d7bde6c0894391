"""In-process measurement: a test client whose every request runs in its own
empty context (its own app context, `g` and database session, as under
gunicorn), signed in as a seeded user, timing requests and counting the SQL
statements each one sends."""

from __future__ import annotations

import contextvars
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from app.db import db

PASSWORD = "zhaoshang-demo"  # noqa: S105 - every seeded user's password (bench/seed.py)


class BenchClient(FlaskClient):
    """Posts carry the CSRF token; each request runs in a fresh context."""

    def open(self, *args: Any, csrf: bool = True, **kwargs: Any):  # type: ignore[override]
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method == "POST":
            data = kwargs.get("data")
            if data is None:
                data = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        ctx = contextvars.Context()
        cm = super().session_transaction()
        sess = ctx.run(cm.__enter__)
        try:
            raw = sess.get("csrf_token")
            if raw is None:
                raw = secrets.token_hex(20)
                sess["csrf_token"] = raw
        finally:
            ctx.run(cm.__exit__, None, None, None)
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)


def signed_in(app: Flask, username: str) -> BenchClient:
    """A client signed in as `username` (password of the seed)."""
    app.test_client_class = BenchClient
    client: BenchClient = app.test_client()  # type: ignore[assignment]
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {username} failed: HTTP {response.status_code}")
    return client


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements sent while the block runs."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


@dataclass
class Timing:
    """Server time of repeated runs (milliseconds) and SQL statements of one."""

    runs: list[float]
    queries: int
    status: int = 200
    note: str = ""
    cpu: list[float] = field(default_factory=list)  # this process's CPU time per run (ms)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def p95(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def repeat(
    call: Callable[[], Any],
    *,
    budget_s: float = 3.0,
    min_runs: int = 5,
    max_runs: int = 30,
    cpu: list[float] | None = None,
) -> list[float]:
    """Run `call` after one warm-up until `budget_s` is spent (within
    min_runs … max_runs); each run's wall time in ms (and, into `cpu`, this
    process's CPU time: on a busy machine it shows what wall time hides)."""
    call()  # warm-up: caches, compiled statements, template bytecode
    runs: list[float] = []
    spent = 0.0
    while len(runs) < max_runs and (len(runs) < min_runs or spent < budget_s):
        cpu_started = time.process_time()
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
        if cpu is not None:
            cpu.append((time.process_time() - cpu_started) * 1000)
        runs.append(elapsed * 1000)
        spent += elapsed
    return runs


def time_page(app: Flask, client: BenchClient, url: str, **kw: Any) -> Timing:
    """Median/p95 of GET `url` and the statements one request sends."""
    with counting(app) as statements:
        response = client.get(url)
    if response.status_code != 200:
        return Timing([0.0], len(statements), response.status_code, f"HTTP {response.status_code}")
    cpu: list[float] = []
    runs = repeat(lambda: client.get(url), cpu=cpu, **kw)
    return Timing(runs, len(statements), response.status_code, cpu=cpu)
