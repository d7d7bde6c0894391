"""`make bench`: seed S, M and L (reusing seeded databases), measure every
listed page for every role and data scope in-process after warm-up, time
each report's SQL floor, the Excel import and export, and — on PostgreSQL at
L — gunicorn under locust; print the table, check the targets, and write
bench/results/<timestamp>-<database>.json.

    python -m bench.run                      # SQLite, plus PostgreSQL when it answers
    python -m bench.run --databases sqlite --sizes S,L --cases leads
    python -m bench.run --databases postgresql --only-load

PostgreSQL comes from BENCH_DATABASE_URL, else a local server at
127.0.0.1:5432 (database zs_bench); see bench/databases.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from app import clock
from bench import cases as bench_cases
from bench import databases, excel, floors, report
from bench.client import repeat, signed_in, time_page
from bench.common import open_app

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = ("S", "M", "L")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        memory = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.machine(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def measure_size(app: Flask, size: str, wanted: list[bench_cases.Case], budget: float) -> tuple[list[dict], dict]:
    """Every wanted case for every persona at one size, plus the floors."""
    from app.db import db

    with app.app_context():
        ctx = bench_cases.context()
    extra: dict[str, Any] = {"export_rows": ctx.export_rows, "users": ctx.users, "floors": {}}
    rows: list[dict] = []
    floor_ms: dict[str, float] = {}
    today = clock.today()
    for case in wanted:
        if case.floor and case.floor not in floor_ms:
            key = case.floor
            # The page is measured against the bare SQL over the facts it
            # reads (FACT_FLOORS); the floor over the records is timed beside
            # it and both must give the page's numbers.
            timed: dict[str, float] = {}
            problems: list[str] = []
            variants = [("records", floors.FLOORS[key][0], False)]
            if key in floors.FACT_FLOORS:
                variants.append(("facts", floors.FACT_FLOORS[key], True))
            for name, query_fn, over_facts in variants:
                with app.test_request_context():
                    q = floors.report_query(key, today)
                    problems += floors.check(key, q, over_facts=over_facts)
                    db.session.rollback()

                    def run_floor(query_fn=query_fn, q=q) -> None:
                        query_fn(q)
                        db.session.rollback()

                    timed[name] = statistics.median(repeat(run_floor, budget_s=budget))
            floor_ms[key] = timed.get("facts", timed["records"])
            extra["floors"][key] = {
                "median_ms": round(floor_ms[key], 2),
                "over": "facts" if "facts" in timed else "records",
                "records_median_ms": round(timed["records"], 2),
                "problems": problems,
            }
            for problem in problems:
                print(f"  ! floor and report disagree: {problem}")
    for persona in bench_cases.PERSONAS:
        persona_cases = [c for c in wanted if persona in c.personas]
        if not persona_cases:
            continue
        client = signed_in(app, ctx.users[persona])
        for case in persona_cases:
            url = case.url(ctx, persona)
            timing = time_page(app, client, url, budget_s=budget, max_runs=30 if case.kind != "export" else 5)
            row = {
                "case": case.key,
                "label": case.label,
                "kind": case.kind,
                "persona": persona,
                "size": size,
                "url": url,
                "median_ms": round(timing.median, 2),
                "p95_ms": round(timing.p95, 2),
                "cpu_ms": round(statistics.median(timing.cpu), 2) if timing.cpu else None,
                "runs": len(timing.runs),
                "queries": timing.queries,
                "status": timing.status,
            }
            if case.floor:
                row["floor_ms"] = extra["floors"][case.floor]["median_ms"]
                row["floor_ratio"] = round(timing.median / floor_ms[case.floor], 2) if floor_ms[case.floor] else None
            if case.kind == "export":
                row["rows"] = ctx.export_rows
            rows.append(row)
            print(report.line(row), flush=True)
    export = next((c for c in wanted if c.kind == "export"), None)
    if export is not None:
        extra["export_memory"] = excel.export_memory(app, ctx.users["admin"], export.url(ctx, "admin"))
        extra["export_memory"]["rows"] = ctx.export_rows
    return rows, extra


def run_database(dialect: str, base_url: str | None, args: argparse.Namespace) -> dict[str, Any]:
    wanted = [c for c in bench_cases.CASES if not args.cases or any(p in c.key for p in args.cases.split(","))]
    result: dict[str, Any] = {
        "database": dialect,
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_start": load_average(),
        "results": [],
        "sizes": {},
    }
    l_target = None
    for size in args.sizes:
        target = databases.sqlite_target(size) if dialect == "sqlite" else databases.postgres_target(base_url, size)
        print(databases.ensure_seeded(target, reseed=args.reseed), flush=True)
        if size == "L":
            l_target = target
        if args.only_load:
            continue
        app = open_app(target.url)
        if dialect == "postgresql":
            from app.db import db

            with app.app_context():
                result["server"] = db.session.execute(sa.text("SHOW server_version")).scalar()
        started = time.perf_counter()
        rows, extra = measure_size(app, size, wanted, args.budget)
        extra["seconds"] = round(time.perf_counter() - started, 1)
        extra["load_average"] = load_average()
        result["results"].extend(rows)
        result["sizes"][size] = extra
        _dispose(app)
    if l_target is not None and not args.only_load and not args.no_import:
        users = result["sizes"].get("L", {}).get("users") or {}
        admin = users.get("admin", "bench00041")
        print(f"{dialect} L: importing {excel.IMPORT_ROWS} leads into a scratch copy …", flush=True)
        result["import"] = excel.time_import(l_target, admin)
        print(f"  import: {result['import']}", flush=True)
    if dialect == "postgresql" and l_target is not None and not args.no_load:
        from bench import serve

        result["load_test"] = serve.run(l_target, users=args.load_users, seconds=args.load_seconds)
    result["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    result["load_average_end"] = load_average()
    result["targets"] = report.check_targets(result)
    return result


def _dispose(app: Flask) -> None:
    from app.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--sizes", default="S,M,L", type=lambda s: [x.strip().upper() for x in s.split(",")])
    parser.add_argument("--cases", default="", help="only cases whose key contains one of these (comma-separated)")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds of timed runs per page (5–30 runs)")
    parser.add_argument("--reseed", action="store_true", help="seed again even when a seeded database matches")
    parser.add_argument("--no-import", action="store_true", help="skip the 10,000-row Excel import")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn + locust on PostgreSQL")
    parser.add_argument("--only-load", action="store_true", help="only gunicorn + locust (PostgreSQL, L)")
    parser.add_argument("--load-users", type=int, default=20)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    for size in args.sizes:
        if size not in SIZES:
            parser.error(f"unknown size {size}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    written = []
    for dialect in [d.strip() for d in args.databases.split(",") if d.strip()]:
        base_url = None
        if dialect == "postgresql":
            base_url = databases.postgres_base_url()
            if base_url is None:
                print("PostgreSQL: BENCH_DATABASE_URL not set and no local server answers — skipped.")
                continue
        elif dialect != "sqlite":
            parser.error(f"unknown database {dialect}")
        result = run_database(dialect, base_url, args)
        path = out / f"{stamp}-{dialect}.json"
        path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
        written.append(path)
        print()
        print(report.table(result))
        print(report.targets_text(result))
        print(f"→ {path}")
    if not written:
        raise SystemExit("nothing measured")


if __name__ == "__main__":
    main()
