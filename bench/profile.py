"""Profile one page with pyinstrument, in-process, signed in as a seeded user,
and print the SQL it sends with each statement's time (slowest first):

    python -m bench.profile --database-url sqlite:////tmp/zs-bench/L.sqlite3 \\
        --user bench00001 /projects/desk

pyinstrument comes from requirements-bench.txt (`make bench` installs it).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import sqlalchemy as sa

from bench.client import signed_in
from bench.common import open_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--user", required=True, help="a seeded username, e.g. bench00001 (a leader)")
    parser.add_argument("--sql", type=int, default=10, help="how many of the slowest statements to print")
    parser.add_argument("--explain", type=float, metavar="MS", help="EXPLAIN ANALYZE statements slower than MS")
    parser.add_argument("url")
    args = parser.parse_args()

    from pyinstrument import Profiler

    from app.db import db

    app = open_app(args.database_url)
    client = signed_in(app, args.user)
    client.get(args.url)  # warm-up
    timings: list[tuple[float, str, Any]] = []
    started: dict[int, float] = {}

    def before(conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        started[id(conn)] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
        elapsed = (time.perf_counter() - started.pop(id(conn), time.perf_counter())) * 1000
        timings.append((elapsed, statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    response = client.get(args.url)
    profiler.stop()
    sa.event.remove(engine, "before_cursor_execute", before)
    sa.event.remove(engine, "after_cursor_execute", after)
    print(f"HTTP {response.status_code}, {len(timings)} statements, {sum(t[0] for t in timings):.1f} ms in SQL")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    slowest = sorted(timings, key=lambda t: t[0], reverse=True)
    for elapsed, statement, _params in slowest[: args.sql]:
        print(f"--- {elapsed:.1f} ms\n{statement}\n")
    if args.explain is not None:
        with app.app_context(), engine.connect() as conn:
            for elapsed, statement, params in slowest:
                if elapsed < args.explain:
                    break
                prefix = "EXPLAIN ANALYZE " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
                plan = conn.exec_driver_sql(prefix + statement, params).all()
                print(f"=== plan of the {elapsed:.1f} ms statement\n" + "\n".join(" ".join(map(str, r)) for r in plan))


if __name__ == "__main__":
    main()
