"""The declarative base with a constraint naming convention, the shared `db`
handle, column helpers (money, enums) and the SQLite connection pragmas."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

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
    """Timezone-aware now in UTC (stored naive-UTC on SQLite)."""
    return datetime.now(UTC).replace(tzinfo=None)


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
    """Foreign keys on for every SQLite connection; WAL for file databases."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
