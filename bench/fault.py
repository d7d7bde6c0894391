"""Fault run: the load run of bench/load.py, with PostgreSQL restarted a
third of the way in. Passes when the app recovers by itself (same gunicorn
processes; the pool pre-pings, so dead connections are replaced), requests
that hit the outage answer a clean 503 (never a 500 or a dropped
connection), every request after the restart succeeds, and every write the
app acknowledged is in the database.

    python -m bench.fault                       # 50 users, 60 s, the cluster serving port 5432
    python -m bench.fault --database-url postgresql://postgres@127.0.0.1:5437/zs_trust_fault

The cluster restarted is the one serving the database URL's port (as
listed by pg_lsclusters), with
`pg_ctlcluster --skip-systemctl-redirect <version> <cluster> restart` — so
point the run at a cluster of its own when others share the machine's
main one.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.load import DEFAULT_URL, Outcome, psycopg_url, report, run


def cluster_for(database_url: str) -> tuple[str, str]:
    """(version, name) of the local cluster listening on the URL's port."""
    from sqlalchemy.engine import make_url

    port = make_url(psycopg_url(database_url)).port or 5432
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True)  # noqa: S607
    for line in listing.stdout.splitlines():
        version, name, cluster_port, *_rest = line.split()
        if int(cluster_port) == port:
            return version, name
    raise SystemExit(f"no local PostgreSQL cluster listens on port {port} (pg_lsclusters)")


def children(pid: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def analyse(outcome: Outcome, restart: dict[str, float]) -> dict[str, object]:
    began, ended = restart["began"], restart["ended"]
    after = [t for t in outcome.timeline if t[0] > ended + 1.0]  # one second for in-flight requests to drain
    during = [t for t in outcome.timeline if began - 0.5 <= t[0] <= ended + 1.0]
    recovered = min((t[0] for t in outcome.timeline if t[0] > ended and 200 <= t[2] < 400), default=None)
    return {
        "restart_seconds": round(ended - began, 2),
        "answers_during_outage": dict(sorted(collections.Counter(t[2] for t in during).items())),
        "first_success_after_restart_s": round(recovered - ended, 2) if recovered else None,
        "failures_after_recovery": sum(1 for t in after if t[4]),
        "failed_after_recovery": [(round(t[0] - ended, 1), t[1], t[2]) for t in after if t[4]][:10],
        "requests_after_recovery": len(after),
        "http_500": outcome.statuses.get(500, 0),
        "no_answer": outcome.statuses.get(0, 0),
        "http_503": outcome.statuses.get(503, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("FAULT_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 20 <= args.seconds <= 600:
        raise SystemExit("bounded runs only: 1–200 users, 20–600 seconds")
    version, cluster = cluster_for(args.database_url)
    restart: dict[str, float] = {}
    workers_seen: dict[str, set[int]] = {}

    def fault(seconds: int, gunicorn_pid: int) -> None:
        time.sleep(seconds / 3)
        workers_seen["before"] = children(gunicorn_pid)
        print(f"restarting PostgreSQL {version}/{cluster} …", flush=True)
        restart["began"] = time.time()
        subprocess.run(  # noqa: S603
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"],  # noqa: S607
            check=True,
        )
        restart["ended"] = time.time()
        print(f"PostgreSQL back after {restart['ended'] - restart['began']:.1f} s", flush=True)
        time.sleep(seconds / 3)
        workers_seen["after"] = children(gunicorn_pid)

    outcome = run(args.database_url, args.users, args.seconds, args.workers, during=fault)
    report(outcome, f"fault: {args.users} users, {args.seconds} s, PostgreSQL {version}/{cluster} restarted")
    findings = analyse(outcome, restart)
    findings["gunicorn_workers_unchanged"] = bool(workers_seen.get("before")) and workers_seen.get(
        "before"
    ) == workers_seen.get("after")
    for key, value in findings.items():
        print(f"{key}: {value}")
    ok = (
        findings["http_500"] == 0
        and findings["no_answer"] == 0
        and findings["failures_after_recovery"] == 0
        and findings["first_success_after_restart_s"] is not None
        and findings["gunicorn_workers_unchanged"]
        and not outcome.missing
        and not outcome.tracebacks
    )
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
