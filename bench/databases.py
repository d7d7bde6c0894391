"""Where the benchmark's seeded databases live and when they can be reused.

SQLite: one file per size under BENCH_DIR (default $TMPDIR/zs-bench).
PostgreSQL: one database per size next to the one BENCH_DATABASE_URL names
(…/zs_bench → zs_bench_s, zs_bench_m, zs_bench_l), created when missing;
without BENCH_DATABASE_URL a local server at 127.0.0.1:5432 is tried.

PostgreSQL databases get `random_page_cost = 1.1` (SSD), as recommended in
docs/performance.md for production.

A seeded database is reused when a `bench_seed` marker row says it holds
that size seeded by the same seeder and schema (a fingerprint of
bench/seed.py and the migrations); otherwise it is emptied and seeded again.
After seeding, PostgreSQL gets the VACUUM ANALYZE its autovacuum would run
after a bulk load; SQLite gets a WAL checkpoint and no statistics (a
production SQLite file has none unless the application gathers them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app import clock

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/zs_bench"
MARKER = "bench_seed"
RANDOM_PAGE_COST = 1.1


@dataclass(frozen=True)
class Target:
    """One seeded database: its dialect name, size and URL."""

    dialect: str  # "sqlite" | "postgresql"
    size: str
    url: str


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in [ROOT / "bench" / "seed.py", *sorted((ROOT / "migrations" / "versions").glob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def sqlite_target(size: str) -> Target:
    folder = Path(os.environ.get("BENCH_DIR") or Path(tempfile.gettempdir()) / "zs-bench")
    folder.mkdir(parents=True, exist_ok=True)
    return Target("sqlite", size, f"sqlite:///{folder / f'{size}.sqlite3'}")


def postgres_base_url() -> str | None:
    """BENCH_DATABASE_URL, else the local default when a server answers."""
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_POSTGRES
    try:
        engine = sa.create_engine(_maintenance(url), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except sa.exc.OperationalError as exc:
        if os.environ.get("BENCH_DATABASE_URL"):
            raise SystemExit(f"BENCH_DATABASE_URL does not answer: {exc}") from exc
        return None
    return url


def postgres_target(base_url: str, size: str) -> Target:
    """The database for `size` beside `base_url`'s, created when missing."""
    url = make_url(_psycopg(base_url))
    name = f"{url.database}_{size.lower()}"
    admin = sa.create_engine(_maintenance(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # The planner's cost of a random read, for data on SSD or in memory
        # (the default 4 models spinning disks and turns index lookups into
        # table scans); docs/performance.md recommends the same in production.
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET random_page_cost = {RANDOM_PAGE_COST}')
    admin.dispose()
    return Target("postgresql", size, url.set(database=name).render_as_string(hide_password=False))


def _maintenance(url: str) -> sa.URL:
    """The server's `postgres` database: the one named in the URL (zs_bench)
    need not exist, only the per-size databases beside it are created."""
    return make_url(_psycopg(url)).set(database="postgres")


def _psycopg(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def seeded_on(target: Target) -> dt.date | None:
    """The day `target` was seeded, when it holds this size by this seeder."""
    if target.dialect == "sqlite" and not Path(make_url(target.url).database or "").exists():
        return None
    engine = sa.create_engine(_psycopg(target.url))
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(MARKER):
                return None
            row = conn.execute(sa.text(f"SELECT size, fingerprint, seeded_on FROM {MARKER}")).first()
    finally:
        engine.dispose()
    if row is None or row.size != target.size or row.fingerprint != fingerprint():
        return None
    value = row.seeded_on
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def seed(target: Target) -> dict[str, int]:
    """Empty, migrate and seed `target`, then mark it."""
    from app.db import db
    from bench.common import fresh_app
    from bench.seed import seed as seed_rows

    app = fresh_app(target.url)
    with app.app_context():
        counts = seed_rows(target.size)
        engine = db.engine
        db.session.remove()
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {MARKER} (size VARCHAR(2), fingerprint VARCHAR(32), seeded_on DATE)")
        conn.execute(
            sa.text(f"INSERT INTO {MARKER} VALUES (:s, :f, :d)"),
            {"s": target.size, "f": fingerprint(), "d": clock.today()},
        )
        conn.commit()
    if target.dialect == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return counts


def ensure_seeded(target: Target, *, reseed: bool = False) -> str:
    """Seed `target` unless it already holds its size; a line saying which."""
    day = None if reseed else seeded_on(target)
    if day is not None:
        return f"{target.dialect} {target.size}: reusing the database seeded on {day}"
    counts = seed(target)
    return f"{target.dialect} {target.size}: seeded {counts}"
