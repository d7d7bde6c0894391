"""Load run: gunicorn (2 workers) on PostgreSQL under 50 concurrent locust
users for 60 s, mixing reads (home, lead list, a lead's page, project list)
with writes (logging visits, entering leads); then every write the app
acknowledged (a redirect to the saved record) is looked up in the database,
and errors and percentiles are reported. Loopback only, bounded in users and
seconds.

    python -m bench.load                                   # 50 users, 60 s
    python -m bench.load --users 20 --seconds 30 --database-url postgresql://postgres@127.0.0.1:5432/zs_trust_load

The same file is the locustfile (locust imports it; the classes below run
in the locust process and never import the app). bench/fault.py reuses the
pieces to restart PostgreSQL in the middle of a run.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/zs_trust_load"
PASSWORD = "Load-Test-Pass-42"  # noqa: S105 - the seeded load users' password
STAFF = 10  # signed-in people the locust users take turns being
READS = ("/", "/leads/", "/leads/<id>", "/projects/")  # the tasks' pages (not sign-in)
WRITES = ("log visit", "enter lead")
LOGS = Path(tempfile.gettempdir()) / "zs-load-logs"
LEADS_PER_STAFF = 20

# --- the locust side ------------------------------------------------------------------

# Only inside the locust process the runner starts (it passes LOAD_PLAN):
# importing locust monkey-patches the interpreter with gevent.
if os.environ.get("LOAD_PLAN"):
    from locust import HttpUser, between, events, task

    PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
    ACKS: list[dict[str, Any]] = []
    NOTES: list[str] = []  # why a sign-in failed or a page sent the user to sign in (first few)
    TIMELINE: list[tuple[float, str, int, float, bool]] = []
    _PEOPLE = iter(range(10**9))
    _TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    @events.request.add_listener
    def _log(request_type, name, response_time, response_length, response=None, exception=None, **_kw):
        status = getattr(response, "status_code", 0) or 0
        TIMELINE.append((time.time(), name, status, response_time, exception is not None))

    @events.quitting.add_listener
    def _write(**_kw):
        if os.environ.get("LOAD_OUT"):
            Path(os.environ["LOAD_OUT"]).write_text(json.dumps({"acks": ACKS, "timeline": TIMELINE, "notes": NOTES}))

    def _note(text: str) -> None:
        if len(NOTES) < 50:
            NOTES.append(text)

    class Investor(HttpUser):
        """One of the seeded staff members at work: reads lists and pages,
        logs a visit now and then, enters a lead sometimes."""

        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            self.person = PLAN["staff"][next(_PEOPLE) % len(PLAN["staff"])]
            self.token = ""
            self.sign_in()

        def ready(self) -> bool:
            """Signed in with a form token — else sign in first, as a person
            whose sign-in just failed would before going on."""
            return bool(self.token) or self.sign_in()

        def sign_in(self) -> bool:
            page = self.client.get("/auth/login", name="sign-in page")
            match = _TOKEN.search(page.text or "")
            if page.status_code != 200 or not match:
                return False  # as a person would: try again in a moment
            data = {"username": self.person["username"], "password": PASSWORD, "csrf_token": match[1]}
            self.token = ""
            with self.client.post(
                "/auth/login", data=data, name="sign-in", allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 302:
                    said = re.findall(r'class="invalid-feedback[^"]*">([^<]*)<', response.text or "")
                    _note(f"{time.time():.1f} {self.person['username']} sign-in answered {response.status_code} {said}")
                    response.failure(f"sign-in answered {response.status_code}")
                    return False
            form = self.client.get("/leads/new", name="/leads/new")
            match = _TOKEN.search(form.text or "")
            self.token = match[1] if match else ""
            return bool(self.token)

        def _get(self, path: str, name: str) -> None:
            if not self.ready():
                return
            with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
                if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
                    _note(f"{time.time():.1f} {self.person['username']} sent to sign in from {path}")
                    response.failure("signed out")
                    self.token = ""
                elif response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")

        @task(3)
        def lead_list(self) -> None:
            self._get("/leads/?status=open", "/leads/")

        @task(2)
        def lead_page(self) -> None:
            self._get(f"/leads/{random.choice(self.person['leads'])}", "/leads/<id>")

        @task(1)
        def home(self) -> None:
            self._get("/", "/")

        @task(1)
        def project_list(self) -> None:
            self._get("/projects/", "/projects/")

        @task(2)
        def log_visit(self) -> None:
            if not self.ready():
                return
            lead_id = random.choice(self.person["leads"])
            mark = f"负载拜访 {uuid.uuid4().hex}"
            data = {"csrf_token": self.token, "visited_on": time.strftime("%Y-%m-%d"), "summary": mark}
            with self.client.post(
                f"/leads/{lead_id}/visits", data=data, name="log visit", allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code == 302 and f"/leads/{lead_id}" in response.headers.get("Location", ""):
                    ACKS.append({"kind": "visit", "mark": mark, "lead_id": lead_id})
                else:
                    response.failure(f"HTTP {response.status_code}")

        @task(1)
        def enter_lead(self) -> None:
            if not self.ready():
                return
            mark = f"负载线索 {uuid.uuid4().hex}"
            data = {
                "csrf_token": self.token,
                "company_name": f"负载测试{mark[-12:]}科技有限公司",
                "company_choice": "new",
                "title": mark,
                "intended_investment": "1000",
                "owner_department_id": str(self.person["department_id"]),
                "owner_user_id": str(self.person["id"]),
                "received_on": time.strftime("%Y-%m-%d"),
            }
            with self.client.post(
                "/leads/new", data=data, name="enter lead", allow_redirects=False, catch_response=True
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code == 302 and re.search(r"/leads/\d+$", location):
                    ACKS.append({"kind": "lead", "mark": mark, "lead_id": int(location.rsplit("/", 1)[1])})
                else:
                    response.failure(f"HTTP {response.status_code}")


# --- the runner -------------------------------------------------------------------------


def psycopg_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def prepare(database_url: str) -> dict[str, Any]:
    """Create the database if needed, empty and migrate it, and seed the
    reference lists, departments, staff and their leads. Returns the plan
    the locust users follow."""
    import datetime as dt
    from decimal import Decimal

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(psycopg_url(database_url))
    admin_engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}):
            conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin_engine.dispose()

    from app import clock, create_app
    from config import Config

    class LoadConfig(Config):
        SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)

    app = create_app(LoadConfig)
    with app.app_context():
        from flask_migrate import upgrade

        from app.auth.passwords import hash_password
        from app.db import db
        from app.models import Company, DataScope, Department, DepartmentKind, Lead, LeadStatus, Role, User
        from app.reference import ensure_reference_data

        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        ensure_reference_data()
        password = hash_password(PASSWORD)
        plan: dict[str, Any] = {"staff": []}
        today = clock.today()
        for i in range(STAFF):
            department = Department(name=f"负载测试街道{i + 1:02d}", kind=DepartmentKind.TOWN, sort_order=i)
            db.session.add(department)
            db.session.flush()
            person = User(
                username=f"load{i + 1:02d}",
                name=f"负载测试员{i + 1:02d}",
                role=Role.STAFF,
                scope=DataScope.DEPARTMENT,
                department_id=department.id,
                password_hash=password,
                active=True,
            )
            db.session.add(person)
            db.session.flush()
            leads = []
            for j in range(LEADS_PER_STAFF):
                company = Company(
                    name=f"负载种子{i:02d}{j:02d}有限公司", normalized_name=f"负载种子{i:02d}{j:02d}", search_text=""
                )
                db.session.add(company)
                db.session.flush()
                lead = Lead(
                    company_id=company.id,
                    title=f"种子线索 {i}-{j}",
                    owner_department_id=department.id,
                    owner_user_id=person.id,
                    created_by_id=person.id,
                    received_on=today - dt.timedelta(days=j),
                    status=LeadStatus.NEW,
                    intended_investment=Decimal(1000 + j),
                )
                db.session.add(lead)
                db.session.flush()
                leads.append(lead.id)
            plan["staff"].append(
                {"username": person.username, "id": person.id, "department_id": department.id, "leads": leads}
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return plan


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    host: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(database_url: str, workers: int, folder: Path, port: int | None = None) -> Server:
    port = port or free_port()
    host = f"http://127.0.0.1:{port}"
    log = folder / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "APP_ENV": "development",  # plain-HTTP cookies on loopback; otherwise as in production
        "SECRET_KEY": secrets.token_hex(32),
    }
    command = [
        str(BIN / "gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--error-logfile",
        str(log),
        "--access-logfile",
        str(folder / "access.log"),
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 - loopback only
    from bench.serve import wait_until_up

    try:
        wait_until_up(host, process)
    except RuntimeError as exc:
        process.kill()
        raise RuntimeError(f"{exc}; see {log}") from None
    return Server(process, host, log)


def start_locust(host: str, plan_path: Path, out: Path, users: int, seconds: int) -> subprocess.Popen:
    if not host.startswith("http://127.0.0.1:"):
        raise SystemExit("the load run targets loopback only")
    command = [
        str(BIN / "locust"),
        "-f",
        str(Path(__file__).resolve()),
        "--headless",
        "--only-summary",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_OUT": str(out)}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603


@dataclass
class Outcome:
    timeline: list[tuple[float, str, int, float, bool]]  # at, request, status, ms, failed
    acks: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    tracebacks: int = 0
    first_traceback: str = ""
    missing: list[dict[str, Any]] = field(default_factory=list)

    @property
    def statuses(self) -> collections.Counter:
        return collections.Counter(status for _at, _name, status, _ms, _failed in self.timeline)

    def stats(self) -> dict[str, dict[str, float]]:
        """Count, failures, rate and percentiles per request and overall."""
        if not self.timeline:
            return {}
        span = max(t[0] for t in self.timeline) - min(t[0] for t in self.timeline) or 1.0
        groups: dict[str, list[tuple[float, bool]]] = collections.defaultdict(list)
        for _at, name, _status, ms, failed in self.timeline:
            groups[name].append((ms, failed))
            groups["(all)"].append((ms, failed))
            if name in READS:
                groups["(reads)"].append((ms, failed))
            elif name in WRITES:
                groups["(writes)"].append((ms, failed))
        table = {}
        for name, rows in groups.items():
            times = sorted(ms for ms, _failed in rows)
            table[name] = {
                "requests": len(rows),
                "failures": sum(failed for _ms, failed in rows),
                "rps": len(rows) / span,
                **{f"p{q}": times[min(len(times) - 1, int(len(times) * q / 100))] for q in (50, 95, 99)},
            }
        return table


def read_outcome(out: Path) -> Outcome:
    data = json.loads(out.read_text()) if out.exists() else {"acks": [], "timeline": []}
    return Outcome([tuple(t) for t in data["timeline"]], data["acks"], data.get("notes", []))  # type: ignore[misc]


def verify(database_url: str, outcome: Outcome) -> None:
    """Every acknowledged write is in the database (looked up by its mark)."""
    import sqlalchemy as sa

    engine = sa.create_engine(psycopg_url(database_url))
    with engine.connect() as conn:
        leads = set(conn.scalars(sa.text("SELECT title FROM lead WHERE title LIKE '负载线索 %'")))
        visits = set(conn.scalars(sa.text("SELECT summary FROM visit WHERE summary LIKE '负载拜访 %'")))
    engine.dispose()
    stored = {"lead": leads, "visit": visits}
    outcome.missing = [ack for ack in outcome.acks if ack["mark"] not in stored[ack["kind"]]]


def run(database_url: str, users: int, seconds: int, workers: int, during: Any = None, logs: Path = LOGS) -> Outcome:
    """Prepare, serve, load (calling `during(seconds, gunicorn_pid)` in a
    thread while locust runs), stop, verify. gunicorn's error and access
    logs and locust's record are kept in `logs`."""
    print(f"preparing {database_url} …", flush=True)
    plan = prepare(database_url)
    with tempfile.TemporaryDirectory(prefix="zs-load-") as tmp:
        folder = Path(tmp)
        plan_path, out = folder / "plan.json", folder / "out.json"
        plan_path.write_text(json.dumps(plan))
        server = start_gunicorn(database_url, workers, folder)
        print(f"gunicorn ×{workers} on {server.host}; locust: {users} users for {seconds} s", flush=True)
        try:
            locust = start_locust(server.host, plan_path, out, users, seconds)
            helper = (
                threading.Thread(target=during, args=(seconds, server.process.pid), daemon=True) if during else None
            )
            if helper:
                helper.start()
            output, _ = locust.communicate(timeout=seconds + 180)
            if helper:
                helper.join(timeout=120)
            if locust.returncode not in (0, 1):  # 1: some requests failed
                print(output.decode(errors="replace")[-3000:])
                raise RuntimeError(f"locust exited with {locust.returncode}")
            if server.process.poll() is not None:
                raise RuntimeError("gunicorn died during the run")
            outcome = read_outcome(out)
            log = server.log.read_text(errors="replace")
            outcome.tracebacks = log.count("Traceback")
            if outcome.tracebacks:
                first = log.index("Traceback")
                outcome.first_traceback = log[max(0, log.rfind("\n", 0, first - 300)) : first + 4000]
        finally:
            server.stop()
            logs.mkdir(parents=True, exist_ok=True)
            for name in ("gunicorn.log", "access.log", "out.json"):
                if (folder / name).exists():
                    shutil.copy(folder / name, logs / name)
    verify(database_url, outcome)
    return outcome


def report(outcome: Outcome, title: str) -> None:
    print(f"\n== {title}")
    print(f"{'request':<16}{'count':>8}{'failed':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    for name, s in sorted(outcome.stats().items(), key=lambda item: (item[0].startswith("("), item[0])):
        print(
            f"{name:<16}{s['requests']:>8}{s['failures']:>8}{s['rps']:>8.1f}{s['p50']:>8.0f}{s['p95']:>8.0f}{s['p99']:>8.0f}"
        )
    print("HTTP statuses:", dict(sorted(outcome.statuses.items())), "(0: no answer)")
    kinds = collections.Counter(ack["kind"] for ack in outcome.acks)
    print(f"acknowledged writes: {dict(kinds)}; missing from the database: {len(outcome.missing)}")
    print(f"tracebacks in the gunicorn log: {outcome.tracebacks}")
    if outcome.first_traceback:
        print("the first one:\n" + outcome.first_traceback)
    for note in outcome.notes[:10]:
        print("note:", note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 5 <= args.seconds <= 600:
        raise SystemExit("bounded runs only: 1–200 users, 5–600 seconds")
    outcome = run(args.database_url, args.users, args.seconds, args.workers)
    report(outcome, f"load: {args.users} users, {args.seconds} s, gunicorn ×{args.workers}, PostgreSQL")
    failures = outcome.stats().get("(all)", {}).get("failures", 0)
    sys.exit(1 if failures or outcome.missing or outcome.tracebacks else 0)


if __name__ == "__main__":
    main()
