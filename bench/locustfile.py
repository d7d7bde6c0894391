"""Locust scenario for `bench/serve.py`: each simulated user signs in once
(as one of BENCH_USERS, round robin) and then requests BENCH_PATH back to
back (no think time), so the run measures what two gunicorn workers can
serve. Run headless and bounded, e.g.

    BENCH_PATH=/projects/desk BENCH_USERS=bench00001 \\
        locust -f bench/locustfile.py --headless -u 10 -r 5 -t 30s --host http://127.0.0.1:8123
"""

from __future__ import annotations

import itertools
import os
import re

from locust import HttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
NAME = os.environ.get("BENCH_NAME", PATH)
USERS = itertools.cycle([u for u in os.environ.get("BENCH_USERS", "").split(",") if u] or ["bench00001"])
PASSWORD = os.environ.get("BENCH_PASSWORD", "zhaoshang-demo")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class PageUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        form = self.client.get("/auth/login", name="sign-in")
        match = TOKEN.search(form.text)
        data = {"username": next(USERS), "password": PASSWORD, "csrf_token": match.group(1) if match else ""}
        with self.client.post(
            "/auth/login", data=data, name="sign-in", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 302:
                r.failure(f"sign-in answered {r.status_code}")

    @task
    def page(self) -> None:
        with self.client.get(PATH, name=NAME, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
