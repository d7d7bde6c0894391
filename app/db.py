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
