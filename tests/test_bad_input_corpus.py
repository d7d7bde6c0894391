"""The bad-input corpus: script tags and event handlers, SQL fragments,
100 KB strings, NUL bytes, invalid UTF-8 (raw bytes in form bodies and
JSON), RTL marks, emoji, negative and huge numbers, impossible dates — fed
into every field of every HTML form (found by fetching every page of the
access table and parsing its <form>s, CSRF token kept) and every field of
every API request body (from /api/v1/openapi.json). Each answer is a clear
4xx or a saved value that renders escaped: never a 500 (the test app
re-raises), never raw markup of ours in a page, never a partial write (all
row counts unchanged after a refused submission).

The run is bounded (one to two minutes on two cores): each field gets two
corpus values, rotating, and each form ten more in all its fields at once —
the markup, NUL, an int4 overflow, invalid UTF-8 and 100 KB in every field,
then two rotating — so the whole corpus reaches every form."""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from app.db import db
from app.models import Activity, Agreement, ApprovalItem, Lead, Problem, Project, RefItem, RefKind
from tests import factories_trust as ft
from tests.test_access_matrix import TABLE, _path

# Markup that must never reach a page unescaped.
MARKUP = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
)
INVALID_UTF8 = b"\xff\xfe\xc3\x28\xa0\xa1"

# Form values: text, or raw bytes sent as they are.
CORPUS: tuple[str | bytes, ...] = (
    *MARKUP,
    "' OR '1'='1' --",
    "1; DROP TABLE lead; --",
    "x" * 100_000,
    "a\x00b",
    INVALID_UTF8,
    "\u202e\u200f测试\u202c",
    "👨‍👩‍👧‍👦🚀",
    "-1",
    "-99999999999999999999",
    "2147483648",
    "9" * 40,
    "²³",
    "١٢٣",
    "1e308",
    "NaN",
    "0000-00-00",
    "2024-02-30",
    "",
    "   ",
)
# What every form gets in all its fields at once: the markup, and what
# PostgreSQL refuses outright (NUL in text, integers beyond int4).
EVERY_FORM = (*MARKUP, "a\x00b", "2147483648", INVALID_UTF8, "x" * 100_000)
VALUES_PER_FIELD = 2  # each field, rotating through the corpus
ALL_FIELDS_VALUES = 10  # each form, every field at once: EVERY_FORM, then rotating

# Forms left out of the field-by-field run, and why.
SKIPPED_ACTIONS = (
    "/auth/logout",  # ends the session the run needs
    "/auth/login",  # its own test below (failed sign-ins are rate limited and audited by design)
    "/archive",  # archive/restore/delete take away the records later forms point at;
    "/restore",  # their one text field (a reason) has its own test below
    "/delete",
    "/imports/batches/",  # commits a stored batch: no fields
)


# --- discovering forms ---------------------------------------------------------------


@dataclass
class Form:
    page: str
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        rule = re.sub(r"\d+", "N", self.action.split("?")[0])
        return self.method, rule, tuple(sorted({name for name, _ in self.fields}))

    def names(self) -> list[str]:
        return [name for name in dict(self.fields) if name != "csrf_token"]


class _Forms(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.page
            self._form = Form(self.page, (a.get("method") or "get").upper(), action)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                if not any(n == name for n, _ in form.fields):
                    form.fields.append((name, ""))  # present, so it is fuzzed too
                return
            form.fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            self._options = []
        elif tag == "option" and self._select:
            self._options.append((a.get("value") or "", "selected" in a))

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._form.fields.extend((name, v) for v in chosen or [""])
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def page_paths(world: ft.World, actor: str) -> list[str]:
    """Every HTML page of the access table this actor may open."""
    column = ft.ACTORS.index(actor)
    paths = []
    for row in TABLE:
        if row.method != "GET" or row.expect[column] != "A" or row.rule.startswith(("/api/", "/static/")):
            continue
        path = _path(row, world.ids)
        if path.endswith((".xlsx", ".ico")) or "/files/" in path:
            continue
        paths.append(path)
    return paths


def discover(client: FlaskClient, paths: list[str]) -> list[Form]:
    found: dict[Any, Form] = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _Forms(path)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if any(part in form.action for part in SKIPPED_ACTIONS) or not form.names():
                continue
            found.setdefault(form.key(), form)
    return list(found.values())


# --- sending and checking ------------------------------------------------------------


def encode(pairs: list[tuple[str, str | bytes]]) -> bytes:
    def part(value: str | bytes) -> str:
        raw = value if isinstance(value, bytes) else value.encode()
        return urllib.parse.quote_from_bytes(raw)

    return "&".join(f"{part(k)}={part(v)}" for k, v in pairs).encode()


def row_counts() -> tuple[int, ...]:
    """Every table's row count, in one statement."""
    db.session.rollback()
    tables = db.metadata.sorted_tables
    selects = [sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables]
    return tuple(db.session.execute(sa.select(*selects)).one())


def raw_markup(html: str) -> list[str]:
    return [m for m in MARKUP if m in html]


REFUSAL_MARKS = (
    "is-invalid",  # an error next to a field
    "alert-danger alert-dismissible",  # a flashed error
    '<div class="alert alert-danger">',  # the form's summary of errors
    '<div class="alert alert-danger" role="alert">',  # a warning that stops the save
)


def refused(response, html: str) -> bool:
    return response.status_code >= 400 or any(mark in html for mark in REFUSAL_MARKS)


@dataclass
class Run:
    client: FlaskClient
    problems: list[str] = field(default_factory=list)
    requests: int = 0

    def check(self, label: str, response, before: tuple[int, ...]) -> None:
        self.requests += 1
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{label}: {status}")
            return
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        if status in (301, 302, 303) and response.headers["Location"].startswith("/"):
            follow = self.client.get(response.headers["Location"])
            self.requests += 1
            if follow.mimetype == "text/html":
                html += follow.get_data(as_text=True)
        if raw_markup(html):
            self.problems.append(f"{label}: raw markup {raw_markup(html)} in the page")
        if refused(response, html) and row_counts() != before:
            self.problems.append(f"{label}: refused ({status}) but rows changed")

    def send(self, label: str, **request: Any) -> None:
        """Open the request; a crash (the test app re-raises it) is noted
        with where it happened, and the run goes on."""
        before = row_counts()
        try:
            response = self.client.open(**request)
        except Exception as exc:
            import traceback

            frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/app/" in f.filename]
            where = f"{frames[-1].filename.split('/app/')[-1]}:{frames[-1].lineno}" if frames else "?"
            self.problems.append(f"{label}: 500 {type(exc).__name__}: {str(exc)[:120]} at app/{where}")
            return
        self.check(label, response, before)

    def submit(self, form: Form, values: dict[str, str | bytes], label: str) -> None:
        pairs: list[tuple[str, str | bytes]] = [(k, values.get(k, v)) for k, v in form.fields]
        body = encode(pairs)
        if form.method == "GET":
            path = form.action.split("?")[0]
            self.send(label, path=f"{path}?{body.decode()}", method="GET")
        else:
            self.send(
                label,
                path=form.action,
                method="POST",
                data=body,
                content_type="application/x-www-form-urlencoded",
                csrf=False,
            )


def short(value: str | bytes) -> str:
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "…"


def test_every_form_field_takes_the_corpus(client, login_as):
    """Every form any actor can reach, once: the leader's and the staff
    member's own forms first, then the admin's (who reaches the rest)."""
    world = ft.build()
    run = Run(client)
    seen: set[Any] = set()
    n = 0
    for actor in ("leader_assigned", "staff_own", "admin"):
        login_as(world.users[actor])
        forms = [form for form in discover(client, page_paths(world, actor)) if form.key() not in seen]
        seen |= {form.key() for form in forms}
        for form in forms:
            for name in form.names():
                for _ in range(VALUES_PER_FIELD):
                    value = CORPUS[n % len(CORPUS)]
                    n += 1
                    run.submit(form, {name: value}, f"{actor} {form.method} {form.action} {name}={short(value)}")
            for i in range(ALL_FIELDS_VALUES):
                value = EVERY_FORM[i] if i < len(EVERY_FORM) else CORPUS[n % len(CORPUS)]
                n += i >= len(EVERY_FORM)
                run.submit(
                    form, dict.fromkeys(form.names(), value), f"{actor} {form.method} {form.action} all={short(value)}"
                )
        # Whatever was saved renders escaped on every page.
        for path in page_paths(world, actor):
            response = client.get(path)
            assert response.status_code < 500, path
            if raw_markup(response.get_data(as_text=True)):
                run.problems.append(f"{actor} GET {path}: raw markup after the run")
        client.post("/auth/logout")
    assert len(seen) >= 40, sorted(seen)
    assert not run.problems, "\n".join(run.problems[:40])


def test_sign_in_form_takes_the_corpus(client):
    """Failed sign-ins write their audit row and rate-limit count by design;
    nothing else. From an address of its own, so the rate limit it trips
    does not lock anyone else out. (A password is hashed on every try, so
    the password field gets a sample.)"""
    world = ft.build()
    other_ip = {"REMOTE_ADDR": "10.9.8.7"}
    attempts = [{"username": value, "password": "x"} for value in CORPUS]
    attempts += [{"username": "t_staff", "password": value} for value in (*MARKUP[:1], *CORPUS[4:12])]
    for fields in attempts:
        client.get("/auth/login", environ_base=other_ip)
        body = encode([("csrf_token", client.csrf_token()), *fields.items()])
        response = client.post(
            "/auth/login", data=body, content_type="application/x-www-form-urlencoded", environ_base=other_ip
        )
        assert response.status_code in (200, 400, 429), fields
        assert not raw_markup(response.get_data(as_text=True))
    db.session.refresh(world.users["staff_own"])
    assert world.users["staff_own"].active


def test_archive_reasons_render_escaped_wherever_they_show(client, login_as):
    world = ft.build()
    login_as(world.users["staff_own"])
    for value in (*MARKUP, INVALID_UTF8, "x" * 100_000, "a\x00b"):
        before = row_counts()
        body = encode([("csrf_token", client.csrf_token()), ("reason", value)])
        response = client.post(
            f"/records/visit/{world.ids['spare_visit']}/archive",
            data=body,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 302
        if value == MARKUP[0]:
            assert row_counts() != before  # the first one archived it, the rest are told it is archived
    client.post("/auth/logout")
    login_as(world.users["admin"])
    for path in ("/admin/audit", "/admin/archive", "/admin/archive?entity=visit", f"/leads/{world.ids['lead']}"):
        html = client.get(path).get_data(as_text=True)
        assert not raw_markup(html), path


# --- the API -------------------------------------------------------------------------

# JSON values for a field: the corpus strings and numbers of every shape.
JSON_CORPUS: tuple[Any, ...] = (
    *[v for v in CORPUS if isinstance(v, str)],
    -1,
    0,
    2**31,
    -(2**63),
    10**40,
    1e308,
    -1e308,
    1.5,
    True,
    None,
    [],
    {},
    ["<script>alert(1)</script>", 10**40],
    {"$ne": None},
)
RAW_JSON_BODIES: tuple[bytes, ...] = (
    b'{"name": "' + INVALID_UTF8 + b'"}',
    b"\xff\xfe{}",
    b'{"a": NaN, "b": Infinity}',
    b"[" * 5000 + b"]" * 5000,
    b'{"name": "x"',
    b"null",
    b"",
)


def _example(name: str, schema: dict[str, Any], spec: dict[str, Any], world: ft.World) -> Any:
    """A plausible value for a required field, so the rest is parsed too."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        schema = next((s for s in schema["anyOf"] if s.get("type") != "null"), schema["anyOf"][0])
    if "enum" in schema:
        return schema["enum"][0]
    known = {
        "owner_department_id": world.ids["own_dept"],
        "lead_department_id": world.ids["own_dept"],
        "department_id": world.ids["own_dept"],
        "category_id": db.session.scalar(
            sa.select(RefItem.id).where(RefItem.kind == RefKind.PROBLEM_CATEGORY).limit(1)
        ),
        "username": "t_staff",
        "password": ft.PASSWORD,
        "kind": "外出招商",  # an activity's kind by name (agreement kinds are an enum, answered above)
        "leader_ids": [world.users["leader_assigned"].id],
    }
    if name in known:
        return known[name]
    kind = schema.get("type")
    if schema.get("format") == "date":
        return "2026-01-05"
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return "语料测试"


def _json(body: dict[str, Any], version: int | None) -> bytes:
    if version is not None:
        body = {"version": version, **body}
    return json.dumps(body, allow_nan=True, ensure_ascii=False).encode()


VERSIONED = {
    "lead_id": Lead,
    "project_id": Project,
    "agreement_id": Agreement,
    "problem_id": Problem,
    "approval_id": ApprovalItem,
    "activity_id": Activity,
}


def _api_path(path: str, world: ft.World) -> str:
    from tests.test_access_matrix import DEFAULT_IDS

    return re.sub(r"{([a-z_]+)}", lambda m: str(world.ids[DEFAULT_IDS[m.group(1)]]), path)


def _version(path: str, world: ft.World) -> int | None:
    for arg in re.findall(r"{([a-z_]+)}", path):
        if arg in VERSIONED:
            from tests.test_access_matrix import DEFAULT_IDS

            return db.session.get(VERSIONED[arg], world.ids[DEFAULT_IDS[arg]]).version
    return None


def test_every_api_body_field_takes_the_corpus(client):
    world = ft.build(tokens=True)
    headers = {"Authorization": f"Bearer {world.tokens['admin']}"}
    spec = client.get("/api/v1/openapi.json").get_json()
    run = Run(client)
    operations = 0
    n = 0
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" not in content or path.endswith("/tokens"):
                continue
            operations += 1
            ref = content["application/json"]["schema"]
            schema = spec["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]] if "$ref" in ref else ref
            props = schema.get("properties", {})
            url = "/api/v1" + _api_path(path.removeprefix("/api/v1"), world) if path.startswith("/api/v1") else path
            base = {k: _example(k, props[k], spec, world) for k in schema.get("required", [])}

            version = _version(path, world) if "version" in props else None
            bodies: list[tuple[str, bytes]] = []
            for name in props:
                for _ in range(VALUES_PER_FIELD):
                    value = JSON_CORPUS[n % len(JSON_CORPUS)]
                    n += 1
                    bodies.append((f"{name}={short(str(value))}", _json({**base, name: value}, version)))
            for value in JSON_CORPUS:
                bodies.append((f"all={short(str(value))}", _json({**base, **dict.fromkeys(props, value)}, version)))
            bodies += [(f"raw={short(raw)}", raw) for raw in RAW_JSON_BODIES]
            for label, data in bodies:
                run.send(
                    f"{method.upper()} {url} {label}",
                    path=url,
                    method=method.upper(),
                    data=data,
                    content_type="application/json",
                    headers=headers,
                    csrf=False,
                )
    assert operations >= 20
    assert not run.problems, "\n".join(run.problems[:40])


def test_query_parameters_take_the_corpus(client, login_as):
    """What no <form> lists: the 撞单 check the lead form calls as you type,
    and every query parameter of the API (from the OpenAPI document)."""
    world = ft.build(tokens=True)
    login_as(world.users["staff_own"])
    run = Run(client)
    targets: list[tuple[str, list[str], dict[str, str]]] = [
        ("/companies/check", ["company_name", "name", "credit_code", "owner_department_id", "exclude_id"], {})
    ]
    spec = client.get("/api/v1/openapi.json").get_json()
    bearer = {"Authorization": f"Bearer {world.tokens['admin']}"}
    for path, ops in spec["paths"].items():
        get = ops.get("get")
        names = [p["name"] for p in (get or {}).get("parameters", []) if p.get("in") == "query"]
        if names:
            targets.append(("/api/v1" + _api_path(path.removeprefix("/api/v1"), world), names, bearer))
    assert len(targets) >= 8
    n = 0
    for path, names, headers in targets:
        queries = []
        for name in names:
            for _ in range(VALUES_PER_FIELD):
                queries.append((f"{name}={short(CORPUS[n % len(CORPUS)])}", [(name, CORPUS[n % len(CORPUS)])]))
                n += 1
        queries += [(f"all={short(value)}", [(name, value) for name in names]) for value in EVERY_FORM]
        for label, pairs in queries:
            run.send(f"GET {path} {label}", path=f"{path}?{encode(pairs).decode()}", method="GET", headers=headers)
    assert not run.problems, "\n".join(run.problems[:40])
