"""The declarative base with a constraint naming convention, the shared `db`
handle, column helpers (money, enums) and the SQLite connection pragmas."""

from __future__ import annotations

import enum
import logging
import sqlite3
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from app import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base: every constraint gets a predictable name, which
    SQLite's batch migrations need."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Money in 万元: exact to the 元 (4 decimals), never float.
Money = sa.Numeric(18, 4, asdecimal=True)
# Areas in 亩 and other non-money quantities.
Quantity = sa.Numeric(14, 2, asdecimal=True)
ZERO = Decimal("0")


def utcnow() -> datetime:
    """Now as stored: naive UTC, from the one clock (app/clock.py)."""
    return clock.utcnow()


def reserve_ids(table: sa.Table, count: int) -> list[int]:
    """`count` new primary keys of `table` (an integer `id`), taken before
    the rows are written: the ORM inserts rows whose keys it knows with one
    executemany, where it would otherwise ask each key back (RETURNING),
    which SQLite answers a row at a time and PostgreSQL's driver re-parses
    for every batch of thousands of parameters — most of a large import's
    writing. PostgreSQL: from the column's sequence. SQLite: after the
    largest id, which only holds under the database's write lock — the
    caller's transaction must have written already (an import commit has:
    its claim) — and every new row of the table in the session numbered
    together (SQLite would give an unnumbered one the same next id)."""
    if count <= 0:
        return []
    session = db.session
    with session.no_autoflush:  # the rows being numbered are pending
        if session.get_bind().dialect.name == "postgresql":
            return sorted(
                session.execute(
                    sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
                    {"table": table.name, "count": count},
                ).scalars()
            )
        last = session.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    return list(range(last + 1, last + 1 + count))


def number(objects: list[Any]) -> None:
    """Give the new ORM objects among `objects` their keys now (`reserve_ids`),
    so their flush inserts each table in one executemany."""
    new: dict[type, list[Any]] = {}
    for obj in objects:
        if obj.id is None:
            new.setdefault(type(obj), []).append(obj)
    for model, items in new.items():
        for obj, key in zip(items, reserve_ids(model.__table__, len(items)), strict=True):
            obj.id = key


def enum_column(enum_cls: type[enum.Enum], length: int = 20) -> sa.Enum:
    """Store a Python enum by its value as VARCHAR (portable, readable)."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        length=length,
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )


def trigram_index(name: str, column: str) -> sa.Index:
    """An index that serves `LIKE '%term%'` / `ILIKE` keyword search: on
    PostgreSQL a GIN trigram index (the pg_trgm extension, which
    migrations/env.py creates); on SQLite a plain index on the column (a
    narrower scan, the same name so models and migrations agree)."""
    return sa.Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def enable_sqlite_pragmas(engine: sa.Engine) -> None:
    """Foreign keys on for every SQLite connection; WAL for file databases;
    query-planner statistics kept up to date (see `_optimize`)."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "checkin")
    def _optimize(dbapi_conn: Any, _record: Any) -> None:
        """SQLite gathers no statistics unless asked, and without them its
        planner takes any index for a selective one: `archived_at IS NULL`
        (true for nearly every row) over the company's ten leads, a scan of
        500,000 visits instead of a lookup. So, as SQLite recommends for
        long-lived connections, run `PRAGMA optimize` whenever a connection
        goes back to the pool: it analyses the tables the connection used
        whose statistics are missing or far out of date, sampling at most
        1,000 rows per index (13 ms for leads and visits at 100,000 leads,
        once), and otherwise costs some microseconds."""
        if dbapi_conn is None or engine.url.database in (None, "", ":memory:"):
            return
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("PRAGMA optimize")
        except sqlite3.Error as exc:  # statistics are an optimisation: never fail a request for them
            logging.getLogger(__name__).warning("PRAGMA optimize skipped: %s", exc)
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
