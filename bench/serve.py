"""gunicorn under load: start `gunicorn -w 2 wsgi:app` on a free loopback
port against the seeded L database, run locust headless (bounded users and
seconds) against the leader's desk and then the lead list, read each run's
requests per second and percentiles, and stop everything again.

    python -m bench.run --databases postgresql --only-load
"""

from __future__ import annotations

import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.databases import Target

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    """Wait for gunicorn's /healthz (bench/load.py and bench/fault.py too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _personas(target: Target) -> dict[str, str]:
    from bench import cases
    from bench.common import open_app

    app = open_app(target.url)
    with app.app_context():
        from app.db import db

        users = cases.context().users
        db.session.remove()
        db.engine.dispose()
    return users


def _locust(host: str, path: str, name: str, usernames: list[str], users: int, seconds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="zs-locust-") as folder:
        prefix = os.path.join(folder, "run")
        env = {
            **os.environ,
            "BENCH_PATH": path,
            "BENCH_NAME": name,
            "BENCH_USERS": ",".join(usernames),
        }
        command = [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--host",
            host,
            "--csv",
            prefix,
            "--loglevel",
            "WARNING",
        ]
        subprocess.run(command, env=env, cwd=ROOT, check=False, timeout=seconds + 120, capture_output=True)  # noqa: S603
        with open(f"{prefix}_stats.csv", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Name"] == name:
                    return {
                        "requests": int(row["Request Count"]),
                        "failures": int(row["Failure Count"]),
                        "rps": round(float(row["Requests/s"]), 1),
                        "median_ms": float(row["50%"]),
                        "p95_ms": float(row["95%"]),
                        "p99_ms": float(row["99%"]),
                    }
    return {"requests": 0, "failures": 0, "rps": 0.0, "median_ms": None, "p95_ms": None, "p99_ms": None}


def run(target: Target, *, users: int = 20, seconds: int = 30) -> dict[str, Any]:
    """Serve `target` with gunicorn (2 workers) and load two pages in turn."""
    personas = _personas(target)
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": target.url,
        "APP_ENV": "development",
        "SECRET_KEY": secrets.token_hex(32),
    }
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, loopback only
        [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    pages: dict[str, Any] = {}
    try:
        wait_until_up(host, process)
        print(f"gunicorn ×{WORKERS} on {host}: locust, {users} users, {seconds} s per page …", flush=True)
        # The stack's own ceiling: a signed-in page that does next to nothing
        # (the password form), measured in the same run as the pages.
        pages["bare signed-in page"] = _locust(
            host, "/auth/password", "bare", [personas["staff_department"]], users, seconds
        )
        pages["leader's desk"] = _locust(host, "/projects/desk", "desk", [personas["leader"]], users, seconds)
        pages["lead list"] = _locust(
            host, "/leads/?status=open", "leads", [personas["staff_department"], personas["admin"]], users, seconds
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return {"workers": WORKERS, "users": users, "seconds": seconds, "pages": pages}
